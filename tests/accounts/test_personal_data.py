"""People can download everything held about them and delete their account."""

import json

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.factories import MembershipFactory
from accounts.models import Membership, Organisation, User
from tests.conftest import reauthenticate

pytestmark = pytest.mark.django_db


def url(name):
    with translation.override("en"):
        return reverse(f"accounts:{name}")


def test_data_export_asks_to_reauthenticate_first(user_client):
    """A session signed in long ago cannot take the data away without the password."""
    response = user_client.get(url("data_export"))
    assert response.status_code == 302
    assert "/reauthenticate/" in response["Location"]


def test_data_export_is_a_json_download_of_my_data_only(
    user_client, user, organisation, other_user
):
    reauthenticate(user_client)
    response = user_client.get(url("data_export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    data = json.loads(response.content)
    assert data["profile"]["email"] == "learner@example.org"
    assert data["profile"]["display_name"] == "Sokha"
    assert data["memberships"][0]["role"] == "representative"
    assert "other@example.org" not in response.content.decode()
    # Neither the browser nor a proxy keeps a copy.
    assert "no-store" in response["Cache-Control"]


def test_profile_edit_changes_names_and_language(user_client, user):
    response = user_client.post(
        url("profile"),
        {"display_name": "Sokha C.", "legal_name": "Chan Sokha", "preferred_language": "km"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.legal_name, user.preferred_language) == (
        "Sokha C.",
        "Chan Sokha",
        "km",
    )


def test_profile_rejects_a_blank_display_name(user_client, user):
    response = user_client.post(
        url("profile"), {"display_name": "  ", "legal_name": "", "preferred_language": "xx"}
    )
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.display_name == "Sokha"


def test_account_deletion_asks_to_reauthenticate_first(user_client, user):
    response = user_client.get(url("account_delete"))
    assert response.status_code == 302
    assert "/reauthenticate/" in response["Location"]
    assert User.objects.filter(pk=user.pk).exists()


def test_account_deletion_removes_the_account_and_sole_organisations(
    user_client, user, organisation
):
    reauthenticate(user_client)
    response = user_client.post(url("account_delete"), {"confirm": "on"})
    assert response.status_code == 302
    assert not User.objects.filter(pk=user.pk).exists()
    assert not Organisation.objects.filter(pk=organisation.pk).exists()


def test_the_only_representative_of_a_shared_organisation_cannot_delete_yet(
    user_client, user, organisation, other_user
):
    MembershipFactory(user=other_user, organisation=organisation, role=Membership.Role.MEMBER)
    reauthenticate(user_client)
    response = user_client.post(url("account_delete"), {"confirm": "on"})
    assert response.status_code == 200
    assert User.objects.filter(pk=user.pk).exists()
    assert "Make another member a representative first." in response.content.decode()
