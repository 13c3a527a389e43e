"""Organisations: representatives create and edit them, members only see them,
outsiders cannot tell they exist; invitations add members who agree."""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from accounts.models import Membership, Organisation
from tests.conftest import reauthenticate

pytestmark = pytest.mark.django_db


def url(name, lang="en", **kwargs):
    with translation.override(lang):
        return reverse(f"accounts:{name}", kwargs=kwargs or None)


VALID = {
    "name_km": "បណ្ដាញស្ត្រីទន្លេសាប",
    "name_en": "Tonle Sap Women's Network",
    "kind": "network",
    "province": "04",
    "year_founded": "2004",
    "staff_size": "18",
    "focus_areas": ["gender-equality", "safeguarding"],
    "working_languages": ["km"],
    "description": "Savings groups and referral for survivors of violence.",
}


def test_a_signed_in_person_creates_an_organisation_and_represents_it(user_client, user):
    """The creator becomes the first representative; focus areas are stored."""
    response = user_client.post(url("organisation_create"), VALID)
    organisation = Organisation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("organisation_detail", slug=organisation.slug)
    assert organisation.province == "04"
    assert set(organisation.focus_areas.values_list("code", flat=True)) == {
        "gender-equality",
        "safeguarding",
    }
    assert Membership.objects.get(user=user).role == Membership.Role.REPRESENTATIVE
    page = user_client.get(response["Location"]).content.decode()
    assert "Kampong Chhnang" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("province", "99", "Choose one of the provinces of Cambodia."),
        ("year_founded", "2999", "The year founded cannot be in the future."),
        ("working_languages", [], "Choose at least one working language."),
    ],
)
def test_invalid_organisation_data_is_refused_with_a_clear_message(
    user_client, field, value, message
):
    """Bad input is explained next to its field and nothing is created."""
    response = user_client.post(url("organisation_create"), {**VALID, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_name_in_one_language_is_required(user_client):
    response = user_client.post(url("organisation_create"), {**VALID, "name_km": "", "name_en": ""})
    assert "Give the organisation&#x27;s name in Khmer, in English or in both." in (
        response.content.decode()
    )
    assert not Organisation.objects.exists()


def test_validation_errors_are_in_khmer_on_khmer_pages(user_client):
    response = user_client.post(url("organisation_create", lang="km"), {**VALID, "province": "99"})
    content = response.content.decode()
    assert "Choose one of the provinces of Cambodia." not in content
    assert not Organisation.objects.exists()


def test_the_representative_edits_the_organisation(user_client, organisation):
    reauthenticate(user_client)
    response = user_client.post(
        url("organisation_edit", slug=organisation.slug),
        {**VALID, "name_en": "Tonle Sap Women's Network (TSWN)", "staff_size": "20"},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.name_en == "Tonle Sap Women's Network (TSWN)"
    assert organisation.staff_size == 20


def test_a_member_can_see_but_not_edit(client, organisation, other_user):
    """Members see their organisation; editing is forbidden (403) and changes nothing."""
    MembershipFactory(user=other_user, organisation=organisation, role="member")
    client.force_login(other_user)
    assert client.get(url("organisation_detail", slug=organisation.slug)).status_code == 200
    assert client.get(url("organisation_edit", slug=organisation.slug)).status_code == 403
    response = client.post(
        url("organisation_edit", slug=organisation.slug), {**VALID, "name_en": "Hijacked"}
    )
    assert response.status_code == 403
    organisation.refresh_from_db()
    assert organisation.name_en != "Hijacked"


def test_an_outsider_cannot_see_or_edit(client, organisation, other_user):
    """People outside the organisation get 404, as if it did not exist."""
    client.force_login(other_user)
    assert client.get(url("organisation_detail", slug=organisation.slug)).status_code == 404
    response = client.post(
        url("organisation_edit", slug=organisation.slug), {**VALID, "name_en": "Hijacked"}
    )
    assert response.status_code == 404
    organisation.refresh_from_db()
    assert organisation.name_en != "Hijacked"


def test_anonymous_visitors_are_sent_to_sign_in(client, organisation):
    response = client.get(url("organisation_edit", slug=organisation.slug))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_invitation_by_email_then_acceptance(user_client, organisation, client):
    """A representative invites by e-mail; the invitee joins only by accepting."""
    reauthenticate(user_client)
    response = user_client.post(
        url("organisation_invite", slug=organisation.slug),
        {"email": "new.member@example.org", "role": "member"},
    )
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["new.member@example.org"]
    accept_url = re.search(r"https?://\S+", mail.outbox[-1].body).group(0)
    path = accept_url.split("://", 1)[1].split("/", 1)[1]

    invitee = UserFactory(email="new.member@example.org")
    assert not Membership.objects.filter(user=invitee).exists()
    client.force_login(invitee)
    response = client.post("/" + path)
    assert response.status_code == 302
    assert Membership.objects.get(user=invitee, organisation=organisation).role == "member"


def test_an_invitation_cannot_be_used_by_someone_else(user_client, organisation, client):
    reauthenticate(user_client)
    user_client.post(
        url("organisation_invite", slug=organisation.slug),
        {"email": "invitee@example.org", "role": "representative"},
    )
    accept_path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body)[1]
    intruder = UserFactory(email="intruder@example.org")
    client.force_login(intruder)
    assert client.get(accept_path).status_code == 200
    client.post(accept_path)
    assert not Membership.objects.filter(user=intruder).exists()
    assert organisation.invitations.get().accepted_at is None


def test_members_cannot_invite(client, organisation, other_user):
    MembershipFactory(user=other_user, organisation=organisation, role="member")
    client.force_login(other_user)
    response = client.post(
        url("organisation_invite", slug=organisation.slug),
        {"email": "friend@example.org", "role": "representative"},
    )
    assert response.status_code == 403
    assert not organisation.invitations.exists()
    assert not mail.outbox


def test_the_last_representative_cannot_leave(user_client, organisation, user):
    membership = Membership.objects.get(user=user)
    MembershipFactory(organisation=organisation, role="member")
    reauthenticate(user_client)
    user_client.post(url("membership_remove", slug=organisation.slug, pk=membership.pk))
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_public_directory_lists_only_public_organisations_and_never_members(client, organisation):
    hidden = OrganisationFactory(name_en="Quiet Group", is_public=False)
    organisation.is_public = True
    organisation.save()
    content = client.get(url("organisation_directory")).content.decode()
    assert organisation.name_en.replace("'", "&#x27;") in content
    assert hidden.name_en not in content
    assert "Sokha" not in content
    assert client.get(url("organisation_public", slug=hidden.slug)).status_code == 404


def test_organisation_changes_ask_the_representative_to_reauthenticate(user_client, organisation):
    """A session signed in long ago cannot change the organisation: the
    password is asked for first, then the change goes through as sent."""
    edit = url("organisation_edit", slug=organisation.slug)
    response = user_client.post(edit, {**VALID, "name_en": "Renamed"})
    assert response.status_code == 302
    assert "/reauthenticate/" in response["Location"]
    organisation.refresh_from_db()
    assert organisation.name_en == "Tonle Sap Women's Network"

    response = user_client.post(
        response["Location"], {"password": "correct-horse-battery"}, follow=False
    )
    organisation.refresh_from_db()
    assert organisation.name_en == "Renamed"


@pytest.mark.parametrize("action", ["invite", "role", "remove"])
def test_membership_changes_ask_the_representative_to_reauthenticate(
    user_client, organisation, other_user, action
):
    """Invitations, role changes and removals wait for the password too."""
    member = MembershipFactory(user=other_user, organisation=organisation, role="member")
    if action == "invite":
        response = user_client.post(
            url("organisation_invite", slug=organisation.slug),
            {"email": "friend@example.org", "role": "representative"},
        )
    elif action == "role":
        response = user_client.post(
            url("membership_role", slug=organisation.slug, pk=member.pk),
            {"role": "representative"},
        )
    else:
        response = user_client.post(url("membership_remove", slug=organisation.slug, pk=member.pk))
    assert response.status_code == 302
    assert "/reauthenticate/" in response["Location"]
    member.refresh_from_db()
    assert member.role == "member"
    assert not organisation.invitations.exists()
    assert not mail.outbox
