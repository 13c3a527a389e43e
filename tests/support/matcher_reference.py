"""The reference optimum for small matching instances, by trying every assignment.

Test-only: the tests and ``bench/matcher.py`` check the matcher against it.
It uses only the matcher's one-pair definitions (``infeasibility``,
``pair_score``), none of its matrices, so it checks the matcher independently.
"""

from __future__ import annotations

from collections.abc import Iterable

from mentoring.matcher import Exclusion, Offer, Request, Weights, infeasibility, pair_score


def brute_force(
    requests: Iterable[Request],
    offers: Iterable[Offer],
    *,
    weights: Weights | None = None,
    exclusions: Iterable[Exclusion] = (),
    forbidden: Iterable[tuple[int, int]] = (),
    locked: Iterable[tuple[int, int]] = (),
    limit: int = 9,
) -> tuple[int, int]:
    """(matches, total score) of the lexicographic optimum, by trying every assignment.

    Exponential: refuses more than ``limit`` requests.
    """
    weights = weights or Weights()
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
