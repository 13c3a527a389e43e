"""Sign-up, verification, sign-in (password and e-mailed code), sign-out and MFA,
through the real allauth pages as a browser would use them."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.factories import UserFactory
from accounts.models import User
from tests.conftest import login_with_mfa

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


def totp_now(secret: str) -> str:
    counter = next(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counter))


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_sign_up_verify_log_in_and_out(client):
    """A new person signs up, must verify their address, then can sign in and out."""
    response = client.post(
        url("account_signup"),
        {
            "email": "sreymom@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "display_name": "Sreymom",
            "preferred_language": "km",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(email="sreymom@example.org")
    assert user.display_name == "Sreymom"
    assert user.preferred_language == "km"
    assert not EmailAddress.objects.get(user=user).verified

    # Signing in before verifying only re-sends the verification e-mail.
    assert len(mail.outbox) == 1
    confirm_url = link_in(mail.outbox[0])
    response = client.post(
        url("account_login"), {"login": "sreymom@example.org", "password": "a-long-pass-phrase"}
    )
    assert "_auth_user_id" not in client.session

    response = client.get(confirm_url)
    assert response.status_code == 200
    response = client.post(confirm_url)
    assert response.status_code == 302
    assert EmailAddress.objects.get(user=user).verified

    response = client.post(
        url("account_login"), {"login": "sreymom@example.org", "password": "a-long-pass-phrase"}
    )
    assert response.status_code == 302
    # After sign-in, the person continues in their preferred language.
    assert response["Location"].startswith("/km/")
    assert client.session["_auth_user_id"] == str(user.pk)

    response = client.post(url("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_sign_up_errors_are_translated_and_change_nothing(client):
    """A bad sign-up shows clear errors in the page's language and creates no account."""
    response = client.post(
        url("account_signup", lang="km"),
        {"email": "not-an-address", "password1": "x", "password2": "y", "display_name": ""},
    )
    assert response.status_code == 200
    assert User.objects.count() == 0
    content = response.content.decode()
    assert 'aria-invalid="true"' in content or "field--error" in content
    assert "This field is required." not in content


def test_login_by_emailed_code(client):
    """A person can sign in with a one-time code sent to their e-mail address."""
    user = UserFactory(email="dara@example.org")
    response = client.post(url("account_request_login_code"), {"email": "dara@example.org"})
    assert response.status_code == 302
    code = re.search(r"^\s*(\d{4}-\d{4}-\d{4})\s*$", mail.outbox[-1].body, re.MULTILINE).group(1)
    response = client.post(url("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_mfa_setup_then_login_asks_for_the_code(client):
    """After TOTP is set up, signing in with the right password still asks for a code."""
    user = UserFactory(email="editor@example.org")
    client.force_login(user)
    response = client.get(url("mfa_activate_totp"))
    if response.status_code == 302:  # allauth asks to re-authenticate first
        client.post(url("account_reauthenticate"), {"password": "correct-horse-battery"})
        response = client.get(url("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(url("mfa_activate_totp"), {"code": totp_now(secret)})
    assert response.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    client.logout()

    response = client.post(
        url("account_login"), {"login": "editor@example.org", "password": "correct-horse-battery"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("mfa_authenticate")
    assert "_auth_user_id" not in client.session

    response = client.post(url("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session

    response = client.post(url("mfa_authenticate"), {"code": totp_now(secret)})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_staff_without_mfa_are_refused_the_admin(client):
    """Staff who have not set up TOTP are sent to set it up, never into the admin."""
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    client.force_login(staff)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/totp/activate/"


def test_staff_with_totp_must_enter_a_code_in_this_session(client):
    """Having TOTP is not enough: a session that did not complete MFA is asked
    for a code before the admin opens, and gets in once it has one."""
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    response = client.get("/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/2fa/reauthenticate/?next=/admin/pages/"

    login_with_mfa(client, staff)
    assert client.get("/admin/pages/").status_code == 200


def test_admin_login_goes_through_allauth(client):
    """Wagtail's own login form is not reachable; the admin uses the site's sign-in."""
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_repeated_failed_logins_are_rate_limited(client):
    """After five wrong passwords for one address, even the right one is refused for a while."""
    UserFactory(email="target@example.org")
    for _ in range(5):
        client.post(url("account_login"), {"login": "target@example.org", "password": "wrong"})
    response = client.post(
        url("account_login"), {"login": "target@example.org", "password": "correct-horse-battery"}
    )
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()


def test_the_admin_asks_nothing_of_other_hosts(client):
    """Wagtail's admin would check releases.wagtail.org for upgrades and load
    avatars from gravatar.com; neither may leave the page."""
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    login_with_mfa(client, staff)
    content = client.get("/admin/").content.decode()
    assert 'data-controller="w-upgrade' not in content
    assert "gravatar.com" not in content
    loads = r'(?:src="|<link[^>]*href=")(?:https?:)?//([^/"]+)'  # not plain links
    for match in re.finditer(loads, content):
        pytest.fail(f"the admin loads from {match.group(1)}")
