"""The matcher's vocabulary: constants, plain input dataclasses and the result types."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

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
