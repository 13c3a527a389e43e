"""Invitation links and calendar-feed addresses: the database keeps a keyed digest
of their secrets, never the secrets, and the data migration digested the ones made
before."""

import re

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from django.utils import translation

from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory
from accounts.models import Invitation, Membership
from lms.sealed import digest, digests
from tests.conftest import reauthenticate

LINK = re.compile(r"https?://[^/\s]+(/en/me/invitations/([A-Za-z0-9_-]+)/)")


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def row_text(model, **filters) -> str:
    """Every column of the matching rows, as the database returns them."""
    return repr(list(model.objects.filter(**filters).values()))


@pytest.mark.django_db
def test_an_invitation_row_keeps_no_secret_and_its_link_works(client, user):
    organisation = OrganisationFactory(name_en="Digest Network")
    MembershipFactory(user=user, organisation=organisation, role="representative")
    client.force_login(user)
    reauthenticate(client)
    client.post(
        en("accounts:organisation_invite", slug=organisation.slug),
        {"email": "invitee@example.org", "role": "member"},
    )
    path, token = LINK.search(mail.outbox[-1].body).groups()
    assert len(token) >= 43  # 256 random bits
    assert token not in row_text(Invitation, organisation=organisation)
    assert Invitation.objects.get(organisation=organisation).token_hash == digest(token)

    invitee = UserFactory(email="invitee@example.org")
    client.force_login(invitee)
    assert "Join Digest Network" in client.get(path).content.decode()
    assert client.get(path[:-2] + "x/").status_code == 404
    response = client.post(path)
    assert response.status_code == 302
    assert Membership.objects.filter(user=invitee, organisation=organisation).exists()


@pytest.mark.django_db
def test_the_invitee_opens_an_invitation_from_their_own_pages(client):
    organisation = OrganisationFactory(name_en="Panel Network")
    Invitation.objects.create(organisation=organisation, email="Invitee@Example.org")
    invitee = UserFactory(email="invitee@example.org")
    client.force_login(invitee)
    page = client.get(en("accounts:organisation_list")).content.decode()
    invitation = Invitation.objects.get()
    open_path = en("accounts:invitation_open", pk=invitation.pk)
    assert f'href="{open_path}"' in page
    assert client.post(open_path).status_code == 302
    assert Membership.objects.filter(user=invitee, organisation=organisation).exists()


@pytest.mark.django_db
def test_an_invitation_is_opened_by_id_only_by_its_verified_invitee(client):
    organisation = OrganisationFactory(name_en="Closed Network")
    invitation = Invitation.objects.create(organisation=organisation, email="invited@example.org")
    open_path = en("accounts:invitation_open", pk=invitation.pk)
    for person in (
        UserFactory(email="someone@example.org"),
        UserFactory(email="invited@example.org", verified=False),
    ):
        client.force_login(person)
        assert "Closed Network" not in client.get(en("accounts:organisation_list")).content.decode()
        assert client.get(open_path).status_code == 404
        assert client.post(open_path).status_code == 404
    assert not Membership.objects.filter(organisation=organisation).exists()


@pytest.mark.django_db
def test_digests_follow_a_key_rotation(client, settings, user):
    """A link made under the old SECRET_KEY still works while it is a fallback."""
    invitation = Invitation.objects.create(
        organisation=OrganisationFactory(), email=user.email, invited_by=None
    )
    token = invitation.token
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-secret-key-" + "x" * 40
    assert digest(token) != invitation.token_hash
    assert invitation.token_hash in digests(token)
    client.force_login(user)
    assert client.get(en("accounts:invitation_accept", token=token)).status_code == 200


SECRET_INVITATION = "invitation-secret-made-before-digests-0123456789"
SECRET_FEED = "feed-secret-made-before-digests-0123456789abcdef"


@pytest.mark.django_db(transaction=True)
def test_the_migration_digests_existing_secrets_and_their_links_still_work(client):
    from workshops.models import CalendarFeed

    person = UserFactory(email="before@example.org")
    organisation = OrganisationFactory(name_en="Old Network")
    before = [("accounts", "0004_admin_labels"), ("workshops", "0005_admin_labels")]
    executor = MigrationExecutor(connection)
    leaves = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        old.get_model("accounts", "Invitation").objects.create(
            organisation_id=organisation.pk,
            email=person.email,
            token=SECRET_INVITATION,
            expires_at="2999-01-01T00:00:00Z",
        )
        old.get_model("workshops", "CalendarFeed").objects.create(
            user_id=person.pk, token=SECRET_FEED
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(leaves)

    assert SECRET_INVITATION not in row_text(Invitation)
    assert SECRET_FEED not in row_text(CalendarFeed)
    assert Invitation.objects.get().token_hash == digest(SECRET_INVITATION)
    assert CalendarFeed.objects.get().token_hash == digest(SECRET_FEED)

    assert client.get(f"/en/workshops/calendar/{SECRET_FEED}.ics").status_code == 200
    client.force_login(person)
    response = client.get(en("accounts:invitation_accept", token=SECRET_INVITATION))
    assert "Join Old Network" in response.content.decode()
