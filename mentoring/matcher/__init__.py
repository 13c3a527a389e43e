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

from .scoring import explain_pair, infeasibility, pair_score, shared_modes, staff_level
from .solver import Problem, build_problem, match, size_band, solve
from .types import (
    SIZE_BANDS,
    Breakdown,
    Exclusion,
    Fairness,
    GroupShare,
    MatchResult,
    Offer,
    OfferLoad,
    Pair,
    Reason,
    Request,
    Unmatched,
    UnmatchedReason,
    Weights,
)

__all__ = [
    "SIZE_BANDS",
    "Breakdown",
    "Exclusion",
    "Fairness",
    "GroupShare",
    "MatchResult",
    "Offer",
    "OfferLoad",
    "Pair",
    "Problem",
    "Reason",
    "Request",
    "Unmatched",
    "UnmatchedReason",
    "Weights",
    "build_problem",
    "explain_pair",
    "infeasibility",
    "match",
    "pair_score",
    "shared_modes",
    "size_band",
    "solve",
    "staff_level",
]
