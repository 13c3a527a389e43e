"""The mentoring matcher: an exact, explained assignment of requests to offers.

A pure module: plain dataclasses in, plain dataclasses out, no ORM, no
translation (``mentoring.explain`` turns the structured reasons into words).

Problem
-------
Requests (organisations that want a mentor) are assigned to offers
(organisations that mentor, each with a number of free places). A pair is
*feasible* when every hard constraint holds:

1. the two organisations differ;
2. they share at least one working language;
3. the offer covers at least one of the request's needs (a pair with nothing
   to learn is not a mentoring pair; a product decision, see docs/mentoring.md);
4. they share a working mode, and when the only shared mode is in person,
   the organisations are in the same or an adjacent province;
5. no exclusion holds between the two organisations (conflict of interest
   declared by either side, or a pair declined in an earlier round), and an
   admin has not removed this exact pair from the round;
6. the offer has a free place.

Each feasible pair has an integer score in tenths of a point, 0–1000, the
weighted sum of four components in [0, 1] (see :func:`pair_score`): needs
covered (weighted by priority), same/adjacent province, shared availability,
and the experience gap (years active and staff size).

Objective (lexicographic): first match as many requests as the constraints
allow, then, among those assignments, maximise the total score.

Method
------
Every offer is repeated once per free place (a "slot" column), capped at the
number of requests it could take. The weight of request *r* in a slot of
offer *o* is ``M + s(r, o)`` when the pair is feasible and 0 otherwise, and
``scipy.optimize.linear_sum_assignment`` finds the maximum-weight assignment.
A request that lands on a zero cell, or on no column at all (when there are
more requests than slots), is unmatched. The zero cells play the role of an
"unmatched" column per request: leaving a request unmatched is worth 0,
exactly what such a column would give, so the optimum is the same while the
matrix stays ``n × slots`` instead of ``n × (slots + n)``, which is several
times faster at national size. Infeasible pairs are never reported.

Why ``M = n · S + 1`` makes the objective exact (``n`` rows, ``S`` the largest
feasible score, all scores integers in ``[0, S]``): an assignment with ``k``
matches has weight ``k·M + T`` where ``0 ≤ T ≤ k·S ≤ n·S < M``. So an
assignment with ``k + 1`` matches weighs at least ``(k + 1)·M > k·M + n·S``,
more than any assignment with ``k`` matches, and between two assignments with
the same ``k`` the weights differ exactly by their total scores. Maximising
the weight is therefore maximising (matches, total score) lexicographically.
All weights are integers below ``n·M + n·S < 2^53`` for any realistic round
(2,000 requests give about 4·10^9), so the float64 arithmetic inside the
solver is exact and the optimum is not disturbed by rounding.

Determinism: inputs are put in a canonical order (by id) before the matrix is
built, so the same requests, offers and options always produce the same
matrix and the solver, itself deterministic, the same assignment, whatever
order they were given in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np

from .provinces import PROVINCE_NEIGHBOURS, proximity

PRIORITY_WEIGHTS: dict[str, int] = {"must": 3, "want": 2, "nice": 1}
PRIORITY_ORDER: dict[str, int] = {"must": 0, "want": 1, "nice": 2}
ONLINE, IN_PERSON = 1, 2
MODE_MASKS: dict[str, int] = {
    "online": ONLINE,
    "in-person": IN_PERSON,
    "either": ONLINE | IN_PERSON,
}
SCORE_SCALE = 1000
MAX_YEARS_GAP = 10
SIZE_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("1-5", 0, 5),
    ("6-20", 6, 20),
    ("21-50", 21, 50),
    ("51+", 51, None),
)


class UnmatchedReason:
    """Why a request got no pair, from the first filter that left no offer."""

    NO_OFFERS = "no-offers"  # no offer from another organisation at all
    NO_SHARED_LANGUAGE = "no-shared-language"
    NO_SHARED_FOCUS = "no-shared-focus"
    NO_COMPATIBLE_MODE = "no-compatible-mode"  # modes differ, or in person but too far
    EXCLUDED = "excluded"  # every fitting offer is excluded for this organisation
    OFFERS_FULL = "offers-full"  # fitting offers have no place left (or it went to others)

    ALL = (
        NO_OFFERS,
        NO_SHARED_LANGUAGE,
        NO_SHARED_FOCUS,
        NO_COMPATIBLE_MODE,
        EXCLUDED,
        OFFERS_FULL,
    )


# ---------------------------------------------------------------------------
# Input
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Request:
    id: int
    organisation_id: int
    province: str
    needs: Mapping[str, str]  # focus-area code -> "must" | "want" | "nice"
    languages: frozenset[str]
    mode: str = "either"
    availability: frozenset[str] = frozenset()
    years_active: int = 0
    staff_size: int = 0

    def __post_init__(self):
        for code, priority in self.needs.items():
            if priority not in PRIORITY_WEIGHTS:
                raise ValueError(f"request {self.id}: unknown priority {priority!r} for {code}")
        if self.mode not in MODE_MASKS:
            raise ValueError(f"request {self.id}: unknown mode {self.mode!r}")


@dataclass(frozen=True)
class Offer:
    id: int
    organisation_id: int
    province: str
    focus_areas: frozenset[str]
    capacity: int  # free places in this round
    languages: frozenset[str]
    mode: str = "either"
    availability: frozenset[str] = frozenset()
    years_active: int = 0
    staff_size: int = 0

    def __post_init__(self):
        if self.capacity < 0:
            raise ValueError(f"offer {self.id}: negative capacity")
        if self.mode not in MODE_MASKS:
            raise ValueError(f"offer {self.id}: unknown mode {self.mode!r}")


@dataclass(frozen=True)
class Exclusion:
    """Two organisations never to be paired, whichever side requests or offers."""

    organisation_a: int
    organisation_b: int
    kind: str = "conflict"  # "conflict" | "declined"


@dataclass(frozen=True)
class Weights:
    focus: int = 5
    province: int = 2
    availability: int = 2
    maturity: int = 1

    def __post_init__(self):
        for name in ("focus", "province", "availability", "maturity"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 0:
                raise ValueError(f"weight {name} must be a non-negative integer")

    @property
    def total(self) -> int:
        return self.focus + self.province + self.availability + self.maturity


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Breakdown:
    """Score components in tenths of a point; ``total`` is their sum (0–1000)."""

    focus: int = 0
    province: int = 0
    availability: int = 0
    maturity: int = 0

    @property
    def total(self) -> int:
        return self.focus + self.province + self.availability + self.maturity

    def to_dict(self) -> dict[str, int]:
        return {
            "focus": self.focus,
            "province": self.province,
            "availability": self.availability,
            "maturity": self.maturity,
        }


@dataclass(frozen=True)
class Reason:
    """One structured piece of a pair's explanation.

    kinds and values:
      ``focus``        ((code, priority), ...) needs the offer covers, most important first
      ``province``     ("same", code) or ("adjacent", request province, offer province)
      ``languages``    (code, ...) shared working languages
      ``mode``         ("online" | "in-person" | "either",) how they can meet
      ``availability`` (slot, ...) shared free slots such as "tue-am"
      ``experience``   (years gap, staff ratio level 0–3)
    """

    kind: str
    values: tuple

    def to_dict(self) -> dict:
        return {"kind": self.kind, "values": _jsonable(self.values)}


def _jsonable(value):
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


@dataclass(frozen=True)
class Pair:
    request_id: int
    offer_id: int
    breakdown: Breakdown
    reasons: tuple[Reason, ...]
    locked: bool = False

    @property
    def score(self) -> int:
        return self.breakdown.total


@dataclass(frozen=True)
class Unmatched:
    request_id: int
    reason: str
    fitting_offers: int = 0  # offers that passed every filter before the failing one


@dataclass(frozen=True)
class GroupShare:
    group: str
    total: int
    unmatched: int

    @property
    def share(self) -> float:
        return self.unmatched / self.total if self.total else 0.0


@dataclass(frozen=True)
class OfferLoad:
    offer_id: int
    assigned: int
    capacity: int


@dataclass(frozen=True)
class Fairness:
    lowest_score: int | None
    unmatched_by_province: tuple[GroupShare, ...]
    unmatched_by_size: tuple[GroupShare, ...]
    offer_load: tuple[OfferLoad, ...]

    def to_dict(self) -> dict:
        return {
            "lowest_score": self.lowest_score,
            "unmatched_by_province": [
                {"group": g.group, "total": g.total, "unmatched": g.unmatched}
                for g in self.unmatched_by_province
            ],
            "unmatched_by_size": [
                {"group": g.group, "total": g.total, "unmatched": g.unmatched}
                for g in self.unmatched_by_size
            ],
            "offer_load": [
                {"offer": o.offer_id, "assigned": o.assigned, "capacity": o.capacity}
                for o in self.offer_load
            ],
        }


@dataclass(frozen=True)
class MatchResult:
    pairs: tuple[Pair, ...]
    unmatched: tuple[Unmatched, ...]
    fairness: Fairness

    @property
    def total_score(self) -> int:
        return sum(p.score for p in self.pairs)

    @property
    def matched(self) -> int:
        return len(self.pairs)


# ---------------------------------------------------------------------------
# One pair at a time: the reference definitions
# ---------------------------------------------------------------------------


def _rounded_share(weight: int, numerator: int, denominator: int, total_weight: int) -> int:
    """round(SCORE_SCALE · weight/total_weight · numerator/denominator), halves up, in integers."""
    if not total_weight or not denominator:
        return 0
    top = 2 * SCORE_SCALE * weight * numerator
    bottom = 2 * total_weight * denominator
    return (top + total_weight * denominator) // bottom


def staff_level(request_staff: int, offer_staff: int) -> int:
    """0–3: the mentor's staff is at least 2×, 4× or 8× the mentee's."""
    base = max(request_staff, 1)
    if offer_staff >= 8 * base:
        return 3
    if offer_staff >= 4 * base:
        return 2
    if offer_staff >= 2 * base:
        return 1
    return 0


def _covered_weight(request: Request, offer: Offer) -> tuple[int, int]:
    covered = sum(PRIORITY_WEIGHTS[p] for c, p in request.needs.items() if c in offer.focus_areas)
    total = sum(PRIORITY_WEIGHTS[p] for p in request.needs.values())
    return covered, total


def pair_score(request: Request, offer: Offer, weights: Weights) -> Breakdown:
    """The score of one pair, component by component (see the module docstring).

    focus         covered priority weight / total priority weight of the needs
    province      1 same province, 1/2 adjacent, 0 otherwise
    availability  shared slots / the request's slots (0 when it gave none)
    maturity      (min(years gap, 10)/10 + staff level/3) / 2
    """
    w_total = weights.total
    covered, total = _covered_weight(request, offer)
    shared_slots = len(request.availability & offer.availability)
    years_gap = min(max(offer.years_active - request.years_active, 0), MAX_YEARS_GAP)
    level = staff_level(request.staff_size, offer.staff_size)
    return Breakdown(
        focus=_rounded_share(weights.focus, covered, total, w_total),
        province=_rounded_share(
            weights.province, proximity(request.province, offer.province), 2, w_total
        ),
        availability=_rounded_share(
            weights.availability, shared_slots, len(request.availability), w_total
        ),
        maturity=_rounded_share(weights.maturity, 3 * years_gap + 10 * level, 60, w_total),
    )


def shared_modes(request: Request, offer: Offer) -> int:
    return MODE_MASKS[request.mode] & MODE_MASKS[offer.mode]


def infeasibility(
    request: Request,
    offer: Offer,
    *,
    excluded_organisations: frozenset[frozenset[int]] = frozenset(),
    forbidden: frozenset[tuple[int, int]] = frozenset(),
    check_capacity: bool = True,
) -> str | None:
    """The first hard constraint the pair breaks, as an :class:`UnmatchedReason`, or None."""
    if request.organisation_id == offer.organisation_id:
        return UnmatchedReason.NO_OFFERS
    if not request.languages & offer.languages:
        return UnmatchedReason.NO_SHARED_LANGUAGE
    if not any(code in offer.focus_areas for code in request.needs):
        return UnmatchedReason.NO_SHARED_FOCUS
    modes = shared_modes(request, offer)
    if not modes or (modes == IN_PERSON and not proximity(request.province, offer.province)):
        return UnmatchedReason.NO_COMPATIBLE_MODE
    if (
        frozenset((request.organisation_id, offer.organisation_id)) in excluded_organisations
        or (request.id, offer.id) in forbidden
    ):
        return UnmatchedReason.EXCLUDED
    if check_capacity and offer.capacity <= 0:
        return UnmatchedReason.OFFERS_FULL
    return None


def explain_pair(request: Request, offer: Offer) -> tuple[Reason, ...]:
    """The structured reasons for a pair (rendered in words by ``mentoring.explain``)."""
    reasons = []
    covered = sorted(
        ((code, p) for code, p in request.needs.items() if code in offer.focus_areas),
        key=lambda item: (PRIORITY_ORDER[item[1]], item[0]),
    )
    if covered:
        reasons.append(Reason("focus", tuple(covered)))
    if request.province == offer.province:
        reasons.append(Reason("province", ("same", request.province)))
    elif proximity(request.province, offer.province):
        reasons.append(Reason("province", ("adjacent", request.province, offer.province)))
    languages = tuple(sorted(request.languages & offer.languages))
    if languages:
        reasons.append(Reason("languages", languages))
    modes = shared_modes(request, offer)
    if modes == IN_PERSON:
        reasons.append(Reason("mode", ("in-person",)))
    elif modes == ONLINE:
        reasons.append(Reason("mode", ("online",)))
    elif proximity(request.province, offer.province):
        reasons.append(Reason("mode", ("either",)))
    else:
        reasons.append(Reason("mode", ("online",)))
    slots = tuple(sorted(request.availability & offer.availability, key=_slot_key))
    if slots:
        reasons.append(Reason("availability", slots))
    years_gap = max(offer.years_active - request.years_active, 0)
    level = staff_level(request.staff_size, offer.staff_size)
    if years_gap or level:
        reasons.append(Reason("experience", (years_gap, level)))
    return tuple(reasons)


_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PARTS = ("am", "pm", "eve")


def _slot_key(slot: str) -> tuple[int, int, str]:
    day, _sep, part = slot.partition("-")
    return (
        _DAYS.index(day) if day in _DAYS else 99,
        _PARTS.index(part) if part in _PARTS else 99,
        slot,
    )


# ---------------------------------------------------------------------------
# All pairs at once: the vectorised problem
# ---------------------------------------------------------------------------


@dataclass
class Problem:
    """The matrices of one round, in canonical (id-sorted) order.

    ``scores[i, j]`` is the score of request ``requests[i]`` with offer
    ``offers[j]`` (meaningful where ``feasible[i, j]``); ``stage`` holds, per
    pair, the index in :attr:`UnmatchedReason.ALL` of the first constraint it
    breaks (``len(ALL)`` when it breaks none, capacity aside).
    """

    requests: list[Request]
    offers: list[Offer]
    scores: np.ndarray
    feasible: np.ndarray
    stage: np.ndarray
    capacity: np.ndarray  # free places per offer after locked pairs
    locked: list[tuple[int, int]] = field(default_factory=list)  # (row, column)

    def reduced(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What the solver sees: ``(rows, slots, feasible)``.

        ``rows`` are the requests not locked that have at least one feasible
        offer with a free place (the others are unmatched whatever happens);
        ``slots`` gives the offer column of each slot, each offer repeated
        once per free place, capped at the number of those requests it could
        take; ``feasible`` is the ``rows × offers`` feasibility matrix.
        """
        candidates = self.feasible & (self.capacity > 0)[None, :]
        for i, _j in self.locked:
            candidates[i, :] = False
        rows = np.flatnonzero(candidates.any(axis=1))
        feasible = candidates[rows]
        places = np.minimum(self.capacity, feasible.sum(axis=0))
        slots = np.repeat(np.arange(len(self.offers)), np.maximum(places, 0))
        return rows, slots, feasible


