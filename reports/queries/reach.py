"""The reach report's query: learners by province, organisation, focus area and language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import F
from django.utils.translation import get_language

from accounts.models import FocusArea, Membership, Organisation, User
from courses.models import Enrolment

from .base import _in_range

if TYPE_CHECKING:
    from ..filters import ReportFilters


def _learner_ids(filters: ReportFilters):
    """Users with an enrolment in the range (course-filtered, not people-filtered)."""
    qs = Enrolment.objects.filter(_in_range("enrolled_at", filters)).order_by()
    if filters.courses:
        qs = qs.filter(course_key__in=filters.courses)
    return qs.values("user_id")


def _memberships(filters: ReportFilters):
    """Every membership in the organisations the filters choose, with its organisation."""
    qs = Membership.objects.order_by()
    if filters.province:
        qs = qs.filter(organisation__province=filters.province)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    return qs.values(
        "user_id",
        "organisation_id",
        o_province=F("organisation__province"),
        o_name_km=F("organisation__name_km"),
        o_name_en=F("organisation__name_en"),
    )


def _sql(filters: ReportFilters) -> tuple[str, tuple]:
    """One statement for the whole report.

    The period's learners (a scan of the enrolments and a distinct over
    their users) are found once, in a materialised ``WITH`` part, and every
    breakdown reads them from there: one query per breakdown found them
    again each time (six scans; most of the report's first computation).
    """
    learners, learner_params = _learner_ids(filters).query.sql_with_params()
    members, member_params = _memberships(filters).query.sql_with_params()
    through = Organisation.focus_areas.through
    organisation = through._meta.get_field("organisation").column
    focus_area = through._meta.get_field("focusarea").column
    people = "SELECT DISTINCT user_id FROM m" if filters.narrows_people else "SELECT user_id FROM l"
    text = "CAST(NULL AS TEXT)"
    # Only ORM-compiled SQL (with its parameters) and model table names are joined in.
    sql = (
        f"WITH l AS MATERIALIZED (SELECT DISTINCT user_id FROM ({learners}) e), "  # noqa: S608
        "m AS MATERIALIZED (SELECT mm.user_id, mm.organisation_id, mm.o_province AS province, "
        "mm.o_name_km AS name_km, mm.o_name_en AS name_en "
        f"FROM ({members}) mm JOIN l ON l.user_id = mm.user_id), "
        f"p AS ({people}) "
        f"SELECT 'totals', {text}, {text}, {text}, {text}, COUNT(DISTINCT user_id), "
        "COUNT(DISTINCT organisation_id), COUNT(DISTINCT province) FROM m "
        f"UNION ALL SELECT 'learners', {text}, {text}, {text}, {text}, COUNT(*), 0, 0 FROM p "
        f"UNION ALL SELECT 'province', province, {text}, {text}, {text}, COUNT(DISTINCT user_id), "
        "COUNT(DISTINCT organisation_id), 0 FROM m GROUP BY province "
        "UNION ALL SELECT 'organisation', CAST(organisation_id AS TEXT), name_km, name_en, "
        "province, COUNT(DISTINCT user_id), 0, 0 FROM m "
        "GROUP BY organisation_id, name_km, name_en, province "
        f"UNION ALL SELECT 'focus', fa.code, {text}, {text}, {text}, COUNT(DISTINCT m.user_id), "
        "COUNT(DISTINCT m.organisation_id), 0 FROM m "
        f"JOIN {through._meta.db_table} ofa ON ofa.{organisation} = m.organisation_id "
        f"JOIN {FocusArea._meta.db_table} fa ON fa.id = ofa.{focus_area} GROUP BY fa.code "
        f"UNION ALL SELECT 'language', u.preferred_language, {text}, {text}, {text}, "
        f"COUNT(*), 0, 0 FROM p JOIN {User._meta.db_table} u ON u.id = p.user_id "
        "GROUP BY u.preferred_language"
    )
    return sql, tuple(learner_params) + tuple(member_params)


def reach(filters: ReportFilters, organisations_limit: int | None = None) -> dict:
    """The reach report's figures: one query.

    ``totals`` (learners, learners with an organisation, organisations and
    provinces), learners and organisations per ``provinces`` and
    ``focus_areas``, learners per organisation (``organisations``, most
    first, ``organisations_limit`` at most) and per ``languages``.
    """
    with connection.cursor() as cursor:
        cursor.execute(*_sql(filters))
        rows = cursor.fetchall()
    totals = {"learners": 0, "members": 0, "organisations": 0, "provinces": 0}
    provinces, organisations, focus, languages = [], [], [], []
    khmer = (get_language() or "km").startswith("km")
    for kind, key, name_km, name_en, province, a, b, c in rows:
        if kind == "totals":
            totals.update(members=a, organisations=b, provinces=c)
        elif kind == "learners":
            totals["learners"] = a
        elif kind == "province":
            provinces.append({"province": key, "learners": a, "organisations": b})
        elif kind == "organisation":
            organisations.append(
                {
                    "id": int(key),
                    "name": (name_km if khmer else name_en) or name_en or name_km,
                    "name_en": name_en,
                    "province": province,
                    "learners": a,
                }
            )
        elif kind == "focus":
            focus.append({"code": key, "learners": a, "organisations": b})
        else:
            languages.append({"language": key, "learners": a})
    organisations.sort(key=lambda r: (-r["learners"], r["name_en"], r["id"]))
    return {
        "totals": totals,
        "provinces": sorted(provinces, key=lambda r: (-r["learners"], r["province"])),
        "organisations": organisations[:organisations_limit],
        "focus_areas": sorted(focus, key=lambda r: (-r["learners"], r["code"])),
        "languages": sorted(languages, key=lambda r: (-r["learners"], r["language"])),
    }
