"""The pure matcher: optimal, constraint-respecting, explained and deterministic."""

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mentoring.matcher import (
    Exclusion,
    Offer,
    Request,
    UnmatchedReason,
    Weights,
    build_problem,
    infeasibility,
    match,
    pair_score,
)
from tests.support.matcher_reference import brute_force

FOCUS = ["fundraising", "financial-management", "advocacy", "legal-aid", "safeguarding"]
PROVINCES = ["02", "03", "12", "17", "19", "24", "25"]
LANGUAGES = ["km", "en", "kdt"]
SLOTS = ["mon-am", "tue-am", "tue-pm", "wed-eve", "sat-am"]
MODES = ["online", "in-person", "either"]
ORGANISATIONS = list(range(1, 8))


def request(id=1, organisation=1, **kwargs):
    defaults = {
        "province": "03",
        "needs": {"financial-management": "must"},
        "languages": frozenset({"km"}),
        "mode": "either",
        "availability": frozenset(),
        "years_active": 1,
        "staff_size": 4,
    }
    return Request(id=id, organisation_id=organisation, **{**defaults, **kwargs})


def offer(id=1, organisation=100, **kwargs):
    defaults = {
        "province": "03",
        "focus_areas": frozenset({"financial-management"}),
        "capacity": 1,
        "languages": frozenset({"km"}),
        "mode": "either",
        "availability": frozenset(),
        "years_active": 15,
        "staff_size": 40,
    }
    return Offer(id=id, organisation_id=organisation, **{**defaults, **kwargs})


# ---------------------------------------------------------------------------
# Random small instances
# ---------------------------------------------------------------------------

subsets = lambda values, min_size=0: st.frozensets(  # noqa: E731
    st.sampled_from(values), min_size=min_size, max_size=len(values)
)


@st.composite
def requests_(draw, id):
    return Request(
        id=id,
        organisation_id=draw(st.sampled_from(ORGANISATIONS)),
        province=draw(st.sampled_from(PROVINCES)),
        needs=draw(
            st.dictionaries(
                st.sampled_from(FOCUS), st.sampled_from(["must", "want", "nice"]), min_size=1
            )
        ),
        languages=draw(subsets(LANGUAGES, 1)),
        mode=draw(st.sampled_from(MODES)),
        availability=draw(subsets(SLOTS)),
        years_active=draw(st.integers(0, 20)),
        staff_size=draw(st.integers(0, 50)),
    )


@st.composite
def offers_(draw, id):
    return Offer(
        id=id,
        organisation_id=draw(st.sampled_from(ORGANISATIONS)),
        province=draw(st.sampled_from(PROVINCES)),
        focus_areas=draw(subsets(FOCUS, 1)),
        capacity=draw(st.integers(0, 3)),
        languages=draw(subsets(LANGUAGES, 1)),
        mode=draw(st.sampled_from(MODES)),
        availability=draw(subsets(SLOTS)),
        years_active=draw(st.integers(0, 40)),
        staff_size=draw(st.integers(0, 200)),
    )


@st.composite
def instances(draw):
    n = draw(st.integers(0, 6))
    m = draw(st.integers(0, 4))
    requests = [draw(requests_(i + 1)) for i in range(n)]
    offers = [draw(offers_(j + 1)) for j in range(m)]
    exclusions = draw(
        st.lists(
            st.builds(
                Exclusion,
                st.sampled_from(ORGANISATIONS),
                st.sampled_from(ORGANISATIONS),
                st.sampled_from(["conflict", "declined"]),
            ),
            max_size=3,
        )
    )
    forbidden = []
    if requests and offers:
        forbidden = draw(
            st.lists(
                st.tuples(
                    st.sampled_from([r.id for r in requests]),
                    st.sampled_from([o.id for o in offers]),
                ),
                max_size=2,
            )
        )
    weights = draw(
        st.builds(
            Weights,
            st.integers(0, 10),
            st.integers(0, 10),
            st.integers(0, 10),
            st.integers(0, 10),
        )
    )
    return requests, offers, {"weights": weights, "exclusions": exclusions, "forbidden": forbidden}