def _index(values: Iterable[str]) -> dict[str, int]:
    return {v: i for i, v in enumerate(sorted(set(values)))}


def _indicator(rows: list[Iterable[str]], index: dict[str, int]) -> np.ndarray:
    matrix = np.zeros((len(rows), max(len(index), 1)), dtype=np.float64)
    for i, values in enumerate(rows):
        for v in values:
            matrix[i, index[v]] = 1.0
    return matrix


def _share_table(weight: int, numerators: int, denominators, total_weight: int) -> np.ndarray:
    """``table[num, den]`` = :func:`_rounded_share` for every small numerator and denominator.

    The matrices index these tables, so every score in them is computed by
    the same integer function as :func:`pair_score`, and fast.
    """
    denominators = list(denominators)
    table = np.zeros((numerators + 1, len(denominators)), dtype=np.int32)
    for num in range(numerators + 1):
        for k, den in enumerate(denominators):
            table[num, k] = _rounded_share(weight, num, den, total_weight) if num <= den else 0
    return table


def build_problem(
    requests: Iterable[Request],
    offers: Iterable[Offer],
    *,
    weights: Weights = Weights(),
    exclusions: Iterable[Exclusion] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    locked: Iterable[tuple[int, int]] = (),
) -> Problem:
    requests = sorted(requests, key=lambda r: r.id)
    offers = sorted(offers, key=lambda o: o.id)
    if len({r.id for r in requests}) != len(requests):
        raise ValueError("request ids must be unique")
    if len({o.id for o in offers}) != len(offers):
        raise ValueError("offer ids must be unique")
    n, m = len(requests), len(offers)
    w_total = weights.total

    # Focus: priority weights of needs against offered areas.
    focus_index = _index(
        [c for r in requests for c in r.needs] + [c for o in offers for c in o.focus_areas]
    )
    need_weights = np.zeros((n, max(len(focus_index), 1)))
    for i, r in enumerate(requests):
        for code, priority in r.needs.items():
            need_weights[i, focus_index[code]] = PRIORITY_WEIGHTS[priority]
    offered = _indicator([o.focus_areas for o in offers], focus_index)
    covered = np.rint(need_weights @ offered.T).astype(np.intp)
    need_total = need_weights.sum(axis=1).astype(np.intp)

    language_index = _index(
        [c for r in requests for c in r.languages] + [c for o in offers for c in o.languages]
    )
    shares_language = (
        _indicator([r.languages for r in requests], language_index)
        @ _indicator([o.languages for o in offers], language_index).T
    ) > 0.5

    slot_index = _index(
        [s for r in requests for s in r.availability] + [s for o in offers for s in o.availability]
    )
    shared_slots = np.rint(
        _indicator([r.availability for r in requests], slot_index)
        @ _indicator([o.availability for o in offers], slot_index).T
    ).astype(np.intp)
    request_slots = np.array([len(r.availability) for r in requests], dtype=np.intp)

    province_index = _index(
        [r.province for r in requests] + [o.province for o in offers] + list(PROVINCE_NEIGHBOURS)
    )
    codes = sorted(province_index, key=province_index.get)
    near = np.array([[proximity(a, b) for b in codes] for a in codes], dtype=np.intp)
    r_prov = np.array([province_index[r.province] for r in requests], dtype=np.intp)
    o_prov = np.array([province_index[o.province] for o in offers], dtype=np.intp)
    province_level = near[r_prov][:, o_prov]

    r_years = np.array([r.years_active for r in requests], dtype=np.intp)[:, None]
    o_years = np.array([o.years_active for o in offers], dtype=np.intp)[None, :]
    r_staff = np.maximum(np.array([r.staff_size for r in requests], dtype=np.intp), 1)[:, None]
    o_staff = np.array([o.staff_size for o in offers], dtype=np.intp)[None, :]
    # 3 × years gap (0–10) + 10 × staff level (0–3): the maturity numerator out of 60.
    maturity = 3 * np.clip(o_years - r_years, 0, MAX_YEARS_GAP) + 10 * (
        (o_staff >= 2 * r_staff).astype(np.intp)
        + (o_staff >= 4 * r_staff)
        + (o_staff >= 8 * r_staff)
    )

    # Each component is looked up in a table built with _rounded_share, the
    # very function pair_score uses, so matrix and reference agree exactly.
    most_needed = int(need_total.max(initial=0))
    most_slots = int(request_slots.max(initial=0))
    focus_table = _share_table(weights.focus, most_needed, range(most_needed + 1), w_total)
    province_table = _share_table(weights.province, 2, [2], w_total)[:, 0]
    slot_table = _share_table(weights.availability, most_slots, range(most_slots + 1), w_total)
    maturity_table = _share_table(weights.maturity, 60, [60], w_total)[:, 0]
    scores = (
        focus_table[covered, need_total[:, None]]
        + province_table[province_level]
        + slot_table[shared_slots, request_slots[:, None]]
        + maturity_table[maturity]
    ).astype(np.int64)

    # Hard constraints, in the order of UnmatchedReason.ALL.
    r_org = np.array([r.organisation_id for r in requests], dtype=np.int64)[:, None]
    o_org = np.array([o.organisation_id for o in offers], dtype=np.int64)[None, :]
    r_mode = np.array([MODE_MASKS[r.mode] for r in requests], dtype=np.int64)[:, None]
    o_mode = np.array([MODE_MASKS[o.mode] for o in offers], dtype=np.int64)[None, :]
    modes = r_mode & o_mode
    mode_ok = (modes != 0) & ((modes != IN_PERSON) | (province_level > 0))
    allowed = np.ones((n, m), dtype=bool)
    rows_of: dict[int, list[int]] = defaultdict(list)
    cols_of: dict[int, list[int]] = defaultdict(list)
    for i, r in enumerate(requests):
        rows_of[r.organisation_id].append(i)
    for j, o in enumerate(offers):
        cols_of[o.organisation_id].append(j)
    for exclusion in exclusions:
        a, b = exclusion.organisation_a, exclusion.organisation_b
        for x, y in ((a, b), (b, a)):
            if rows_of.get(x) and cols_of.get(y):
                allowed[np.ix_(rows_of[x], cols_of[y])] = False
    row_of = {r.id: i for i, r in enumerate(requests)}
    col_of = {o.id: j for j, o in enumerate(offers)}
    for request_id, offer_id in forbidden:
        if request_id in row_of and offer_id in col_of:
            allowed[row_of[request_id], col_of[offer_id]] = False

    checks = (r_org != o_org, shares_language, covered > 0, mode_ok, allowed)
    stage = np.full((n, m), len(checks), dtype=np.int8)
    for k in reversed(range(len(checks))):
        stage[~checks[k]] = k
    feasible = stage == len(checks)

    capacity = np.array([o.capacity for o in offers], dtype=np.int64)
    locked_cells = []
    for request_id, offer_id in locked:
        if request_id not in row_of or offer_id not in col_of:
            raise ValueError(f"locked pair ({request_id}, {offer_id}) is not in the round")
        i, j = row_of[request_id], col_of[offer_id]
        if not feasible[i, j]:
            raise ValueError(f"locked pair ({request_id}, {offer_id}) breaks a hard constraint")
        locked_cells.append((i, j))
        capacity[j] -= 1
    if len({i for i, _j in locked_cells}) != len(locked_cells):
        raise ValueError("a request is locked to more than one offer")
    if (capacity < 0).any():
        raise ValueError("more pairs are locked to an offer than it has places")
    return Problem(requests, offers, scores, feasible, stage, capacity, locked_cells)


