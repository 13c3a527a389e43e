"""The admin flow through the Wagtail admin's own views: open, run, edit, approve, export."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse

from accounts.factories import UserFactory
from mentoring.models import MatchingRound, MatchProposal, MentoringPair
from tests.conftest import login_with_mfa


def admin_url(name, *args):
    return reverse(f"matching_rounds:{name}", args=args)


@pytest.fixture
def admin_client(client, mentoring_admin):
    login_with_mfa(client, mentoring_admin)
    return client


def test_admin_runs_edits_and_approves_a_round(
    admin_client,
    market,
    django_capture_on_commit_callbacks,
):
    asking, offering = market
    index = admin_client.get(admin_url("index"))
    assert index.status_code == 200
    assert "Open a matching round" in index.text

    response = admin_client.post(
        admin_url("add"),
        {
            "name": "National round, March",
            "weight_focus": "6",
            "weight_province": "2",
            "weight_availability": "1",
            "weight_maturity": "1",
            "notes": "",
        },
    )
    matching_round = MatchingRound.objects.get()
    assert response.status_code == 302
    assert response["Location"] == admin_url("detail", matching_round.pk)
    assert matching_round.weight_focus == 6

    admin_client.post(admin_url("run", matching_round.pk))
    review = admin_client.get(admin_url("detail", matching_round.pk)).text
    assert "2 proposed pairs" in review
    assert "Stung Youth" in review and "Kratie Helpdesk" in review
    assert "shared focus: Financial management (must)" in review
    assert "1 unmatched request" in review
    assert "No offer in a shared language covers any of its needs." in review
    assert "Unmatched by province" in review and "Pailin" in review
    assert "Load of each offer" in review

    stung = MatchProposal.objects.get(request=asking["stung"])
    kep = MatchProposal.objects.get(request=asking["kep"])
    admin_client.post(admin_url("lock", matching_round.pk, kep.pk), {"locked": "1"})
    assert MatchProposal.objects.get(pk=kep.pk).locked
    admin_client.post(admin_url("remove", matching_round.pk, stung.pk))
    assert not MatchProposal.objects.filter(pk=stung.pk).exists()
    review = admin_client.get(admin_url("detail", matching_round.pk)).text
    assert "An admin removed its proposed pair from this round." in review

    admin_client.post(admin_url("run", matching_round.pk))
    assert MatchProposal.objects.filter(round=matching_round).count() == 1
    assert MatchProposal.objects.get(round=matching_round).locked

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(admin_url("approve", matching_round.pk), follow=True)
    assert "The round is approved" in response.text
    assert MentoringPair.objects.get().status == "proposed"
    assert sorted(m.to[0] for m in mail.outbox) == ["kampot@example.org", "kep@example.org"]
    assert MatchingRound.objects.get().status == "approved"
    review = admin_client.get(admin_url("detail", matching_round.pk)).text
    assert admin_url("run", matching_round.pk) not in review


def test_admin_swaps_mentors_between_two_proposals(admin_client, market, mentoring_admin):
    from mentoring import services

    asking, offering = market
    asking["stung"].needs = {"financial-management": "must", "fundraising": "want"}
    asking["stung"].save()
    matching_round = services.open_round(mentoring_admin, name="Swap round")
    services.run_round(mentoring_admin, matching_round)
    stung = MatchProposal.objects.get(request=asking["stung"])
    kep = MatchProposal.objects.get(request=asking["kep"])
    response = admin_client.post(
        admin_url("swap", matching_round.pk), {"first": stung.pk, "second": kep.pk}, follow=True
    )
    assert "The mentors were swapped" in response.text
    assert MatchProposal.objects.get(pk=stung.pk).offer == offering["kampot"]
    assert MatchProposal.objects.get(pk=kep.pk).offer == offering["kratie"]


def test_a_refused_action_shows_why(admin_client, market, mentoring_admin):
    from mentoring import services

    matching_round = services.open_round(mentoring_admin, name="Round")
    response = admin_client.post(admin_url("approve", matching_round.pk), follow=True)
    assert "Run the round and review its proposals before approving it." in response.text


def test_csv_export_lists_proposals_and_unmatched(admin_client, market, mentoring_admin):
    from mentoring import services

    matching_round = services.open_round(mentoring_admin, name="Round")
    services.run_round(mentoring_admin, matching_round)
    response = admin_client.get(admin_url("export", matching_round.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Status", "Request", "Organisation"]
    assert sorted(row[0] for row in rows[1:]) == ["Proposed", "Proposed", "Unmatched"]
    stung = next(row for row in rows if row[2] == "Stung Youth")
    assert stung[4] == "Kratie Helpdesk"
    assert "Financial management" in stung[-1]


def test_the_mentoring_menu_and_listings(admin_client, market):
    home = admin_client.get("/admin/").text
    assert "Matching rounds" in home
    for name in ("mentoringpair", "mentoringrequest", "mentoringoffer", "mentoringexclusion"):
        assert admin_client.get(reverse(f"{name}:index")).status_code == 200, name
    # Requests and offers are read-only in the admin: changes go through the services.
    assert admin_client.get(reverse("mentoringrequest:add")).status_code in (302, 403)


def test_staff_without_the_permission_cannot_run_rounds(client, market):
    from allauth.mfa.models import Authenticator
    from django.contrib.auth.models import Permission

    editor = UserFactory(email="editor@example.org", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    login_with_mfa(client, editor)
    # Wagtail turns the refusal into a redirect to the admin home with a message.
    assert client.get(admin_url("index")).status_code in (302, 403)
    assert client.post(admin_url("add"), {"name": "Mine"}).status_code in (302, 403)
    assert not MatchingRound.objects.exists()
    assert "Matching rounds" not in client.get("/admin/").text


def test_a_large_round_is_paginated_with_constant_queries(
    admin_client, mentoring_admin, django_assert_max_num_queries
):
    """150 requests for 20 places: the review page shows pages of 100 rows."""
    from mentoring import services
    from mentoring.factories import MentoringOfferFactory, MentoringRequestFactory

    MentoringRequestFactory.create_batch(150)
    MentoringOfferFactory(capacity=20)
    matching_round = services.open_round(mentoring_admin, name="Big round")
    services.run_round(mentoring_admin, matching_round)
    with django_assert_max_num_queries(30):
        review = admin_client.get(admin_url("detail", matching_round.pk)).text
    assert "20 proposed pairs" in review
    assert "130 unmatched requests" in review
    assert "Page 1 of 2" in review
    second = admin_client.get(admin_url("detail", matching_round.pk) + "?unmatched_page=2").text
    assert "Page 2 of 2" in second


def test_swapping_with_an_unknown_number_says_so(admin_client, market, mentoring_admin):
    from mentoring import services

    matching_round = services.open_round(mentoring_admin, name="Round")
    services.run_round(mentoring_admin, matching_round)
    first = MatchProposal.objects.filter(round=matching_round).first()
    response = admin_client.post(
        admin_url("swap", matching_round.pk), {"first": first.pk, "second": "99999"}, follow=True
    )
    assert "There is no proposal with that number in this round." in response.text
