"""The mentoring report's queries: rounds, pairs, pairs at risk, feedback."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.utils.translation import get_language

from mentoring.models import CheckIn, MatchingRound, MentoringPair, PairFeedback

from .base import AT_RISK_DAYS, _cambodia, _in_range

if TYPE_CHECKING:
    from ..filters import ReportFilters


class JSONArrayLength(models.Func):
    """The length of a JSON array column (``[]`` for none)."""

    output_field = IntegerField()
    function = "JSON_ARRAY_LENGTH"

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="JSONB_ARRAY_LENGTH", **extra)


def _pairs(filters: ReportFilters):
    qs = MentoringPair.objects.order_by()
    if filters.province:
        qs = qs.filter(Q(mentee__province=filters.province) | Q(mentor__province=filters.province))
    if filters.organisation:
        qs = qs.filter(Q(mentee_id=filters.organisation) | Q(mentor_id=filters.organisation))
    return qs


def _stale_cutoff(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(days=AT_RISK_DAYS)


def _at_risk_q(now: datetime.datetime) -> Q:
    cutoff = _stale_cutoff(now)
    recent = CheckIn.objects.filter(
        pair_id=OuterRef("pk"), date__gte=cutoff.astimezone(_cambodia()).date()
    )
    return Q(status=MentoringPair.Status.ACTIVE, activated_at__lt=cutoff) & ~Exists(recent)


def rounds(filters: ReportFilters) -> list[dict]:
    """Each round created in the range: proposed, accepted, declined, unmatched. One query."""
    pairs = MentoringPair.objects.filter(round_id=OuterRef("pk")).order_by()
    if filters.province or filters.organisation:
        pairs = pairs.filter(pk__in=_pairs(filters).values("pk"))

    def count(qs):
        return Coalesce(
            Subquery(qs.values("round_id").annotate(n=Count("pk")).values("n")),
            0,
        )

    qs = (
        MatchingRound.objects.filter(_in_range("created_at", filters))
        .exclude(status=MatchingRound.Status.CANCELLED)
        .annotate(
            proposed=count(pairs),
            accepted=count(pairs.filter(activated_at__isnull=False)),
            declined=count(pairs.filter(status=MentoringPair.Status.DECLINED)),
            waiting=count(pairs.filter(status=MentoringPair.Status.PROPOSED)),
            unmatched_count=JSONArrayLength("unmatched"),
        )
        .order_by("-created_at", "-pk")
        .values(
            "pk",
            "name",
            "status",
            "created_at",
            "proposed",
            "accepted",
            "declined",
            "waiting",
            "unmatched_count",
        )
    )
    return list(qs)


def pair_totals(filters: ReportFilters, now: datetime.datetime) -> dict[str, int]:
    """Active now, at risk now, started, completed and ended early in the range: one query."""
    return _pairs(filters).aggregate(
        active=Count("pk", filter=Q(status=MentoringPair.Status.ACTIVE)),
        at_risk=Count("pk", filter=_at_risk_q(now)),
        started=Count("pk", filter=_in_range("activated_at", filters)),
        completed=Count(
            "pk",
            filter=Q(status=MentoringPair.Status.COMPLETED) & _in_range("completed_at", filters),
        ),
        ended=Count(
            "pk", filter=Q(status=MentoringPair.Status.ENDED) & _in_range("ended_at", filters)
        ),
    )


def pairs_at_risk(filters: ReportFilters, now: datetime.datetime, limit: int = 50) -> list[dict]:
    """Active pairs without a check-in for 30 days, longest silent first: one query."""
    rows = (
        _pairs(filters)
        .filter(_at_risk_q(now))
        .annotate(last_check_in=Max("check_ins__date"))
        .order_by(F("last_check_in").asc(nulls_first=True), "activated_at", "pk")
        .values(
            "pk",
            "mentee__name_km",
            "mentee__name_en",
            "mentor__name_km",
            "mentor__name_en",
            "activated_at",
            "last_check_in",
        )[:limit]
    )
    khmer = (get_language() or "km").startswith("km")

    def name(row, side):
        km, en = row[f"{side}__name_km"], row[f"{side}__name_en"]
        return (km if khmer else en) or en or km

    return [
        {
            "pk": r["pk"],
            "mentee": name(r, "mentee"),
            "mentor": name(r, "mentor"),
            "activated_at": r["activated_at"],
            "last_check_in": r["last_check_in"],
        }
        for r in rows
    ]


def feedback(filters: ReportFilters) -> dict[tuple[str, int], int]:
    """Feedback given in the range, counted by side and rating: one query."""
    qs = PairFeedback.objects.filter(_in_range("created_at", filters)).order_by()
    if filters.province or filters.organisation:
        qs = qs.filter(pair_id__in=_pairs(filters).values("pk"))
    rows = qs.values("side", "rating").annotate(n=Count("pk")).values_list("side", "rating", "n")
    return {(side, rating): n for side, rating, n in rows}
