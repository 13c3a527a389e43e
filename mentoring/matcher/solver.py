"""All pairs at once: the vectorised problem, the exact solve, and the explained result."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from ..provinces import PROVINCE_NEIGHBOURS, proximity
from .scoring import explain_pair, pair_score, rounded_share
from .types import (
    IN_PERSON,
    MAX_YEARS_GAP,
    MODE_MASKS,
    PRIORITY_WEIGHTS,
    SIZE_BANDS,
    Exclusion,
    Fairness,
    GroupShare,
    MatchResult,
    Offer,
    OfferLoad,
    Pair,
    Request,
    Unmatched,
    UnmatchedReason,
    Weights,
)

DEFAULT_WEIGHTS = Weights()


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
    """``table[num, den]`` = :func:`rounded_share` for every small numerator and denominator.

    The matrices index these tables, so every score in them is computed by
    the same integer function as :func:`pair_score`, and fast.
    """
    denominators = list(denominators)
    table = np.zeros((numerators + 1, len(denominators)), dtype=np.int32)
    for num in range(numerators + 1):
        for k, den in enumerate(denominators):
            table[num, k] = rounded_share(weight, num, den, total_weight) if num <= den else 0
    return table


def build_problem(
    requests: Iterable[Request],
    offers: Iterable[Offer],
    *,
    weights: Weights = DEFAULT_WEIGHTS,
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

    # Each component is looked up in a table built with rounded_share, the
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
    weights: Weights = DEFAULT_WEIGHTS,
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
