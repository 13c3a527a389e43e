"""The learning report's queries: enrolments, the funnel, completion times."""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import connection, models
from django.db.models import (
    Count,
    F,
    FloatField,
    Q,
    Sum,
    Value,
    Window,
)
from django.db.models.functions import RowNumber, Substr

from courses.models import CoursePage, LessonPage

from ..models import DailyLearning
from .base import course_certificates, enrolments, period_index

if TYPE_CHECKING:
    from ..filters import ReportFilters


def learning_series(filters: ReportFilters) -> dict[str, dict[datetime.date, int]]:
    """Enrolments, completions and certificates per period: one query.

    Over every course and learner it sums the days of the learning-per-day
    rollup (``reports.rollups``); for a course, province or organisation it
    counts the rows (``UNION ALL``).
    """
    periods = filters.periods()
    series: dict[str, dict] = {"enrolments": {}, "completions": {}, "certificates": {}}
    if not (filters.courses or filters.narrows_people):
        rows = (
            DailyLearning.objects.filter(day__gte=filters.start, day__lte=filters.end)
            .annotate(period=period_index("day", filters, dates=True))
            .order_by()
            .values("period")
            .annotate(*(Sum(name) for name in series))
            .values_list("period", *(f"{name}__sum" for name in series))
        )
        for index, *counts in rows:
            for name, n in zip(series, counts, strict=True):
                if n:
                    series[name][periods[index]] = n
        return series

    def grouped(qs, field: str, kind: str):
        return (
            qs.annotate(series_name=Value(kind, output_field=models.CharField()))
            .annotate(period=period_index(field, filters))
            .values("series_name", "period")
            .annotate(n=Count("pk"))
            .values_list("series_name", "period", "n")
            .order_by()
        )

    union = grouped(enrolments(filters), "enrolled_at", "enrolments").union(
        grouped(enrolments(filters, "completed_at"), "completed_at", "completions"),
        grouped(course_certificates(filters), "issued_at", "certificates"),
        all=True,
    )
    for kind, index, n in union:
        series[kind][periods[index]] = n
    return series


def lesson_totals() -> dict[int, int]:
    """Live lessons per course page (by page id): two queries.

    A lesson's path starts with its course's path, and courses sit at one depth
    of the page tree (home, catalogue, course), so lessons group by that prefix.
    """
    courses = dict(CoursePage.objects.values_list("path", "pk"))
    if not courses:
        return {}
    length = len(next(iter(courses)))
    rows = (
        LessonPage.objects.live()
        .annotate(course_path=Substr("path", 1, length))
        .order_by()
        .values("course_path")
        .annotate(n=Count("pk"))
        .values_list("course_path", "n")
    )
    return {courses[path]: n for path, n in rows if path in courses}


def _compiled(qs) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def funnel(filters: ReportFilters) -> dict:
    """The funnel per course for enrolments made in the range: three queries.

    Two count each course's lessons; the third groups the cohort's narrow
    copies (``reports.EnrolmentProgress``: each enrolment with its lessons
    done and certificates, kept by the database) by course and lessons done,
    read from one covering index, so "half-way" is decided per course with
    its own number of lessons and only one row per (course, lessons done)
    comes back.
    """
    totals = lesson_totals()
    rows = (
        enrolments(filters)
        .values("course_key", "course_id", "lessons_done")
        .annotate(
            n=Count("pk"),
            completed=Count("completed_at"),
            certified=Count("pk", filter=Q(certificates__gt=0)),
        )
        .values_list("course_key", "course_id", "lessons_done", "n", "completed", "certified")
        .order_by()
    )
    courses: dict = defaultdict(lambda: dict.fromkeys(FUNNEL_STAGES, 0))
    for key, course_id, lessons_done, n, completed, certificates in rows:
        stages = courses[key if isinstance(key, uuid.UUID) else uuid.UUID(str(key))]
        half = max(1, -(-totals.get(course_id, 0) // 2))
        stages["enrolled"] += n
        stages["started"] += n if lessons_done >= 1 else completed
        stages["halfway"] += n if lessons_done >= half else completed
        stages["completed"] += completed
        stages["certified"] += certificates
    return dict(courses)


FUNNEL_STAGES = ("enrolled", "started", "halfway", "completed", "certified")


class DaysBetween(models.Func):
    """Days from the second datetime to the first, as a number, with built-in functions."""

    arity = 2
    output_field = FloatField()

    def as_sql(self, compiler, connection, **extra):  # PostgreSQL
        extra.setdefault("template", "(EXTRACT(EPOCH FROM (%(expressions)s)) / 86400.0)")
        extra.setdefault("arg_joiner", " - ")
        return super().as_sql(compiler, connection, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        extra.update(template="(julianday(%(expressions)s))", arg_joiner=") - julianday(")
        return super().as_sql(compiler, connection, **extra)


def completion_medians(filters: ReportFilters) -> tuple[dict, float | None]:
    """Median days from enrolling to completing, per course key and over all: one query.

    On PostgreSQL, ``percentile_cont(0.5)`` over grouping sets (each course
    and all courses) in one sorted pass (22 ms where the windows below took
    55 ms at national scale). Elsewhere two pairs of windows over the
    cohort's completed enrolments, one per course and one over every course,
    rank them by days to complete; only the middle one or two rows of either
    ranking come back (one scan of the enrolments, where a query per median
    took two).
    """
    duration = DaysBetween("completed_at", "enrolled_at")
    completed = enrolments(filters).filter(completed_at__isnull=False)
    if connection.vendor == "postgresql":
        return _medians_postgresql(completed.annotate(duration=duration))
    order = [duration.asc(), F("pk").asc()]
    per_course = {"partition_by": [F("course_key")]}

    def middle(position: str, total: str) -> Q:
        return Q(**{position: (F(total) + 1) / 2}) | Q(**{position: (F(total) + 2) / 2})

    rows = (
        completed.annotate(
            duration=duration,
            course_position=Window(RowNumber(), order_by=order, **per_course),
            course_total=Window(Count("pk"), **per_course),
            position=Window(RowNumber(), order_by=order),
            total=Window(Count("pk")),
        )
        .filter(middle("course_position", "course_total") | middle("position", "total"))
        .values_list(
            "course_key", "duration", "course_position", "course_total", "position", "total"
        )
    )
    by_course: dict = defaultdict(list)
    overall: list = []
    for key, days, course_position, course_total, position, total in rows:
        if course_position in ((course_total + 1) // 2, (course_total + 2) // 2):
            by_course[key].append(days)
        if position in ((total + 1) // 2, (total + 2) // 2):
            overall.append(days)
    medians = {key: sum(values) / len(values) for key, values in by_course.items()}
    return medians, (sum(overall) / len(overall) if overall else None)


def _medians_postgresql(completed) -> tuple[dict, float | None]:
    """``percentile_cont(0.5)`` is the middle value, or the mean of the two middle ones."""
    cohort, params = _compiled(completed.values("course_key", "duration"))
    # Only ORM-compiled SQL with its parameters is joined in: nothing from the request.
    sql = (
        "SELECT c.course_key, percentile_cont(0.5) WITHIN GROUP (ORDER BY c.duration) "  # noqa: S608
        f"FROM ({cohort}) c GROUP BY GROUPING SETS ((c.course_key), ())"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # course_key is never null, so the grouping over all courses is the row without one.
    medians = {key: days for key, days in rows if key is not None}
    overall = next((days for key, days in rows if key is None), None)
    return medians, overall
