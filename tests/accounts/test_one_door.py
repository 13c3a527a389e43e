"""One door in: every URL that signs anyone in is allauth's, with its MFA,
rate limit and mandatory e-mail verification.

The URLs are read from the resolver, not listed by hand: each one is sent
the credentials a sign-in form takes, and a URL "signs in" when the session
it answers with belongs to someone. A URL added later that signs people in
another way fails here.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.factories import UserFactory
from tests.conftest import login_with_mfa
from tests.support.urls import http_endpoints

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def credentials(email: str, password: str = PASSWORD) -> dict:
    """What any sign-in form might read: allauth's, Django's, Wagtail's."""
    return {
        "login": email,
        "email": email,
        "username": email,
        "password": password,
        "password1": password,
        "password2": password,
        "remember": "on",
        "return_url": "/",
        "next": "/",
    }


def signed_in_as(client) -> str | None:
    return client.session.get("_auth_user_id")


def urls_that_sign_in(email: str, password: str = PASSWORD) -> set[str]:
    """Every URL pattern that, posted these credentials, leaves a signed-in session."""
    found = set()
    for endpoint in http_endpoints():
        client = Client(raise_request_exception=False)
        client.post(endpoint.url(), credentials(email, password))
        if signed_in_as(client):
            found.add(endpoint.name or endpoint.key)
    return found


@pytest.fixture
def people(db):
    staff = UserFactory(email="staff@example.org", is_staff=True, is_superuser=True)
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    unverified = UserFactory(email="unverified@example.org", verified=False)
    learner = UserFactory(email="learner@example.org")
    return {"staff": staff, "unverified": unverified, "learner": learner}


def test_only_allauths_login_signs_in_and_it_holds_every_guard(people):
    """Of every URL the site serves, allauth's login page is the one that
    signs a person in with a password, and only a verified person without
    two-factor authentication: nothing signs in staff who have TOTP (allauth
    asks for the code first) or someone who never verified their address.
    On every URL that does sign in, 40 wrong passwords and then the right one
    are refused."""
    doors = urls_that_sign_in("learner@example.org")
    assert doors == {"account_login"}
    assert urls_that_sign_in("staff@example.org") == set()
    assert urls_that_sign_in("unverified@example.org") == set()

    by_name = {e.name or e.key: e for e in http_endpoints()}
    for door in doors:
        client = Client(raise_request_exception=False)
        url = by_name[door].url()
        for _ in range(40):
            client.post(url, credentials("learner@example.org", "wrong-password"))
        client.post(url, credentials("learner@example.org"))
        assert signed_in_as(client) is None, door


def test_wagtails_front_end_login_sends_people_to_allauth(client, people):
    """Wagtail's own sign-in page and the one private pages use redirect to
    allauth, keeping where the person was going; posting a password there
    signs nobody in."""
    response = client.get("/en/_util/login/?next=/en/private/")
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/login/?next=/en/private/"

    client.post("/en/_util/login/", credentials("learner@example.org"))
    assert signed_in_as(client) is None


def test_a_private_page_asks_for_the_sites_sign_in(client, people):
    """A page for signed-in people only sends a visitor to allauth's login."""
    from wagtail.models import PageViewRestriction

    from courses import factories

    course = factories.course_page(title="Members only", slug="members-only")
    PageViewRestriction.objects.create(page=course, restriction_type=PageViewRestriction.LOGIN)
    path = course.get_url()
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/km/accounts/login/?next=")

    login_with_mfa(client, people["learner"])
    assert client.get(path).status_code == 200


def test_shared_page_and_document_passwords_are_turned_off(client, people):
    """A shared password is nobody's sign-in and nothing limits guessing it:
    the forms that take one answer 410 Gone, and the admin offers no such option."""
    from wagtail.models import Page, PageViewRestriction

    page = Page.objects.get(depth=1)
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="letmein"
    )
    url = f"/en/_util/authenticate_with_password/{restriction.pk}/{page.pk}/"
    assert client.post(url, {"password": "letmein", "return_url": "/"}).status_code == 410
    assert restriction.passed_view_restrictions_session_key not in client.session
    url = f"/documents/authenticate_with_password/{restriction.pk}/"
    assert client.post(url, {"password": "letmein", "return_url": "/"}).status_code == 410

    from wagtail.admin.forms.pages import PageViewRestrictionForm

    form = PageViewRestrictionForm(private_page_options=["password", "login", "groups"])
    assert "password" not in dict(form.fields["restriction_type"].choices)


def test_a_sign_in_by_code_still_asks_staff_for_their_second_factor(client, people):
    """A code e-mailed to a staff member who has TOTP is one factor, not two."""
    client.post(en("account_request_login_code"), {"email": "staff@example.org"})
    code = re.search(r"\d{4}-\d{4}-\d{4}", mail.outbox[-1].body).group(0)
    response = client.post(en("account_confirm_login_code"), {"code": code})
    assert response.status_code == 302
    assert response["Location"] == en("mfa_authenticate")
    assert signed_in_as(client) is None
