"""The workshops report's queries: scheduled, held, attendance and minutes."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from workshops.models import Attendance, Registration, Workshop

from .base import _in_range, _members, period_index

if TYPE_CHECKING:
    from ..filters import ReportFilters


def _count(qs):
    return Coalesce(
        Subquery(qs.order_by().values("workshop_id").annotate(n=Count("pk")).values("n")), 0
    )


def _workshops(filters: ReportFilters):
    """Workshops starting in the range, each with its registrations, attendance and minutes."""
    attendance = Attendance.objects.filter(workshop_id=OuterRef("pk"))
    registrations = Registration.objects.filter(workshop_id=OuterRef("pk"))
    if filters.narrows_people:
        attendance = attendance.filter(_members(filters, "user_id"))
        registrations = registrations.filter(_members(filters, "user_id"))
    attended = attendance.filter(attended=True)
    registered_attended = registrations.filter(
        Exists(
            Attendance.objects.filter(
                workshop_id=OuterRef("workshop_id"), user_id=OuterRef("user_id"), attended=True
            )
        )
    )
    minutes = Coalesce(
        Subquery(
            attendance.order_by().values("workshop_id").annotate(m=Sum("minutes")).values("m")
        ),
        0,
    )
    qs = Workshop.objects.filter(_in_range("starts_at", filters)).order_by()
    if filters.courses:
        qs = qs.filter(course__translation_key__in=filters.courses)
    if filters.narrows_people:
        qs = qs.filter(Exists(attendance))
    return qs.annotate(
        w_registered=_count(registrations),
        w_attended=_count(attended),
        w_registered_attended=_count(registered_attended),
        w_minutes=minutes,
    )


def _workshop_figures(qs, *group):
    return qs.values(*group).annotate(
        scheduled=Count("pk"),
        held=Count("pk", filter=Q(started_at__isnull=False)),
        registered=Sum("w_registered"),
        attended=Sum("w_attended"),
        registered_attended=Sum("w_registered_attended"),
        minutes=Sum("w_minutes"),
    )


def workshop_series(filters: ReportFilters) -> dict[datetime.date, dict]:
    """Scheduled and held workshops, attendance and minutes per period: one query."""
    qs = _workshops(filters).annotate(period=period_index("starts_at", filters))
    periods = filters.periods()
    return {periods[r.pop("period")]: r for r in _workshop_figures(qs, "period")}


def workshops_by_host(filters: ReportFilters) -> list[dict]:
    """The same figures per host, most attended first: one query."""
    rows = _workshop_figures(_workshops(filters), "host_id", "host__display_name").order_by(
        "-attended", "host__display_name"
    )
    return list(rows)


def workshops_by_course(filters: ReportFilters) -> list[dict]:
    """The same figures per course (workshops without a course together): one query."""
    rows = _workshop_figures(_workshops(filters), "course__translation_key").order_by(
        "-attended", "course__translation_key"
    )
    return list(rows)