def solve(problem: Problem) -> list[tuple[int, int]]:
    """Optimal (row, column) cells for the requests that are not locked."""
    rows, slots, feasible = problem.reduced()
    if not len(rows) or not len(slots):
        return []
    scores = problem.scores[rows]
    best = int(scores[feasible].max())
    bonus = len(rows) * best + 1  # M = n·S + 1 for the n rows solved, see the module docstring
    weight = np.where(feasible, (scores + bonus).astype(np.float64), 0.0)[:, slots]
    # SciPy takes a second to import; load it only when a round is solved.
    from scipy.optimize import linear_sum_assignment

    row_ind, col_ind = linear_sum_assignment(weight, maximize=True)
    columns = slots[col_ind]
    keep = feasible[row_ind, columns]
    return [(int(rows[r]), int(c)) for r, c in zip(row_ind[keep], columns[keep], strict=True)]


def size_band(staff: int) -> str:
    """The name of the ``SIZE_BANDS`` band a staff size falls in (for fairness reports)."""
    for name, low, high in SIZE_BANDS:
        if staff >= low and (high is None or staff <= high):
            return name
    return SIZE_BANDS[-1][0]


def match(
    requests: Iterable[Request],
    offers: Iterable[Offer],
    *,
    weights: Weights = Weights(),
    exclusions: Iterable[Exclusion] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    locked: Iterable[tuple[int, int]] = (),
) -> MatchResult:
    """The optimal assignment, with scores, reasons, unmatched reasons and fairness.

    ``forbidden`` lists (request id, offer id) pairs an admin removed;
    ``locked`` lists pairs to keep as they are (they must be feasible and use
    a place of their offer). Raises ``ValueError`` on inconsistent input.
    """
    problem = build_problem(
        requests,
        offers,
        weights=weights,
        exclusions=exclusions,
        forbidden=forbidden,
        locked=locked,
    )
    cells = [(i, j, True) for i, j in problem.locked] + [(i, j, False) for i, j in solve(problem)]
    cells.sort()
    pairs = []
    for i, j, is_locked in cells:
        request, offer = problem.requests[i], problem.offers[j]
        breakdown = pair_score(request, offer, weights)
        pairs.append(Pair(request.id, offer.id, breakdown, explain_pair(request, offer), is_locked))

    matched_rows = {i for i, _j, _l in cells}
    unmatched = []
    for i, request in enumerate(problem.requests):
        if i in matched_rows:
            continue
        stages = problem.stage[i] if len(problem.offers) else np.zeros(0, dtype=np.int64)
        if not len(stages):
            unmatched.append(Unmatched(request.id, UnmatchedReason.NO_OFFERS, 0))
            continue
        furthest = int(stages.max())
        if furthest >= len(UnmatchedReason.ALL) - 1:
            reason = UnmatchedReason.OFFERS_FULL
        else:
            reason = UnmatchedReason.ALL[furthest]
        fitting = int((stages >= furthest).sum()) if furthest else 0
        unmatched.append(Unmatched(request.id, reason, fitting))

    fairness = _fairness(problem, pairs, unmatched)
    return MatchResult(tuple(pairs), tuple(unmatched), fairness)


