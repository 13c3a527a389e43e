"""Benchmark the mentoring matcher on national-size rounds.

For each of a few random 2,000-request × 500-offer instances (capacities
1–5, attribute mixes shaped like the sector: mostly Khmer, some English and
indigenous languages, Phnom Penh heavy but every province present):

* time the whole matcher (scoring, constraints, solving, reasons, fairness)
  against a bare ``scipy.optimize.linear_sum_assignment`` on the same score
  matrix (each offer repeated once per free place, infeasible cells 0), both
  measured in this run, best of three;
* compare its total score with a greedy baseline (best remaining pair first).

Then 200 small random instances are checked against brute force, with
exclusions, removed pairs and locked pairs. The last line is::

    RESULT time_ratio=<ours/bare LSA> score_ratio_vs_greedy=<min> optimal_small_failures=<n>

``time_ratio`` is the worst instance's ratio; the target is ≤ 3.
Run: ``.venv/bin/python bench/matcher.py [--instances N] [--small N]``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mentoring.matcher import (  # noqa: E402
    Exclusion,
    Offer,
    Request,
    Weights,
    build_problem,
    infeasibility,
    match,
    pair_score,
)
from tests.support.matcher_reference import brute_force  # noqa: E402

FOCUS = [
    "human-rights",
    "gender-equality",
    "labour-rights",
    "land-housing",
    "environment",
    "legal-aid",
    "civic-education",
    "advocacy",
    "fundraising",
    "financial-management",
    "organisational-management",
    "digital-security",
    "safeguarding",
    "media-communication",
]
# Capacity-building needs are asked for more often than thematic ones.
FOCUS_WEIGHTS = [4, 4, 3, 4, 4, 3, 3, 5, 9, 10, 8, 6, 5, 4]
PROVINCES = [f"{n:02d}" for n in range(1, 26)]
PROVINCE_WEIGHTS = [
    4, 6, 5, 3, 4, 3, 3, 6, 1, 2, 1, 20, 1, 5, 2, 2, 6, 2, 1, 3, 4, 1, 1, 1, 3
]  # fmt: skip
SLOTS = [
    f"{d}-{p}"
    for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    for p in ("am", "pm", "eve")
]
PRIORITIES = ["must", "want", "nice"]


def _languages(rng: random.Random, mentor: bool) -> frozenset[str]:
    roll = rng.random()
    if mentor:
        if roll < 0.55:
            return frozenset({"km", "en"})
        if roll < 0.93:
            return frozenset({"km"})
        if roll < 0.97:
            return frozenset({"en"})
        return frozenset({"km", rng.choice(["kdt", "cmo", "tpu", "cja"])})
    if roll < 0.6:
        return frozenset({"km"})
    if roll < 0.85:
        return frozenset({"km", "en"})
    if roll < 0.97:
        return frozenset({"km", rng.choice(["kdt", "cmo", "tpu", "cja"])})
    return frozenset({rng.choice(["kdt", "cmo", "tpu"])})


def _mode(rng: random.Random) -> str:
    return rng.choices(["online", "in-person", "either"], weights=[3, 2, 5])[0]


def _availability(rng: random.Random) -> frozenset[str]:
    return frozenset(rng.sample(SLOTS, rng.randint(0, 8)))


def national_instance(seed: int, n_requests: int = 2000, n_offers: int = 500):
    rng = random.Random(seed)
    requests = []
    for i in range(n_requests):
        areas = set()
        while len(areas) < rng.randint(1, 4):
            areas.add(rng.choices(FOCUS, weights=FOCUS_WEIGHTS)[0])
        requests.append(
            Request(
                id=i + 1,
                organisation_id=i + 1,
                province=rng.choices(PROVINCES, weights=PROVINCE_WEIGHTS)[0],
                needs={a: rng.choices(PRIORITIES, weights=[3, 4, 3])[0] for a in sorted(areas)},
                languages=_languages(rng, mentor=False),
                mode=_mode(rng),
                availability=_availability(rng),
                years_active=rng.randint(0, 8),
                staff_size=rng.randint(1, 20),
            )
        )
    offers = []
    for j in range(n_offers):
        # A few established organisations also ask for help in another area.
        organisation = rng.randint(1, n_requests) if rng.random() < 0.03 else n_requests + j + 1
        offers.append(
            Offer(
                id=j + 1,
                organisation_id=organisation,
                province=rng.choices(PROVINCES, weights=PROVINCE_WEIGHTS)[0],
                focus_areas=frozenset(rng.sample(FOCUS, rng.randint(2, 5))),
                capacity=rng.randint(1, 5),
                languages=_languages(rng, mentor=True),
                mode=_mode(rng),
                availability=_availability(rng),
                years_active=rng.randint(5, 30),
                staff_size=rng.randint(5, 120),
            )
        )
    organisations = [r.organisation_id for r in requests] + [o.organisation_id for o in offers]
    exclusions = [
        Exclusion(
            rng.choice(organisations),
            rng.choice(organisations),
            rng.choice(["conflict", "declined"]),
        )
        for _ in range(n_requests // 10)
    ]
    return requests, offers, [e for e in exclusions if e.organisation_a != e.organisation_b]


def greedy(requests, offers, weights, exclusions) -> int:
    """Best remaining feasible pair first; the total score it reaches."""
    excluded = frozenset(frozenset((e.organisation_a, e.organisation_b)) for e in exclusions)
    problem = build_problem(requests, offers, weights=weights, exclusions=exclusions)
    rows, cols = np.nonzero(problem.feasible)
    scores = problem.scores[rows, cols]
    order = np.lexsort((cols, rows, -scores))
    places = [o.capacity for o in problem.offers]
    taken = set()
    total = 0
    for k in order:
        i, j = int(rows[k]), int(cols[k])
        if i in taken or places[j] <= 0:
            continue
        request, offer = problem.requests[i], problem.offers[j]
        assert infeasibility(request, offer, excluded_organisations=excluded) is None
        taken.add(i)
        places[j] -= 1
        total += pair_score(request, offer, weights).total
    return total


def best_of(runs: int, fn):
    best, value = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - started)
    return best, value


def small_instance(rng: random.Random):
    n, m = rng.randint(0, 7), rng.randint(0, 4)
    orgs = list(range(1, 9))
    requests = [
        Request(
            id=i + 1,
            organisation_id=rng.choice(orgs),
            province=rng.choice(["02", "12", "17", "24", "08"]),
            needs={a: rng.choice(PRIORITIES) for a in rng.sample(FOCUS[:5], rng.randint(1, 3))},
            languages=frozenset(rng.sample(["km", "en", "kdt"], rng.randint(1, 2))),
            mode=_mode(rng),
            availability=frozenset(rng.sample(SLOTS[:6], rng.randint(0, 4))),
            years_active=rng.randint(0, 15),
            staff_size=rng.randint(0, 40),
        )
        for i in range(n)
    ]
    offers = [
        Offer(
            id=j + 1,
            organisation_id=rng.choice(orgs),
            province=rng.choice(["02", "12", "17", "24", "08"]),
            focus_areas=frozenset(rng.sample(FOCUS[:5], rng.randint(1, 3))),
            capacity=rng.randint(0, 3),
            languages=frozenset(rng.sample(["km", "en", "kdt"], rng.randint(1, 2))),
            mode=_mode(rng),
            availability=frozenset(rng.sample(SLOTS[:6], rng.randint(0, 4))),
            years_active=rng.randint(0, 30),
            staff_size=rng.randint(0, 90),
        )
        for j in range(m)
    ]
    exclusions = [
        Exclusion(*rng.sample(orgs, 2), rng.choice(["conflict", "declined"]))
        for _ in range(rng.randint(0, 2))
    ]
    forbidden = []
    if requests and offers and rng.random() < 0.3:
        forbidden.append((rng.choice(requests).id, rng.choice(offers).id))
    weights = Weights(*(rng.randint(0, 10) for _ in range(4)))
    return requests, offers, weights, exclusions, forbidden


def check_small(count: int, seed: int = 2026) -> int:
    rng = random.Random(seed)
    failures = 0
    for _ in range(count):
        requests, offers, weights, exclusions, forbidden = small_instance(rng)
        options = dict(weights=weights, exclusions=exclusions, forbidden=forbidden)
        result = match(requests, offers, **options)
        locked = []
        if result.pairs and rng.random() < 0.3:
            # Lock one of the pairs, as an admin would, and re-run.
            pair = rng.choice(result.pairs)
            locked = [(pair.request_id, pair.offer_id)]
            result = match(requests, offers, locked=locked, **options)
        expected = brute_force(requests, offers, locked=locked, **options)
        if (result.matched, result.total_score) != expected:
            failures += 1
            print(
                f"  small instance differs: ours {(result.matched, result.total_score)}, "
                f"brute force {expected}"
            )
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=3)
    parser.add_argument("--small", type=int, default=200)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--offers", type=int, default=500)
    args = parser.parse_args()
    weights = Weights()
    time_ratios, score_ratios = [], []
    for seed in range(args.instances):
        requests, offers, exclusions = national_instance(seed, args.requests, args.offers)
        options = {"weights": weights, "exclusions": exclusions}
        ours_time, result = best_of(3, partial(match, requests, offers, **options))
        problem = build_problem(requests, offers, **options)
        rows, slots, feasible = problem.reduced()
        score_matrix = np.where(feasible, problem.scores[rows], 0)[:, slots].astype(np.float64)
        bare_time, _ = best_of(3, partial(linear_sum_assignment, score_matrix, maximize=True))
        greedy_total = greedy(requests, offers, weights, exclusions)
        time_ratios.append(ours_time / bare_time)
        score_ratios.append(result.total_score / greedy_total if greedy_total else 1.0)
        print(
            f"instance {seed}: {len(requests)} requests × {len(offers)} offers "
            f"({len(slots)} useful places): matched {result.matched}, "
            f"unmatched {len(result.unmatched)}; matcher {ours_time * 1000:.0f} ms, "
            f"bare LSA {bare_time * 1000:.0f} ms (×{time_ratios[-1]:.2f}); "
            f"score {result.total_score} vs greedy {greedy_total} (×{score_ratios[-1]:.4f})"
        )
    failures = check_small(args.small)
    print(f"small instances checked against brute force: {args.small}, differing: {failures}")
    print(
        f"RESULT time_ratio={max(time_ratios):.2f} "
        f"score_ratio_vs_greedy={min(score_ratios):.4f} optimal_small_failures={failures}"
    )


if __name__ == "__main__":
    main()