def assert_hard_constraints(requests, offers, options, result, locked=()):
    by_request = {r.id: r for r in requests}
    by_offer = {o.id: o for o in offers}
    excluded = frozenset(
        frozenset((e.organisation_a, e.organisation_b)) for e in options.get("exclusions", ())
    )
    forbidden = frozenset(options.get("forbidden", ()))
    seen = set()
    load = {}
    for pair in result.pairs:
        assert pair.request_id not in seen, "a request is matched twice"
        seen.add(pair.request_id)
        load[pair.offer_id] = load.get(pair.offer_id, 0) + 1
        r, o = by_request[pair.request_id], by_offer[pair.offer_id]
        assert r.organisation_id != o.organisation_id
        assert r.languages & o.languages
        assert set(r.needs) & o.focus_areas
        if (pair.request_id, pair.offer_id) not in set(locked):
            assert (
                infeasibility(
                    r, o, excluded_organisations=excluded, forbidden=forbidden, check_capacity=False
                )
                is None
            )
        assert pair.breakdown == pair_score(r, o, options.get("weights", Weights()))
    for offer_id, count in load.items():
        assert count <= by_offer[offer_id].capacity, "an offer is over capacity"
    unmatched = {u.request_id for u in result.unmatched}
    assert unmatched | seen == set(by_request)
    assert not unmatched & seen


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_total_score_equals_brute_force_and_constraints_hold(instance):
    """On random small instances the matcher reaches the brute-force optimum
    (most matches, then highest total score), and every hard constraint holds."""
    requests, offers, options = instance
    result = match(requests, offers, **options)
    assert (result.matched, result.total_score) == brute_force(requests, offers, **options)
    assert_hard_constraints(requests, offers, options, result)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(), st.randoms(use_true_random=False))
def test_locked_pairs_are_kept_and_the_rest_is_optimal(instance, rnd):
    """Re-running with some pairs locked keeps them and is optimal for the rest."""
    requests, offers, options = instance
    first = match(requests, offers, **options)
    locked = [(p.request_id, p.offer_id) for p in first.pairs if rnd.random() < 0.5]
    result = match(requests, offers, locked=locked, **options)
    kept = {(p.request_id, p.offer_id) for p in result.pairs if p.locked}
    assert kept == set(locked)
    assert (result.matched, result.total_score) == brute_force(
        requests, offers, locked=locked, **options
    )
    assert_hard_constraints(requests, offers, options, result, locked)


@settings(max_examples=80, deadline=None)
@given(instances())
def test_score_matrix_agrees_with_the_one_pair_definitions(instance):
    """The vectorised scores and feasibility equal pair_score and infeasibility."""
    requests, offers, options = instance
    problem = build_problem(requests, offers, **options)
    excluded = frozenset(
        frozenset((e.organisation_a, e.organisation_b)) for e in options["exclusions"]
    )
    for i, r in enumerate(problem.requests):
        for j, o in enumerate(problem.offers):
            assert problem.scores[i, j] == pair_score(r, o, options["weights"]).total
            reason = infeasibility(
                r,
                o,
                excluded_organisations=excluded,
                forbidden=frozenset(options["forbidden"]),
                check_capacity=False,
            )
            assert problem.feasible[i, j] == (reason is None)


@settings(max_examples=50, deadline=None)
@given(instances(), st.randoms(use_true_random=False))
def test_same_input_in_any_order_gives_the_same_output(instance, rnd):
    """Determinism: shuffling the input changes nothing in the result."""
    requests, offers, options = instance
    expected = match(requests, offers, **options)
    shuffled_requests, shuffled_offers = list(requests), list(offers)
    rnd.shuffle(shuffled_requests)
    rnd.shuffle(shuffled_offers)
    assert match(shuffled_requests, shuffled_offers, **options) == expected
    assert match(requests, offers, **options) == expected


# ---------------------------------------------------------------------------
# Each rule alone
# ---------------------------------------------------------------------------


def only_pair(result):
    return [(p.request_id, p.offer_id) for p in result.pairs]


def test_capacity_limits_how_many_requests_an_offer_takes():
    """An offer with two places takes the two best of three requests; the third
    is unmatched because the fitting offer is full."""
    requests = [
        request(1, 1, availability=frozenset({"tue-am"})),
        request(2, 2),
        request(3, 3, availability=frozenset({"tue-am"})),
    ]
    result = match(requests, [offer(capacity=2, availability=frozenset({"tue-am"}))])
    assert only_pair(result) == [(1, 1), (3, 1)]
    assert [(u.request_id, u.reason) for u in result.unmatched] == [
        (2, UnmatchedReason.OFFERS_FULL)
    ]
    assert result.fairness.offer_load[0].assigned == 2


def test_an_offer_with_no_free_place_is_full():
    result = match([request()], [offer(capacity=0)])
    assert result.pairs == ()
    assert result.unmatched[0].reason == UnmatchedReason.OFFERS_FULL


