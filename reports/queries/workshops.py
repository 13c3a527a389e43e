"""The workshops report's queries: scheduled, held, attendance and minutes."""

from __future__ import annotations

import datetime
import uuid
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
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


_FIGURES = ("scheduled", "held", "registered", "attended", "registered_attended", "minutes")


def workshop_figures(filters: ReportFilters) -> dict:
    """Scheduled and held workshops, attendance and minutes per period, per host and per
    course: one query.

    Each workshop's registrations, attendance and minutes are counted once, in
    a materialised ``WITH`` part (the ORM's own SQL), and grouped three ways
    from there; a query per grouping counted them three times.
    """
    per_workshop, params = (
        _workshops(filters)
        .annotate(
            period=period_index("starts_at", filters),
            h_name=F("host__display_name"),
            c_key=F("course__translation_key"),
        )
        .values(
            "id",
            "period",
            "started_at",
            "host_id",
            "h_name",
            "c_key",
            "w_registered",
            "w_attended",
            "w_registered_attended",
            "w_minutes",
        )
        .query.sql_with_params()
    )
    sums = (
        "COUNT(*), COUNT(started_at), SUM(w_registered), SUM(w_attended), "
        "SUM(w_registered_attended), SUM(w_minutes)"
    )
    text = "CAST(NULL AS TEXT)"
    # Only ORM-compiled SQL (with its parameters) is joined in: nothing from the request.
    sql = (
        f"WITH w AS MATERIALIZED ({per_workshop}) "  # noqa: S608
        f"SELECT 'period', CAST(period AS TEXT), {text}, {sums} FROM w GROUP BY period "
        f"UNION ALL SELECT 'host', CAST(host_id AS TEXT), h_name, {sums} FROM w "
        "GROUP BY host_id, h_name "
        f"UNION ALL SELECT 'course', CAST(c_key AS TEXT), {text}, {sums} FROM w GROUP BY c_key"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    periods = filters.periods()
    series: dict[datetime.date, dict] = {}
    hosts, courses = [], []
    for kind, key, name, *values in rows:
        figures = dict(zip(_FIGURES, (None if v is None else int(v) for v in values), strict=True))
        if kind == "period":
            series[periods[int(key)]] = figures
        elif kind == "host":
            hosts.append(
                {"host_id": int(key) if key else None, "host__display_name": name, **figures}
            )
        else:
            courses.append({"course__translation_key": uuid.UUID(key) if key else None, **figures})
    # As the database orders: most attended first, then by name or key, nothing last.
    hosts.sort(key=lambda r: (-r["attended"], *_last_if_none(r["host__display_name"])))
    courses.sort(key=lambda r: (-r["attended"], *_last_if_none(r["course__translation_key"])))
    return {"series": series, "hosts": hosts, "courses": courses}


def _last_if_none(value) -> tuple:
    return (value is None, "" if value is None else str(value))
