"""Mentoring in the site shell: dashboard notice, navigation, personal data."""

import json

from django.utils import timezone

from accounts.factories import MembershipFactory
from mentoring import services
from mentoring.models import MentoringOffer
from tests.conftest import reauthenticate

from .conftest import login


def test_dashboard_tells_a_representative_about_a_proposed_match(
    client, proposed_pair, mentee_rep, django_assert_max_num_queries
):
    login(client, mentee_rep)
    with django_assert_max_num_queries(40):
        page = client.get("/en/dashboard/").text
    assert "New match proposed" in page
    assert f"/en/mentoring/pairs/{proposed_pair.pk}/" in page


def test_dashboard_lists_active_pairs_but_no_notice_once_answered(client, active_pair, mentor_rep):
    login(client, mentor_rep)
    page = client.get("/en/dashboard/").text
    assert "New match proposed" not in page
    assert f"/en/mentoring/pairs/{active_pair.pk}/" in page


def test_dashboard_has_no_mentoring_panel_for_people_without_a_part_in_it(client, outsider):
    login(client, outsider)
    assert "All mentoring" not in client.get("/en/dashboard/").text


def test_navigation_links_to_mentoring_when_signed_in(client, outsider):
    assert 'href="/en/mentoring/"' not in client.get("/en/organisations/").text
    login(client, outsider)
    assert 'href="/en/mentoring/"' in client.get("/en/organisations/").text


def test_personal_data_export_includes_mentoring(client, active_pair, mentor_rep):
    services.add_check_in(
        mentor_rep, active_pair, date=timezone.localdate(active_pair.activated_at), covered="Books"
    )
    login(client, mentor_rep)
    reauthenticate(client)
    data = json.loads(client.get("/en/me/data/export/").content)
    mentoring = data["mentoring"]
    assert mentoring["check_ins_written"][0]["covered"] == "Books"
    assert mentoring["mentor_in_offers"][0]["focus_areas"] == [
        "financial-management",
        "fundraising",
    ]


def test_deleting_an_account_removes_it_from_offers(offer, mentor_rep, mentor_org):
    from accounts.factories import UserFactory
    from accounts.services import delete_account

    other_rep = UserFactory(email="second@example.org")
    MembershipFactory(user=other_rep, organisation=mentor_org, role="representative")
    delete_account(mentor_rep)
    assert not MentoringOffer.objects.get(pk=offer.pk).mentors.exists()


def test_deleting_the_last_member_removes_the_organisation_and_its_pairs(
    active_pair, mentee_rep, mentee_org
):
    """The organisation's requests and pairs go with it; the mentor's offer stays."""
    from accounts.models import Organisation
    from accounts.services import delete_account
    from mentoring.models import MentoringPair

    delete_account(mentee_rep)
    assert not Organisation.objects.filter(pk=mentee_org.pk).exists()
    assert not MentoringPair.objects.filter(pk=active_pair.pk).exists()
    assert MentoringOffer.objects.filter(pk=active_pair.offer_id).exists()