def test_a_shared_working_language_is_required():
    """Khmer-only and English-only organisations are never paired."""
    result = match([request(languages=frozenset({"km"}))], [offer(languages=frozenset({"en"}))])
    assert result.pairs == ()
    assert result.unmatched[0].reason == UnmatchedReason.NO_SHARED_LANGUAGE
    result = match(
        [request(languages=frozenset({"km", "kdt"}))], [offer(languages=frozenset({"kdt"}))]
    )
    assert only_pair(result) == [(1, 1)]


def test_an_organisation_is_never_paired_with_itself():
    result = match([request(organisation=7)], [offer(organisation=7)])
    assert result.pairs == ()
    assert result.unmatched[0].reason == UnmatchedReason.NO_OFFERS


def test_the_offer_must_cover_a_need():
    result = match([request()], [offer(focus_areas=frozenset({"advocacy"}))])
    assert result.unmatched[0].reason == UnmatchedReason.NO_SHARED_FOCUS


@pytest.mark.parametrize("declared_by_mentee", [True, False])
def test_conflict_of_interest_declared_by_either_side_excludes_the_pair(declared_by_mentee):
    a, b = (1, 100) if declared_by_mentee else (100, 1)
    result = match([request()], [offer()], exclusions=[Exclusion(a, b, "conflict")])
    assert result.pairs == ()
    assert result.unmatched[0].reason == UnmatchedReason.EXCLUDED


def test_a_pair_declined_before_is_not_proposed_again():
    """The declined pair's organisations get other partners where they exist."""
    requests = [request(1, 1)]
    offers = [offer(1, 100), offer(2, 200, years_active=2, staff_size=5)]
    assert only_pair(match(requests, offers)) == [(1, 1)]
    result = match(requests, offers, exclusions=[Exclusion(1, 100, "declined")])
    assert only_pair(result) == [(1, 2)]


def test_a_pair_removed_by_an_admin_is_not_proposed_again():
    result = match([request()], [offer()], forbidden=[(1, 1)])
    assert result.pairs == ()
    assert result.unmatched[0].reason == UnmatchedReason.EXCLUDED


@pytest.mark.parametrize(
    ("request_mode", "offer_mode", "offer_province", "paired"),
    [
        ("in-person", "either", "03", True),  # same province
        ("in-person", "in-person", "25", True),  # Kampong Cham – Tboung Khmum are adjacent
        ("in-person", "either", "12", False),  # Phnom Penh is not next to Kampong Cham
        ("either", "in-person", "19", False),  # Stung Treng is far: in person only, too far
        ("either", "either", "19", True),  # far, but they can work online
        ("online", "either", "16", True),
        ("online", "in-person", "03", False),  # no shared mode at all
    ],
)
def test_in_person_only_pairs_need_the_same_or_an_adjacent_province(
    request_mode, offer_mode, offer_province, paired
):
    result = match(
        [request(mode=request_mode, province="03")],
        [offer(mode=offer_mode, province=offer_province)],
    )
    assert bool(result.pairs) is paired
    if not paired:
        assert result.unmatched[0].reason == UnmatchedReason.NO_COMPATIBLE_MODE


def test_unmatched_reason_names_the_furthest_any_offer_got():
    """One offer fails on language, another on focus: the request lacked a shared focus."""
    result = match(
        [request()],
        [
            offer(1, 100, languages=frozenset({"en"})),
            offer(2, 200, focus_areas=frozenset({"advocacy"})),
        ],
    )
    assert result.unmatched[0].reason == UnmatchedReason.NO_SHARED_FOCUS
    assert result.unmatched[0].fitting_offers == 1


def test_no_offers_at_all():
    result = match([request()], [])
    assert result.unmatched[0].reason == UnmatchedReason.NO_OFFERS
    assert result.fairness.lowest_score is None


def test_more_matches_beat_a_higher_total_score():
    """Lexicographic objective: two weak pairs beat one excellent pair.

    Request 1 is an excellent fit for offer 1 (score 100) and a weak one for
    offer 2; request 2 fits only offer 1, weakly. Score alone would pair
    request 1 with offer 1 and leave request 2 out; the matcher matches both,
    though their total is lower.
    """
    weights = Weights(focus=1, province=0, availability=0, maturity=0)
    requests = [
        request(
            1,
            1,
            needs={
                "financial-management": "must",
                "fundraising": "must",
                "advocacy": "must",
                "legal-aid": "must",
                "safeguarding": "nice",
            },
        ),
        request(
            2, 2, needs={"financial-management": "nice", "x": "must", "y": "must", "z": "must"}
        ),
    ]
    offers = [
        offer(1, 100, focus_areas=frozenset(FOCUS)),
        offer(2, 200, focus_areas=frozenset({"safeguarding"})),
    ]
    result = match(requests, offers, weights=weights)
    assert only_pair(result) == [(1, 2), (2, 1)]
    excellent = pair_score(requests[0], offers[0], weights).total
    assert excellent == 1000
    assert result.total_score == 77 + 100 < excellent


