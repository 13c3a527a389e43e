"""What every report's queries share: the cohort, certificates and periods
the filters choose."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    ExpressionWrapper,
    IntegerField,
    Q,
    Value,
    When,
)

from accounts.models import Membership
from certificates.models import Certificate

from ..models import EnrolmentProgress

if TYPE_CHECKING:
    from ..filters import ReportFilters


#: Certificates that stand: issued (a name may still await confirmation), not revoked.
STANDING = (Certificate.Status.VALID, Certificate.Status.AWAITING_NAME)
AT_RISK_DAYS = 30


def _cambodia():
    from ..filters import CAMBODIA

    return CAMBODIA


def period_index(field: str, filters: ReportFilters, *, dates: bool = False):
    """The index in ``filters.periods()`` of the week or month ``field`` falls in.

    ``field`` is a moment, or with ``dates`` a Phnom Penh day (a date).

    Compared with the periods' first moments (Phnom Penh midnights) in a
    balanced tree of ``CASE`` expressions: a few comparisons a row, no date
    function per row (SQLite runs those in Python), and the same answer on
    every database whatever its time zone.
    """
    from ..filters import day_start

    bounds = [day if dates else day_start(day) for day in filters.periods()[1:]]

    def tree(low: int, high: int):
        # Rows from period ``low`` to period ``high``; bounds[i] starts period i + 1.
        if low == high:
            return Value(low)
        middle = (low + high) // 2
        return Case(
            When(**{f"{field}__lt": bounds[middle]}, then=tree(low, middle)),
            default=tree(middle + 1, high),
            output_field=IntegerField(),
        )

    return ExpressionWrapper(tree(0, len(bounds)), output_field=IntegerField())


def _members(filters: ReportFilters, user_field: str) -> Q:
    """The user in ``user_field`` belongs to an organisation the filters name."""
    memberships = Membership.objects.order_by()
    if filters.province:
        memberships = memberships.filter(organisation__province=filters.province)
    if filters.organisation:
        memberships = memberships.filter(organisation_id=filters.organisation)
    return Q(**{f"{user_field}__in": memberships.values("user_id")})


def _in_range(field: str, filters: ReportFilters) -> Q:
    return Q(**{f"{field}__gte": filters.since, f"{field}__lt": filters.until})


def enrolments(filters: ReportFilters, date_field: str = "enrolled_at"):
    """Enrolments whose ``date_field`` falls in the range, for the course and people chosen.

    Read from their narrow copy (``reports.EnrolmentProgress``, kept by the
    database), which has the enrolment's user, course, dates, lessons done
    and certificates under one covering index on ``enrolled_at``.
    """
    qs = EnrolmentProgress.objects.filter(_in_range(date_field, filters)).order_by()
    if filters.courses:
        qs = qs.filter(course_key__in=filters.courses)
    if filters.narrows_people:
        qs = qs.filter(_members(filters, "user_id"))
    return qs


def course_certificates(filters: ReportFilters):
    qs = Certificate.objects.filter(
        _in_range("issued_at", filters),
        kind=Certificate.Kind.COURSE,
        is_current=True,
        status__in=STANDING,
    ).order_by()
    if filters.courses:
        qs = qs.filter(course__translation_key__in=filters.courses)
    if filters.narrows_people:
        qs = qs.filter(_members(filters, "recipient_id"))
    return qs
