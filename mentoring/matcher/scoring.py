"""One pair at a time: feasibility, score and reasons (the definitions the matrices follow)."""

from __future__ import annotations

from ..provinces import proximity
from .types import (
    IN_PERSON,
    MAX_YEARS_GAP,
    MODE_MASKS,
    ONLINE,
    PRIORITY_ORDER,
    PRIORITY_WEIGHTS,
    SCORE_SCALE,
    Breakdown,
    Offer,
    Reason,
    Request,
    UnmatchedReason,
    Weights,
)


def rounded_share(weight: int, numerator: int, denominator: int, total_weight: int) -> int:
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
        focus=rounded_share(weights.focus, covered, total, w_total),
        province=rounded_share(
            weights.province, proximity(request.province, offer.province), 2, w_total
        ),
        availability=rounded_share(
            weights.availability, shared_slots, len(request.availability), w_total
        ),
        maturity=rounded_share(weights.maturity, 3 * years_gap + 10 * level, 60, w_total),
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