def _fairness(problem: Problem, pairs: list[Pair], unmatched: list[Unmatched]) -> Fairness:
    unmatched_ids = {u.request_id for u in unmatched}
    by_province: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_size: dict[str, list[int]] = {name: [0, 0] for name, _low, _high in SIZE_BANDS}
    for request in problem.requests:
        is_unmatched = int(request.id in unmatched_ids)
        for bucket in (by_province[request.province], by_size[size_band(request.staff_size)]):
            bucket[0] += 1
            bucket[1] += is_unmatched
    assigned: dict[int, int] = defaultdict(int)
    for pair in pairs:
        assigned[pair.offer_id] += 1
    return Fairness(
        lowest_score=min((p.score for p in pairs), default=None),
        unmatched_by_province=tuple(
            GroupShare(code, total, missed) for code, (total, missed) in sorted(by_province.items())
        ),
        unmatched_by_size=tuple(
            GroupShare(name, *by_size[name]) for name, _low, _high in SIZE_BANDS
        ),
        offer_load=tuple(OfferLoad(o.id, assigned[o.id], o.capacity) for o in problem.offers),
    )


# ---------------------------------------------------------------------------
# Brute force: the reference optimum for small instances (tests, benchmark)
# ---------------------------------------------------------------------------


def brute_force(
    requests: Iterable[Request],
    offers: Iterable[Offer],
    *,
    weights: Weights = Weights(),
    exclusions: Iterable[Exclusion] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    locked: Iterable[tuple[int, int]] = (),
    limit: int = 9,
) -> tuple[int, int]:
    """(matches, total score) of the lexicographic optimum, by trying every assignment.

    Uses only the one-pair definitions (:func:`infeasibility`,
    :func:`pair_score`), none of the matrices, so it checks the matcher
    independently. Exponential: refuses more than ``limit`` requests.
    """
    requests = list(requests)
    offers = list(offers)
    if len(requests) > limit:
        raise ValueError("brute force is for small instances only")
    excluded = frozenset(frozenset((e.organisation_a, e.organisation_b)) for e in exclusions)
    forbidden = frozenset(forbidden)
    places = {o.id: o.capacity for o in offers}
    fixed_score = 0
    locked_requests = set()
    by_id = {o.id: o for o in offers}
    for request_id, offer_id in locked:
        request = next(r for r in requests if r.id == request_id)
        places[offer_id] -= 1
        locked_requests.add(request_id)
        fixed_score += pair_score(request, by_id[offer_id], weights).total
    free = [r for r in requests if r.id not in locked_requests]
    options = []
    for request in free:
        options.append(
            [
                (offer.id, pair_score(request, offer, weights).total)
                for offer in offers
                if infeasibility(
                    request,
                    offer,
                    excluded_organisations=excluded,
                    forbidden=forbidden,
                    check_capacity=False,
                )
                is None
            ]
        )

    best = (0, 0)

    def walk(k: int, count: int, total: int) -> None:
        nonlocal best
        if k == len(free):
            best = max(best, (count, total))
            return
        walk(k + 1, count, total)
        for offer_id, score in options[k]:
            if places[offer_id] > 0:
                places[offer_id] -= 1
                walk(k + 1, count + 1, total + score)
                places[offer_id] += 1

    walk(0, 0, 0)
    return best[0] + len(locked_requests), best[1] + fixed_score