def test_score_breakdown_follows_the_weights():
    """Full focus, same province, all slots shared and a big experience gap give 100 points."""
    slots = frozenset({"tue-am", "tue-pm"})
    r = request(availability=slots, years_active=0, staff_size=2)
    o = offer(availability=slots, years_active=20, staff_size=40)
    breakdown = pair_score(r, o, Weights(focus=5, province=2, availability=2, maturity=1))
    assert breakdown.to_dict() == {
        "focus": 500,
        "province": 200,
        "availability": 200,
        "maturity": 100,
    }
    assert pair_score(r, o, Weights(0, 0, 0, 0)).total == 0
    half = pair_score(
        request(needs={"financial-management": "must", "fundraising": "must"}),
        offer(),
        Weights(focus=1, province=0, availability=0, maturity=0),
    )
    assert half.focus == 500


def test_reasons_name_shared_focus_province_language_and_time():
    r = request(
        needs={"fundraising": "want", "financial-management": "must", "advocacy": "nice"},
        availability=frozenset({"tue-am", "sat-am"}),
    )
    o = offer(
        focus_areas=frozenset({"fundraising", "financial-management"}),
        availability=frozenset({"tue-am"}),
        languages=frozenset({"km", "en"}),
    )
    reasons = {reason.kind: reason.values for reason in match([r], [o]).pairs[0].reasons}
    assert reasons["focus"] == (("financial-management", "must"), ("fundraising", "want"))
    assert reasons["province"] == ("same", "03")
    assert reasons["languages"] == ("km",)
    assert reasons["availability"] == ("tue-am",)
    assert reasons["experience"] == (14, 3)


def test_locked_pair_that_breaks_a_rule_is_refused():
    with pytest.raises(ValueError, match="hard constraint"):
        match([request()], [offer(languages=frozenset({"en"}))], locked=[(1, 1)])
    with pytest.raises(ValueError, match="places"):
        match([request(1, 1), request(2, 2)], [offer(capacity=1)], locked=[(1, 1), (2, 1)])


def test_fairness_reports_unmatched_shares_and_offer_load():
    requests = [
        request(1, 1, province="19", staff_size=3),
        request(2, 2, province="19", staff_size=30, languages=frozenset({"en"})),
        request(3, 3, province="12", staff_size=8),
    ]
    result = match(requests, [offer(capacity=3)])
    fairness = result.fairness
    assert fairness.lowest_score == min(p.score for p in result.pairs)
    provinces = {g.group: (g.total, g.unmatched) for g in fairness.unmatched_by_province}
    assert provinces == {"12": (1, 0), "19": (2, 1)}
    sizes = {g.group: (g.total, g.unmatched) for g in fairness.unmatched_by_size}
    assert sizes == {"1-5": (1, 0), "6-20": (1, 0), "21-50": (1, 1), "51+": (0, 0)}
    assert [(o.offer_id, o.assigned, o.capacity) for o in fairness.offer_load] == [(1, 2, 3)]
    assert fairness.to_dict()["unmatched_by_province"][1] == {
        "group": "19",
        "total": 2,
        "unmatched": 1,
    }


def test_a_larger_round_is_optimal_against_brute_force_on_its_small_slices():
    """Sanity check on a few seeded mid-size slices (8 requests, 4 offers)."""
    rng = random.Random(7)
    for _ in range(5):
        requests = [
            request(
                i,
                i,
                province=rng.choice(PROVINCES),
                needs={a: rng.choice(["must", "want", "nice"]) for a in rng.sample(FOCUS, 2)},
                mode=rng.choice(MODES),
            )
            for i in range(1, 9)
        ]
        offers = [
            offer(
                j,
                100 + j,
                province=rng.choice(PROVINCES),
                focus_areas=frozenset(rng.sample(FOCUS, 2)),
                capacity=rng.randint(1, 2),
                mode=rng.choice(MODES),
            )
            for j in range(1, 5)
        ]
        result = match(requests, offers)
        assert (result.matched, result.total_score) == brute_force(requests, offers)
