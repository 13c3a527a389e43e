"""Sensitive changes ask for the password (or a code) again, and sign-in
codes go only to addresses the person proved are theirs.

A session signed in long ago, perhaps stolen, must not be able to add an
address, take the data, change what protects the account or the
organisation, and must not be able to turn itself into a sign-in that
survives a password change.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import translation

from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from accounts.models import Invitation, Membership
from tests.conftest import login_with_mfa, reauthenticate

pytestmark = pytest.mark.django_db

CODE = re.compile(r"\d{4}-\d{4}-\d{4}")


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def asks_to_reauthenticate(response) -> bool:
    return response.status_code == 302 and "/reauthenticate/" in response["Location"]


def test_adding_an_address_asks_for_the_password_first(user_client, user):
    response = user_client.post(
        en("account_email"), {"action_add": "", "email": "thief@example.net"}
    )
    assert asks_to_reauthenticate(response)
    assert not EmailAddress.objects.filter(email="thief@example.net").exists()
    assert not mail.outbox

    reauthenticate(user_client)
    user_client.post(en("account_email"), {"action_add": "", "email": "second@example.org"})
    address = EmailAddress.objects.get(email="second@example.org")
    assert address.user == user and not address.verified


def test_removing_an_address_asks_for_the_password_first(user_client, user):
    EmailAddress.objects.create(user=user, email="old@example.org", verified=True)
    response = user_client.post(
        en("account_email"), {"action_remove": "", "email": "old@example.org"}
    )
    assert asks_to_reauthenticate(response)
    assert EmailAddress.objects.filter(email="old@example.org").exists()


def test_changing_the_password_needs_the_current_one(user_client, user, password):
    response = user_client.post(
        en("account_change_password"),
        {"oldpassword": "not-it", "password1": "new-pass-phrase", "password2": "new-pass-phrase"},
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(password)


def test_turning_off_two_factor_asks_for_a_code_first(client, user):
    """MFA changes need a fresh proof, and with MFA on only a code from the
    authenticator is accepted: the password alone cannot take it away."""
    login_with_mfa(client, user)
    totp = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    response = client.post(en("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert response["Location"].startswith(en("mfa_reauthenticate"))
    assert Authenticator.objects.filter(pk=totp.pk).exists()

    # The password page is not offered to someone with MFA: it sends them on.
    response = client.get(en("account_reauthenticate"))
    assert response.status_code == 302
    assert response["Location"].startswith(en("mfa_reauthenticate"))
    client.post(en("account_reauthenticate"), {"password": "correct-horse-battery"})
    assert client.post(en("mfa_deactivate_totp")).status_code == 302
    assert Authenticator.objects.filter(pk=totp.pk).exists()


def test_sign_in_codes_go_to_verified_addresses_only(client, user):
    """An address added to the account but never verified gets no code (the
    e-mail it gets says no account uses it); the verified one gets a code."""
    EmailAddress.objects.create(user=user, email="added@example.net", verified=False)
    client.post(en("account_request_login_code"), {"email": "added@example.net"})
    assert mail.outbox[-1].to == ["added@example.net"]
    assert not CODE.search(mail.outbox[-1].body)
    response = client.post(en("account_confirm_login_code"), {"code": "0000-0000-0000"})
    assert "_auth_user_id" not in client.session
    assert response.status_code in (200, 302)
    assert not EmailAddress.objects.get(email="added@example.net").verified

    fresh = Client()
    fresh.post(en("account_request_login_code"), {"email": user.email})
    code = CODE.search(mail.outbox[-1].body).group(0)
    fresh.post(en("account_confirm_login_code"), {"code": code})
    assert fresh.session["_auth_user_id"] == str(user.pk)


def test_an_invitation_needs_a_verified_address(client):
    """Someone who typed the invited address at sign-up, without verifying
    it, cannot join the organisation (nor read its members)."""
    organisation = OrganisationFactory(name_en="Invited Network")
    representative = UserFactory(email="rep@example.org")
    MembershipFactory(user=representative, organisation=organisation, role="representative")
    invitation = Invitation.objects.create(
        organisation=organisation, email="invited@example.org", invited_by=representative
    )
    squatter = UserFactory(email="invited@example.org", verified=False)
    client.force_login(squatter)
    response = client.post(en("accounts:invitation_accept", token=invitation.token))
    assert not Membership.objects.filter(user=squatter).exists()
    assert response.status_code == 200
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
