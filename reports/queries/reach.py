"""The reach report's query: learners by province, organisation, focus area and language."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from django.db import connection
from django.db.models import F
from django.utils.translation import get_language

from accounts.models import FocusArea, Membership, Organisation

from ..models import EnrolmentProgress, Learner
from .base import _in_range

if TYPE_CHECKING:
    from ..filters import ReportFilters


def _learner_ids(filters: ReportFilters):
    """Users with an enrolment in the range (course-filtered, not people-filtered)."""
    qs = EnrolmentProgress.objects.filter(_in_range("enrolled_at", filters)).order_by()
    if filters.courses:
        qs = qs.filter(course_key__in=filters.courses)
    return qs.values("user_id")


def _learners(filters: ReportFilters) -> tuple[str, tuple]:
    """The period's learners with their language (``user_id``, ``language``), as SQL.

    Without a course chosen, those who last enrolled in the period
    (``reports.Learner``: a range of one index) and, of those who enrolled
    again after it, the ones with an enrolment in it; the second part is
    empty for any period up to today. With a course, those with an
    enrolment of it in the period.
    """
    enrolled = Learner.objects.filter(user_id__in=_learner_ids(filters)).order_by()
    if filters.courses:
        return _compiled(enrolled.values("user_id", "language"))
    last = Learner.objects.filter(
        last_enrolled_at__gte=filters.since, last_enrolled_at__lt=filters.until
    ).order_by()
    first, first_params = _compiled(last.values("user_id", "language"))
    again, again_params = _compiled(
        enrolled.filter(last_enrolled_at__gte=filters.until).values("user_id", "language")
    )
    return f"{first} UNION ALL {again}", first_params + again_params


def _compiled(qs) -> tuple[str, tuple]:
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


def _memberships(filters: ReportFilters):
    """Every membership in the organisations the filters choose, with its province."""
    qs = Membership.objects.order_by()
    if filters.province:
        qs = qs.filter(organisation__province=filters.province)
    if filters.organisation:
        qs = qs.filter(organisation_id=filters.organisation)
    return qs.values("user_id", "organisation_id", o_province=F("organisation__province"))


def _sql(filters: ReportFilters) -> tuple[str, tuple]:
    """One statement for the whole report.

    The period's learners (:func:`_learners`) are found once, in a
    materialised ``WITH`` part, with their memberships (``m``), and every
    breakdown reads them from there, grouping by hashing (``COUNT(DISTINCT)``
    sorted every membership once per breakdown). A person belongs to an organisation
    once, so learners per organisation are counted rows (``o``). Learners
    per province or focus area add up their organisations' learners; only
    a person in several of them (``twice``, few) would count more than
    once, so each such person takes back what they added beyond one.
    Organisations per province, and the totals of organisations and
    provinces, follow from the rows per organisation (:func:`reach`).
    """
    learners, learner_params = _learners(filters)
    members, member_params = _memberships(filters).query.sql_with_params()
    through = Organisation.focus_areas.through
    organisation = through._meta.get_field("organisation").column
    focus_area = through._meta.get_field("focusarea").column
    people = "SELECT user_id, language FROM l"
    if filters.narrows_people:
        people += " WHERE user_id IN (SELECT user_id FROM m)"
    text = "CAST(NULL AS TEXT)"
    areas = through._meta.db_table
    # Only ORM-compiled SQL (with its parameters) and model table names are joined in.
    sql = (
        f"WITH l AS MATERIALIZED ({learners}), "  # noqa: S608
        "m AS MATERIALIZED (SELECT mm.user_id, mm.organisation_id, mm.o_province AS province "
        f"FROM ({members}) mm JOIN l ON l.user_id = mm.user_id), "
        "o AS MATERIALIZED (SELECT organisation_id, province, COUNT(*) AS learners FROM m "
        "GROUP BY organisation_id, province), "
        "mu AS MATERIALIZED (SELECT user_id, COUNT(*) AS n FROM m GROUP BY user_id), "
        # The memberships of people in several organisations: only they can count twice.
        "twice AS MATERIALIZED (SELECT m.user_id, m.organisation_id, m.province FROM m "
        "JOIN mu ON mu.user_id = m.user_id WHERE mu.n > 1), "
        f"oa AS (SELECT ofa.{focus_area} AS area, o.learners FROM o "
        f"JOIN {areas} ofa ON ofa.{organisation} = o.organisation_id), "
        f"p AS ({people}) "
        f"SELECT 'members', {text}, {text}, {text}, {text}, COUNT(*) FROM mu "
        f"UNION ALL SELECT 'learners', {text}, {text}, {text}, {text}, COUNT(*) FROM p "
        f"UNION ALL SELECT 'province', province, {text}, {text}, {text}, "
        "CAST(SUM(n) AS BIGINT) FROM (SELECT province, learners AS n FROM o "
        "UNION ALL SELECT province, 1 - COUNT(*) FROM twice GROUP BY province, user_id) pn "
        "GROUP BY province "
        "UNION ALL SELECT 'organisation', CAST(o.organisation_id AS TEXT), org.name_km, "
        "org.name_en, o.province, o.learners FROM o "
        f"JOIN {Organisation._meta.db_table} org ON org.id = o.organisation_id "
        f"UNION ALL SELECT 'focus', fa.code, {text}, {text}, {text}, CAST(SUM(n) AS BIGINT) "
        "FROM (SELECT area, learners AS n FROM oa "
        f"UNION ALL SELECT ofa.{focus_area}, 1 - COUNT(*) FROM twice "
        f"JOIN {areas} ofa ON ofa.{organisation} = twice.organisation_id "
        f"GROUP BY ofa.{focus_area}, twice.user_id) an "
        f"JOIN {FocusArea._meta.db_table} fa ON fa.id = an.area GROUP BY fa.code "
        f"UNION ALL SELECT 'focus-organisations', fa.code, {text}, {text}, {text}, COUNT(*) "
        f"FROM oa JOIN {FocusArea._meta.db_table} fa ON fa.id = oa.area GROUP BY fa.code "
        f"UNION ALL SELECT 'language', language, {text}, {text}, {text}, COUNT(*) FROM p "
        "GROUP BY language"
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
    focus_organisations: dict[str, int] = {}
    khmer = (get_language() or "km").startswith("km")
    for kind, key, name_km, name_en, province, n in rows:
        if kind == "members":
            totals["members"] = n
        elif kind == "learners":
            totals["learners"] = n
        elif kind == "province":
            provinces.append({"province": key, "learners": n})
        elif kind == "organisation":
            organisations.append(
                {
                    "id": int(key),
                    "name": (name_km if khmer else name_en) or name_en or name_km,
                    "name_en": name_en,
                    "province": province,
                    "learners": n,
                }
            )
        elif kind == "focus":
            focus.append({"code": key, "learners": n})
        elif kind == "focus-organisations":
            focus_organisations[key] = n
        else:
            languages.append({"language": key, "learners": n})
    per_province = Counter(r["province"] for r in organisations)
    for row in provinces:
        row["organisations"] = per_province[row["province"]]
    for row in focus:
        row["organisations"] = focus_organisations.get(row["code"], 0)
    totals.update(organisations=len(organisations), provinces=len(per_province))
    organisations.sort(key=lambda r: (-r["learners"], r["name_en"], r["id"]))
    return {
        "totals": totals,
        "provinces": sorted(provinces, key=lambda r: (-r["learners"], r["province"])),
        "organisations": organisations[:organisations_limit],
        "focus_areas": sorted(focus, key=lambda r: (-r["learners"], r["code"])),
        "languages": sorted(languages, key=lambda r: (-r["learners"], r["language"])),
    }
