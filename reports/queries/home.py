"""The admin home's month figures and the donor report's headline counts."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Q,
    Sum,
)
from django.db.models.functions import Coalesce

from certificates.models import Certificate
from mentoring.models import MentoringPair
from workshops.models import Attendance

from ..models import DailyLearning
from .base import STANDING, _cambodia, course_certificates, enrolments

if TYPE_CHECKING:
    from ..filters import ReportFilters


def month_counts(last: datetime.datetime, this: datetime.datetime, following: datetime.datetime):
    """Five figures for the months [last, this) and [this, following): four queries.

    The bounds are Phnom Penh midnights. Enrolments and completions are
    summed from the learning-per-day rollup (``reports.rollups``) in one
    query; certificates of every kind, attendance and pairs are counted.
    """

    def two(qs, field):
        return qs.filter(**{f"{field}__gte": last, f"{field}__lt": following}).aggregate(
            last=Count("pk", filter=Q(**{f"{field}__lt": this})),
            this=Count("pk", filter=Q(**{f"{field}__gte": this})),
        )

    def active_during(start, end) -> Q:
        return Q(activated_at__lt=end) & (Q(finished_at__isnull=True) | Q(finished_at__gte=start))

    pairs = MentoringPair.objects.annotate(finished_at=Coalesce("completed_at", "ended_at")).filter(
        activated_at__isnull=False
    )
    days = [moment.astimezone(_cambodia()).date() for moment in (last, this, following)]
    learning = DailyLearning.objects.filter(day__gte=days[0], day__lt=days[2]).aggregate(
        **{
            f"{name}_{month}": Coalesce(Sum(name, filter=Q(**{lookup: days[1]})), 0)
            for name in ("enrolments", "completions")
            for month, lookup in (("last", "day__lt"), ("this", "day__gte"))
        }
    )
    return {
        **{
            name: {month: learning[f"{name}_{month}"] for month in ("last", "this")}
            for name in ("enrolments", "completions")
        },
        "certificates": two(
            Certificate.objects.filter(is_current=True, status__in=STANDING).order_by(),
            "issued_at",
        ),
        "attendance": two(Attendance.objects.filter(attended=True).order_by(), "first_joined_at"),
        "pairs": pairs.order_by().aggregate(
            last=Count("pk", filter=active_during(last, this)),
            this=Count("pk", filter=active_during(this, following)),
        ),
    }


def donor_headline(filters: ReportFilters) -> dict[str, int]:
    """Headline counts for the donor report that the other queries do not give: one query."""
    return enrolments(filters).aggregate(
        enrolments=Count("pk"),
        learners=Count("user_id", distinct=True),
    )


def completions_count(filters: ReportFilters) -> int:
    return enrolments(filters, "completed_at").aggregate(n=Count("pk"))["n"]


def certificates_count(filters: ReportFilters) -> int:
    return course_certificates(filters).aggregate(n=Count("pk"))["n"]
