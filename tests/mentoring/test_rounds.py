"""Matching rounds: reading the database into the matcher, editing, approving."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.factories import UserFactory
from mentoring import services
from mentoring.factories import (
    MatchingRoundFactory,
    MentoringOfferFactory,
    MentoringPairFactory,
    MentoringRequestFactory,
)
from mentoring.models import MatchingRound, MentoringExclusion, MentoringPair

from .conftest import organisation_with_rep


@pytest.fixture
def open_round(mentoring_admin):
    return services.open_round(mentoring_admin, name="March round")


def proposals_of(matching_round):
    return {
        (p.request.organisation.name_en, p.offer.organisation.name_en): p
        for p in matching_round.proposals.select_related(
            "request__organisation", "offer__organisation"
        )
    }


def test_run_proposes_optimal_pairs_and_explains_the_rest(market, open_round, mentoring_admin):
    asking, offering = market
    result = services.run_round(mentoring_admin, open_round)
    open_round.refresh_from_db()
    assert open_round.status == "proposed"
    assert set(proposals_of(open_round)) == {
        ("Stung Youth", "Kratie Helpdesk"),
        ("Kep Youth", "Kampot Helpdesk"),
    }
    assert open_round.unmatched == [
        {"request": asking["pailin"].pk, "reason": "no-shared-focus", "fitting": 2}
    ]
    assert open_round.fairness["lowest_score"] == min(p.score for p in result.pairs)
    kep = proposals_of(open_round)[("Kep Youth", "Kampot Helpdesk")]
    assert kep.reasons[0] == {
        "kind": "focus",
        "values": [["fundraising", "must"], ["advocacy", "nice"]],
    }
    assert kep.reasons[1] == {"kind": "province", "values": ["adjacent", "23", "07"]}


def test_only_open_requests_without_a_live_pair_and_free_places_count(
    market, open_round, mentoring_admin
):
    asking, offering = market
    services.close_request(asking["kep"].organisation.memberships.get().user, asking["kep"])
    MentoringPairFactory(offer=offering["kratie"], status="active")  # its only place
    services.run_round(mentoring_admin, open_round)
    assert (
        set(proposals_of(open_round)) == {("Stung Youth", "Kampot Helpdesk")}
        or set(proposals_of(open_round)) == set()
    )
    reasons = {u["request"]: u["reason"] for u in open_round.unmatched}
    assert asking["kep"].pk not in reasons  # closed requests are not in the round
    assert reasons[asking["stung"].pk] == "offers-full"


def test_a_declined_pair_is_never_proposed_again(market, mentoring_admin):
    asking, offering = market
    first = services.open_round(mentoring_admin, name="First")
    services.run_round(mentoring_admin, first)
    pairs = services.approve_round(mentoring_admin, first)
    stung = next(p for p in pairs if p.request_id == asking["stung"].pk)
    rep = stung.mentee.memberships.get().user
    services.decline_pair(rep, stung, reason="Not now")
    assert MentoringExclusion.objects.filter(kind="declined").count() == 1

    second = services.open_round(mentoring_admin, name="Second")
    services.run_round(mentoring_admin, second)
    assert ("Stung Youth", "Kratie Helpdesk") not in proposals_of(second)
    assert {u["request"]: u["reason"] for u in second.unmatched}[asking["stung"].pk] == "excluded"


def test_a_conflict_of_interest_is_respected(market, open_round, mentoring_admin):
    asking, offering = market
    services.declare_conflict(
        mentoring_admin, offering["kratie"].organisation, asking["stung"].organisation
    )
    services.run_round(mentoring_admin, open_round)
    assert ("Stung Youth", "Kratie Helpdesk") not in proposals_of(open_round)


def test_locked_pairs_survive_a_rerun_and_removed_pairs_stay_out(
    market, open_round, mentoring_admin
):
    asking, offering = market
    services.run_round(mentoring_admin, open_round)
    kep = proposals_of(open_round)[("Kep Youth", "Kampot Helpdesk")]
    stung = proposals_of(open_round)[("Stung Youth", "Kratie Helpdesk")]
    services.set_locked(mentoring_admin, open_round, kep.pk, True)
    services.remove_proposal(mentoring_admin, open_round, stung.pk)
    open_round.refresh_from_db()
    assert open_round.removed_pairs == [[asking["stung"].pk, offering["kratie"].pk]]
    assert {
        "request": asking["stung"].pk,
        "reason": "removed",
        "fitting": 0,
    } in open_round.unmatched
    assert open_round.fairness["lowest_score"] == kep.score

    services.update_round(mentoring_admin, open_round, name="March round", weight_province=10)
    services.run_round(mentoring_admin, open_round)
    proposals = proposals_of(open_round)
    assert proposals[("Kep Youth", "Kampot Helpdesk")].locked
    assert ("Stung Youth", "Kratie Helpdesk") not in proposals
    assert {u["request"]: u["reason"] for u in open_round.unmatched}[asking["stung"].pk] == (
        "excluded"
    )


def test_swapping_mentors_checks_the_rules_and_locks_both(market, open_round, mentoring_admin):
    asking, offering = market
    asking["stung"].needs = {"financial-management": "must", "fundraising": "want"}
    asking["stung"].save()
    services.run_round(mentoring_admin, open_round)
    stung = proposals_of(open_round)[("Stung Youth", "Kratie Helpdesk")]
    kep = proposals_of(open_round)[("Kep Youth", "Kampot Helpdesk")]
    services.swap_proposals(mentoring_admin, open_round, stung.pk, kep.pk)
    proposals = proposals_of(open_round)
    assert set(proposals) == {("Stung Youth", "Kampot Helpdesk"), ("Kep Youth", "Kratie Helpdesk")}
    assert all(p.locked for p in proposals.values())
    assert proposals[("Kep Youth", "Kratie Helpdesk")].reasons[0]["kind"] == "focus"


def test_a_swap_that_breaks_a_rule_is_refused(market, open_round, mentoring_admin):
    asking, offering = market
    services.run_round(mentoring_admin, open_round)
    stung = proposals_of(open_round)[("Stung Youth", "Kratie Helpdesk")]
    kep = proposals_of(open_round)[("Kep Youth", "Kampot Helpdesk")]
    with pytest.raises(ValidationError, match="covers any of its needs"):
        services.swap_proposals(mentoring_admin, open_round, stung.pk, kep.pk)
    assert set(proposals_of(open_round)) == {
        ("Stung Youth", "Kratie Helpdesk"),
        ("Kep Youth", "Kampot Helpdesk"),
    }


def test_approval_creates_proposed_pairs_and_tells_both_sides(
    market, open_round, mentoring_admin, django_capture_on_commit_callbacks
):
    services.run_round(mentoring_admin, open_round)
    with django_capture_on_commit_callbacks(execute=True):
        pairs = services.approve_round(mentoring_admin, open_round)
    open_round.refresh_from_db()
    assert open_round.status == "approved"
    assert open_round.approved_by == mentoring_admin
    assert {p.status for p in pairs} == {"proposed"}
    assert MentoringPair.objects.filter(round=open_round).count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "kampot@example.org",
        "kep@example.org",
        "kratie@example.org",
        "stung@example.org",
    ]
    kep_mail = next(m for m in mail.outbox if m.to == ["kep@example.org"])
    assert "Kampot Helpdesk" in kep_mail.subject
    assert "shared focus: Fundraising (must), Advocacy (nice to have)" in kep_mail.body
    with pytest.raises(ValidationError, match="can no longer be changed"):
        services.run_round(mentoring_admin, open_round)


def test_approval_refuses_proposals_that_went_stale(market, open_round, mentoring_admin):
    asking, offering = market
    services.run_round(mentoring_admin, open_round)
    offering["kampot"].is_open = False
    offering["kampot"].save()
    with pytest.raises(ValidationError, match="Run the round again"):
        services.approve_round(mentoring_admin, open_round)
    assert not MentoringPair.objects.exists()
    assert MatchingRound.objects.get(pk=open_round.pk).status == "proposed"


def test_one_open_round_at_a_time_and_only_for_admins(market, open_round, mentoring_admin):
    with pytest.raises(ValidationError, match="Another round is still open"):
        services.open_round(mentoring_admin, name="Second")
    rep = UserFactory(email="rep@example.org")
    with pytest.raises(PermissionDenied):
        services.run_round(rep, open_round)
    with pytest.raises(PermissionDenied):
        services.open_round(rep, name="Mine")
    services.cancel_round(mentoring_admin, open_round)
    assert services.open_round(mentoring_admin, name="Second").status == "draft"


def test_in_person_only_pairs_stay_within_reach(mentoring_admin, db):
    far, _rep = organisation_with_rep("Ratanak Youth", "16")
    MentoringRequestFactory(organisation=far, mode="in-person")
    near_mentor, rep = organisation_with_rep("Kampot Helpdesk", "07")
    MentoringOfferFactory(organisation=near_mentor, mentors=[rep])
    matching_round = MatchingRoundFactory()
    services.run_round(mentoring_admin, matching_round)
    assert not matching_round.proposals.exists()
    assert matching_round.unmatched[0]["reason"] == "no-compatible-mode"
