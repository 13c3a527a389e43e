"""Mentoring: what organisations need and offer, matching rounds, and pairs.

A new organisation publishes a :class:`MentoringRequest`; an established one
publishes a :class:`MentoringOffer`. An admin runs a :class:`MatchingRound`,
which stores one :class:`MatchProposal` per proposed pair; approving the round
turns each proposal into a :class:`MentoringPair` that both organisations
accept or decline. Every state change goes through ``mentoring.services``.
"""

from .listings import (
    AVAILABILITY_SLOTS,
    DAY_PARTS,
    WEEKDAYS,
    Listing,
    MentoringExclusion,
    MentoringOffer,
    MentoringRequest,
    Mode,
    Priority,
    availability_choices,
)
from .pairs import (
    CheckIn,
    GoalProgress,
    MentoringPair,
    PairFeedback,
    PairWorkshop,
    PlanGoal,
    SharedResource,
    Side,
)
from .rounds import MatchingRound, MatchProposal

__all__ = [
    "AVAILABILITY_SLOTS",
    "DAY_PARTS",
    "WEEKDAYS",
    "CheckIn",
    "GoalProgress",
    "Listing",
    "MatchProposal",
    "MatchingRound",
    "MentoringExclusion",
    "MentoringOffer",
    "MentoringPair",
    "MentoringRequest",
    "Mode",
    "PairFeedback",
    "PairWorkshop",
    "PlanGoal",
    "Priority",
    "SharedResource",
    "Side",
    "availability_choices",
]
