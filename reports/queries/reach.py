"""The reach report's queries: learners by province, organisation, focus
area and language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import (
    Count,
)
from django.utils.translation import get_language

from accounts.models import Membership, User
from courses.models import Enrolment

from .base import _in_range, _members, enrolments

if TYPE_CHECKING:
    from ..filters import ReportFilters


def _learner_ids(filters: ReportFilters):
    """Users with an enrolment in the range (course-filtered, not people-filtered)."""
    qs = Enrolment.objects.filter(_in_range("enrolled_at", filters)).order_by()
    if filters.courses:
        qs = qs.filter(course_key__in=filters.courses)
    return qs.values("user_id")


def _reach_memberships(filters: ReportFilters):
    qs = Membership.objects.filter(user_id__in=_learner_ids(filters)).order_by()
    if filters.province:
        qs = qs.filter(organisation__province=filters.province)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    return qs


def reach_totals(filters: ReportFilters) -> dict[str, int]:
    """Learners, learners with an organisation, organisations and provinces: two queries."""
    learners = enrolments(filters).aggregate(n=Count("user_id", distinct=True))["n"]
    counts = _reach_memberships(filters).aggregate(
        members=Count("user_id", distinct=True),
        organisations=Count("organisation_id", distinct=True),
        provinces=Count("organisation__province", distinct=True),
    )
    return {"learners": learners, **counts}


def reach_by_province(filters: ReportFilters) -> list[dict]:
    """Learners and organisations per province, most learners first: one query."""
    rows = (
        _reach_memberships(filters)
        .values("organisation__province")
        .annotate(
            learners=Count("user_id", distinct=True),
            organisations=Count("organisation_id", distinct=True),
        )
        .order_by("-learners", "organisation__province")
    )
    return [
        {
            "province": r["organisation__province"],
            "learners": r["learners"],
            "organisations": r["organisations"],
        }
        for r in rows
    ]


def reach_by_organisation(filters: ReportFilters, limit: int | None = None) -> list[dict]:
    """Learners per organisation, most first: one query (``limit`` rows at most)."""
    rows = (
        _reach_memberships(filters)
        .values(
            "organisation_id",
            "organisation__name_km",
            "organisation__name_en",
            "organisation__province",
        )
        .annotate(learners=Count("user_id", distinct=True))
        .order_by("-learners", "organisation__name_en", "organisation_id")
    )
    if limit:
        rows = rows[:limit]
    khmer = (get_language() or "km").startswith("km")
    return [
        {
            "id": r["organisation_id"],
            "name": (r["organisation__name_km"] if khmer else r["organisation__name_en"])
            or r["organisation__name_en"]
            or r["organisation__name_km"],
            "province": r["organisation__province"],
            "learners": r["learners"],
        }
        for r in rows
    ]


def reach_by_focus_area(filters: ReportFilters) -> list[dict]:
    """Learners and organisations per focus area of their organisations: one query."""
    rows = (
        _reach_memberships(filters)
        .filter(organisation__focus_areas__isnull=False)
        .values("organisation__focus_areas__code")
        .annotate(
            learners=Count("user_id", distinct=True),
            organisations=Count("organisation_id", distinct=True),
        )
        .order_by("-learners", "organisation__focus_areas__code")
    )
    return [
        {
            "code": r["organisation__focus_areas__code"],
            "learners": r["learners"],
            "organisations": r["organisations"],
        }
        for r in rows
    ]


def reach_by_language(filters: ReportFilters) -> list[dict]:
    """Learners by the language they use the platform in: one query."""
    users = User.objects.filter(pk__in=_learner_ids(filters)).order_by()
    if filters.narrows_people:
        users = users.filter(_members(filters, "pk"))
    rows = (
        users.values("preferred_language")
        .annotate(learners=Count("pk"))
        .order_by("-learners", "preferred_language")
    )
    return [{"language": r["preferred_language"], "learners": r["learners"]} for r in rows]
