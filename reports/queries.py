"""Every read of another app's models that the reports make, in one place.

``reports`` is the top layer: it reads courses, workshops, mentoring,
certificates and accounts, and nothing imports it. Reads that need another
app's tables for an aggregate live here, so that the dependency is visible
in one file. Each function is one SQL query (the docstring says so when it
is more) whose cost does not depend on how many rows come back from Python:
grouping and counting happen in the database, and only aggregated rows
(a few per period, course, province or rating) reach Python.
"""

from __future__ import annotations

import datetime
import uuid
from collections import defaultdict
from typing import TYPE_CHECKING

from django.db import connection, models
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber, Substr
from django.utils.translation import get_language

from accounts.models import Membership, Organisation, User
from certificates.models import Certificate
from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress
from mentoring.models import CheckIn, MatchingRound, MentoringPair, PairFeedback
from workshops.models import Attendance, Registration, Workshop

from . import freshness

if TYPE_CHECKING:
    from .filters import ReportFilters

#: Certificates that stand: issued (a name may still await confirmation), not revoked.
STANDING = (Certificate.Status.VALID, Certificate.Status.AWAITING_NAME)
AT_RISK_DAYS = 30


def _cambodia():
    from .filters import CAMBODIA

    return CAMBODIA


def period_index(field: str, filters: ReportFilters):
    """The index in ``filters.periods()`` of the week or month ``field`` falls in.

    Compared with the periods' first moments (Phnom Penh midnights) in a
    balanced tree of ``CASE`` expressions: a few comparisons a row, no date
    function per row (SQLite runs those in Python), and the same answer on
    every database whatever its time zone.
    """
    from .filters import day_start

    bounds = [day_start(day) for day in filters.periods()[1:]]

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
    """Enrolments whose ``date_field`` falls in the range, for the course and people chosen."""
    qs = Enrolment.objects.filter(_in_range(date_field, filters)).order_by()
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


# ---------------------------------------------------------------------------
# Filter choices
# ---------------------------------------------------------------------------


def course_choices() -> list[tuple[object, str]]:
    """(translation key, title in the admin's language where it exists), by title."""
    language = (get_language() or "km")[:2]
    return freshness.cached("course-choices", (language,), lambda: _course_choices(language))


def _course_choices(language: str) -> list[tuple[object, str]]:
    rows = CoursePage.objects.values_list("translation_key", "title", "locale__language_code")
    titles: dict = {}
    for key, title, code in rows:
        if key not in titles or code == language:
            titles[key] = title
    return sorted(titles.items(), key=lambda item: item[1].lower())


def organisation_choices() -> list[tuple[int, str]]:
    """(id, name in the admin's language where it exists), by name."""
    khmer = (get_language() or "km").startswith("km")
    return freshness.cached("organisation-choices", (khmer,), lambda: _organisation_choices(khmer))


def _organisation_choices(khmer: bool) -> list[tuple[int, str]]:
    rows = Organisation.objects.order_by().values_list("pk", "name_km", "name_en")
    names = [(pk, (km if khmer else en) or en or km) for pk, km, en in rows]
    return sorted(names, key=lambda item: item[1].lower())


def course_titles(keys) -> dict:
    """Course titles by translation key, in the admin's language where one exists."""
    language = (get_language() or "km")[:2]
    titles: dict = {}
    rows = CoursePage.objects.filter(translation_key__in=list(keys)).values_list(
        "translation_key", "title", "locale__language_code"
    )
    for key, title, code in rows:
        if key not in titles or code == language:
            titles[key] = title
    return titles


# ---------------------------------------------------------------------------
# Learning
# ---------------------------------------------------------------------------


def learning_series(filters: ReportFilters) -> dict[str, dict[datetime.date, int]]:
    """Enrolments, completions and certificates per period: one query (``UNION ALL``)."""

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
    periods = filters.periods()
    series: dict[str, dict] = {"enrolments": {}, "completions": {}, "certificates": {}}
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

    Two count each course's lessons; the third joins the cohort to each
    enrolment's lessons done (grouped once over the progress table) and to
    the standing certificates, and groups by course and lessons done, so
    "half-way" is decided per course with its own number of lessons and only
    one row per (course, lessons done) comes back. The parts are the ORM's
    own SQL; only the joins are written here (the ORM cannot join derived
    tables).
    """
    totals = lesson_totals()
    cohort_qs = enrolments(filters)
    cohort, cohort_params = _compiled(
        cohort_qs.values("id", "course_key", "course_id", "completed_at")
    )
    done, done_params = _compiled(
        LessonProgress.objects.order_by().values("enrolment_id").annotate(n=Count("pk"))
    )
    certified, certified_params = _compiled(
        Certificate.objects.filter(
            kind=Certificate.Kind.COURSE, is_current=True, status__in=STANDING
        )
        .order_by()
        .values("source_id")
        .distinct()
    )
    # Only ORM-compiled SQL with its parameters is joined in: nothing from the request.
    sql = (
        "SELECT e.course_key, e.course_id, COALESCE(d.n, 0) AS done, COUNT(*), "  # noqa: S608
        "COUNT(e.completed_at), COUNT(c.source_id) "
        f"FROM ({cohort}) e "
        f"LEFT JOIN ({done}) d ON d.enrolment_id = e.id "
        f"LEFT JOIN ({certified}) c ON c.source_id = e.id "
        "GROUP BY e.course_key, e.course_id, COALESCE(d.n, 0)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, cohort_params + done_params + certified_params)
        rows = cursor.fetchall()
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


def _median_rows(qs, partition):
    """The middle one or two rows of ``qs`` by days to complete, per ``partition``."""
    duration = DaysBetween("completed_at", "enrolled_at")
    over = {"partition_by": partition} if partition else {}
    return (
        qs.filter(completed_at__isnull=False)
        .annotate(
            duration=duration,
            position=Window(RowNumber(), order_by=[duration.asc(), F("pk").asc()], **over),
            total=Window(Count("pk"), **over),
        )
        .filter(
            Q(position=(F("total") + 1) / 2) | Q(position=(F("total") + 2) / 2),
        )
    )


def median_completion(filters: ReportFilters) -> dict:
    """Median time from enrolling to completing, per course key: one query."""
    rows = _median_rows(enrolments(filters), [F("course_key")]).values_list(
        "course_key", "duration"
    )
    middles: dict = defaultdict(list)
    for key, days in rows:
        middles[key].append(days)
    return {key: sum(values) / len(values) for key, values in middles.items()}


def overall_median_completion(filters: ReportFilters) -> float | None:
    """The same median (in days) over every course together: one query."""
    values = list(_median_rows(enrolments(filters), None).values_list("duration", flat=True))
    return sum(values) / len(values) if values else None


# ---------------------------------------------------------------------------
# Reach
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Workshops
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Mentoring
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# The admin home: this month against last month
# ---------------------------------------------------------------------------


def month_counts(last: datetime.datetime, this: datetime.datetime, following: datetime.datetime):
    """Five figures for the months [last, this) and [this, following): five queries."""

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
    return {
        "enrolments": two(Enrolment.objects.order_by(), "enrolled_at"),
        "completions": two(Enrolment.objects.order_by(), "completed_at"),
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
