"""Reports as figures: headline numbers, charts and tables, in the reader's language.

A :class:`Report` is what a report page shows, what its CSV and XLSX
exports contain and what the donor PDF prints: the same :class:`Table` rows
feed all three. Tables keep raw values (numbers, dates) for the exports and
format them for people on the way out, so the numbers in a chart, the table
under it and the spreadsheet agree.
"""

from __future__ import annotations

import datetime
import logging
import time
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from accounts.geo import province_name
from accounts.taxonomy import FocusAreaCode, LanguageCode

from . import charts, freshness, queries
from . import formatting as fmt
from .filters import CAMBODIA, ReportFilters, day_start, month_start, today
from .models import DonorReport

logger = logging.getLogger(__name__)

PERMISSION = "reports.view_reports"
ORGANISATIONS_SHOWN = 25
HOSTS_SHOWN = 10
ROWS_SHOWN = 25  # longer tables show their first rows; the downloads have them all


def may_view_reports(user) -> bool:
    """Platform staff with the reports permission (superusers have every permission)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(PERMISSION))


def check_may_view_reports(user) -> None:
    if not may_view_reports(user):
        raise PermissionDenied


# ---------------------------------------------------------------------------
# Figures
# ---------------------------------------------------------------------------

TEXT, COUNT, PEOPLE, PERCENT, DAYS, DATE = "text", "count", "people", "percent", "days", "date"


@dataclass
class Column:
    label: str
    kind: str = COUNT  # PEOPLE counts people: the donor report hides small cells

    @property
    def numeric(self) -> bool:
        return self.kind not in (TEXT, DATE)


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list]
    note: str = ""
    shown: int | None = None  # rows the page shows (the export has all)

    def formatted(self, *, small_cells: bool = False, language: str | None = None):
        rows = self.rows if self.shown is None else self.rows[: self.shown]
        return [
            [
                _format(value, column, small_cells, language)
                for value, column in zip(row, self.columns, strict=True)
            ]
            for row in rows
        ]

    @property
    def hidden_rows(self) -> int:
        return 0 if self.shown is None else max(0, len(self.rows) - self.shown)

    def export_rows(self):
        for row in self.rows:
            yield [_export(value, column) for value, column in zip(row, self.columns, strict=True)]


def _format(value, column: Column, small_cells: bool, language):
    if column.kind == TEXT:
        return "" if value is None else str(value)
    if column.kind == DATE:
        return fmt.date_label(value, language) if value else fmt.DASH
    if column.kind == PERCENT:
        return fmt.percent(value, 0, language)
    if column.kind == DAYS:
        return fmt.number(value, 1, language) if value is not None else fmt.DASH
    if column.kind == PEOPLE and small_cells:
        return fmt.small(value, language)
    return fmt.number(value, 0, language)


def _export(value, column: Column):
    if value is None:
        return ""
    if column.kind in (PERCENT, DAYS):
        return round(value, 1)
    return value


@dataclass
class Figure:
    table: Table
    chart: object = None  # SVG markup, or None for a table alone


@dataclass
class Headline:
    label: str
    value: str
    detail: str = ""
    url: str = ""


@dataclass
class Report:
    slug: str
    title: str
    headline: list[Headline] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def table(self, key: str) -> Table:
        for figure in self.figures:
            if figure.table.key == key:
                return figure.table
        raise Http404


def _days(value: float | None) -> float | None:
    return value


def _series_table(filters, key, title, series: dict[str, dict], labels: dict[str, str]):
    periods = filters.periods()
    rows = [
        [fmt.period_label(p, filters.period), *(series[name].get(p, 0) for name in labels)]
        for p in periods
    ]
    period_column = _("Week of") if filters.period == "week" else _("Month")
    columns = [Column(period_column, TEXT), *(Column(label) for label in labels.values())]
    return Table(key, title, columns, rows)


def _line(chart_id, table: Table, description: str):
    labels = [row[0] for row in table.rows]
    series = [
        charts.Series(column.label, [row[i + 1] for row in table.rows])
        for i, column in enumerate(table.columns[1:])
    ]
    return charts.line_chart(chart_id, table.title, description, labels, series, fmt.number)


def _bars(chart_id, title, description, items, *, small_cells=False):
    """``items``: (label, value) pairs in rank order."""
    bars = []
    for label, value in items:
        hidden = small_cells and 0 < value < fmt.SMALL_CELL
        shown = fmt.small(value) if small_cells else fmt.number(value)
        bars.append(charts.Bar(label, 0 if hidden else value, shown))
    return charts.bar_chart(chart_id, title, description, bars)


def _total_description(label: str, total: int) -> str:
    return _("%(what)s: %(total)s in all.") % {"what": label, "total": fmt.number(total)}


# ---------------------------------------------------------------------------
# Learning
# ---------------------------------------------------------------------------


def learning_report(filters: ReportFilters) -> Report:
    report = Report("learning", _("Learning"))
    labels = {
        "enrolments": _("Enrolments"),
        "completions": _("Completions"),
        "certificates": _("Certificates"),
    }
    series = queries.learning_series(filters)
    over_time = _series_table(
        filters, "over-time", _("Enrolments, completions and certificates"), series, labels
    )
    totals = {name: sum(values.values()) for name, values in series.items()}
    description = "; ".join(f"{labels[name]}: {fmt.number(totals[name])}" for name in labels)
    report.figures.append(Figure(over_time, _line("learning-over-time", over_time, description)))

    courses = queries.funnel(filters)
    medians = queries.median_completion(filters)
    titles = queries.course_titles(courses)
    stage_labels = {
        "enrolled": _("Enrolled"),
        "started": _("Started"),
        "halfway": _("Half-way"),
        "completed": _("Completed"),
        "certified": _("Certified"),
    }
    all_courses = dict.fromkeys(queries.FUNNEL_STAGES, 0)
    for stages in courses.values():
        for stage, n in stages.items():
            all_courses[stage] += n
    funnel_rows = sorted(
        (
            [
                titles.get(key, str(key)),
                *(stages[s] for s in queries.FUNNEL_STAGES),
                fmt.share(stages["completed"], stages["enrolled"]),
                _days(medians.get(key)),
            ]
            for key, stages in courses.items()
        ),
        key=lambda row: (-row[1], row[0]),
    )
    funnel_table = Table(
        "funnel",
        _("Funnel by course"),
        [
            Column(_("Course"), TEXT),
            *(Column(label) for label in stage_labels.values()),
            Column(_("Completion rate"), PERCENT),
            Column(_("Median days to complete"), DAYS),
        ],
        funnel_rows,
        note=_(
            "Learners who enrolled in the period. Started: at least one lesson done; "
            "half-way: half of the course's lessons done; certified: a certificate stands."
        ),
        shown=ROWS_SHOWN,
    )
    enrolled = all_courses["enrolled"]
    funnel_items = [(label, all_courses[stage]) for stage, label in stage_labels.items()]
    funnel_chart = charts.bar_chart(
        "learning-funnel",
        _("From enrolment to certificate"),
        "; ".join(
            f"{label}: {fmt.number(n)} ({fmt.percent(fmt.share(n, enrolled))})"
            for label, n in funnel_items
        ),
        [
            charts.Bar(label, n, f"{fmt.number(n)} · {fmt.percent(fmt.share(n, enrolled))}")
            for label, n in funnel_items
        ],
    )
    report.figures.append(Figure(funnel_table, funnel_chart))
    median = queries.overall_median_completion(filters)
    report.headline = [
        Headline(labels["enrolments"], fmt.number(totals["enrolments"])),
        Headline(labels["completions"], fmt.number(totals["completions"])),
        Headline(labels["certificates"], fmt.number(totals["certificates"])),
        Headline(
            _("Completion rate"),
            fmt.percent(fmt.share(all_courses["completed"], enrolled)),
            _("of learners who enrolled in the period"),
        ),
        Headline(_("Median days to complete"), fmt.number(median, 1)),
    ]
    return report


# ---------------------------------------------------------------------------
# Reach
# ---------------------------------------------------------------------------


def reach_report(filters: ReportFilters, *, small_cells: bool = False, full: bool = False):
    report = Report("reach", _("Reach"))
    totals = queries.reach_totals(filters)
    provinces = queries.reach_by_province(filters)
    province_rows = [
        [province_name(r["province"]), r["learners"], r["organisations"]] for r in provinces
    ]
    province_table = Table(
        "provinces",
        _("Learners by province"),
        [Column(_("Province"), TEXT), Column(_("Learners"), PEOPLE), Column(_("Organisations"))],
        province_rows,
        note=_("Learners count in the province of each organisation they belong to."),
    )
    report.figures.append(
        Figure(
            province_table,
            _bars(
                "reach-provinces",
                province_table.title,
                _total_description(_("Learners with an organisation"), totals["members"]),
                [(row[0], row[1]) for row in province_rows],
                small_cells=small_cells,
            ),
        )
    )
    organisations = queries.reach_by_organisation(
        filters, limit=None if full else ORGANISATIONS_SHOWN
    )
    report.figures.append(
        Figure(
            Table(
                "organisations",
                _("Learners by organisation"),
                [
                    Column(_("Organisation"), TEXT),
                    Column(_("Province"), TEXT),
                    Column(_("Learners"), PEOPLE),
                ],
                [[r["name"], province_name(r["province"]), r["learners"]] for r in organisations],
                note=(
                    ""
                    if full
                    else _("The %(count)s organisations with most learners.")
                    % {"count": fmt.number(ORGANISATIONS_SHOWN)}
                ),
            )
        )
    )
    focus = queries.reach_by_focus_area(filters)
    focus_rows = [
        [str(FocusAreaCode(r["code"]).label), r["learners"], r["organisations"]] for r in focus
    ]
    focus_table = Table(
        "focus-areas",
        _("Learners by focus area"),
        [Column(_("Focus area"), TEXT), Column(_("Learners"), PEOPLE), Column(_("Organisations"))],
        focus_rows,
        note=_("An organisation with several focus areas counts under each."),
    )
    report.figures.append(
        Figure(
            focus_table,
            _bars(
                "reach-focus-areas",
                focus_table.title,
                _total_description(_("Learners with an organisation"), totals["members"]),
                [(row[0], row[1]) for row in focus_rows],
                small_cells=small_cells,
            ),
        )
    )
    languages = queries.reach_by_language(filters)
    language_rows = [[_language_label(r["language"]), r["learners"]] for r in languages]
    language_table = Table(
        "languages",
        _("Learners by language"),
        [Column(_("Language"), TEXT), Column(_("Learners"), PEOPLE)],
        language_rows,
        note=_("The language each learner uses the platform in."),
    )
    report.figures.append(
        Figure(
            language_table,
            _bars(
                "reach-languages",
                language_table.title,
                _total_description(_("Learners"), totals["learners"]),
                [(row[0], row[1]) for row in language_rows],
                small_cells=small_cells,
            ),
        )
    )
    report.headline = [
        Headline(_("Learners"), fmt.number(totals["learners"]), _("enrolled in the period")),
        Headline(_("Organisations"), fmt.number(totals["organisations"])),
        Headline(_("Provinces"), fmt.number(totals["provinces"])),
        Headline(
            _("Learners with an organisation"),
            fmt.percent(fmt.share(totals["members"], totals["learners"])),
        ),
    ]
    return report


def _language_label(code: str) -> str:
    try:
        return str(LanguageCode(code).label)
    except ValueError:
        return code


# ---------------------------------------------------------------------------
# Workshops
# ---------------------------------------------------------------------------


def _workshop_row(label, r):
    return [
        label,
        r["scheduled"],
        r["held"],
        r["registered"] or 0,
        r["attended"] or 0,
        fmt.share(r["registered_attended"] or 0, r["registered"] or 0),
        r["minutes"] or 0,
    ]


def _workshop_columns(first: str):
    return [
        Column(first, TEXT),
        Column(_("Scheduled")),
        Column(_("Held")),
        Column(_("Registered")),
        Column(_("Attended")),
        Column(_("Attendance rate"), PERCENT),
        Column(_("Minutes attended")),
    ]


def workshops_report(filters: ReportFilters) -> Report:
    report = Report("workshops", _("Workshops"))
    series = queries.workshop_series(filters)
    labels = {"scheduled": _("Scheduled"), "held": _("Held"), "attended": _("Attended")}
    by_kind = {
        name: {period: values[name] or 0 for period, values in series.items()} for name in labels
    }
    over_time = _series_table(filters, "over-time", _("Workshops and attendance"), by_kind, labels)
    total = {
        name: sum((r[name] or 0) for r in series.values())
        for name in (
            "scheduled",
            "held",
            "registered",
            "attended",
            "registered_attended",
            "minutes",
        )
    }
    report.figures.append(
        Figure(
            over_time,
            _line(
                "workshops-over-time",
                over_time,
                "; ".join(f"{labels[n]}: {fmt.number(total[n])}" for n in labels),
            ),
        )
    )
    hosts = queries.workshops_by_host(filters)
    host_table = Table(
        "hosts",
        _("By host"),
        _workshop_columns(_("Host")),
        [_workshop_row(r["host__display_name"] or _("No host"), r) for r in hosts],
        shown=ROWS_SHOWN,
    )
    report.figures.append(
        Figure(
            host_table,
            _bars(
                "workshops-hosts",
                _("People attending, by host"),
                _total_description(_("People attending"), total["attended"]),
                [(row[0], row[4]) for row in host_table.rows[:HOSTS_SHOWN]],
            ),
        )
    )
    courses = queries.workshops_by_course(filters)
    titles = queries.course_titles([r["course__translation_key"] for r in courses])
    report.figures.append(
        Figure(
            Table(
                "courses",
                _("By course"),
                _workshop_columns(_("Course")),
                [
                    _workshop_row(
                        titles.get(r["course__translation_key"], _("No course"))
                        if r["course__translation_key"]
                        else _("No course"),
                        r,
                    )
                    for r in courses
                ],
                shown=ROWS_SHOWN,
            )
        )
    )
    report.headline = [
        Headline(_("Scheduled"), fmt.number(total["scheduled"]), _("starting in the period")),
        Headline(_("Held"), fmt.number(total["held"])),
        Headline(_("Attended"), fmt.number(total["attended"]), _("people, each workshop counted")),
        Headline(
            _("Attendance rate"),
            fmt.percent(fmt.share(total["registered_attended"], total["registered"])),
            _("of people who registered"),
        ),
        Headline(
            _("Minutes per attendee"),
            fmt.number(total["minutes"] / total["attended"] if total["attended"] else None),
        ),
    ]
    report.notes.append(
        _(
            "Attended: present long enough to count toward a course. Attendance rate: "
            "people who registered and attended, of everyone who registered."
        )
    )
    if filters.narrows_people:
        report.notes.append(
            _("With a province or organisation chosen, only its members' attendance counts.")
        )
    return report


# ---------------------------------------------------------------------------
# Mentoring
# ---------------------------------------------------------------------------


def mentoring_report(filters: ReportFilters, now: datetime.datetime | None = None) -> Report:
    from mentoring.models import MatchingRound, Side

    now = now or timezone.now()
    report = Report("mentoring", _("Mentoring"))
    rounds = queries.rounds(filters)
    statuses = dict(MatchingRound.Status.choices)
    report.figures.append(
        Figure(
            Table(
                "rounds",
                _("Matching rounds"),
                [
                    Column(_("Round"), TEXT),
                    Column(_("Status"), TEXT),
                    Column(_("Opened"), DATE),
                    Column(_("Proposed")),
                    Column(_("Accepted")),
                    Column(_("Declined")),
                    Column(_("Awaiting an answer")),
                    Column(_("Unmatched requests")),
                ],
                [
                    [
                        r["name"],
                        str(statuses.get(r["status"], r["status"])),
                        r["created_at"].astimezone(CAMBODIA).date(),
                        r["proposed"],
                        r["accepted"],
                        r["declined"],
                        r["waiting"],
                        r["unmatched_count"] or 0,
                    ]
                    for r in rounds
                ],
                note=_("Rounds opened in the period. Accepted: both organisations accepted."),
            )
        )
    )
    totals = queries.pair_totals(filters, now)
    state_labels = {
        "active": _("Active now"),
        "at_risk": _("At risk now"),
        "started": _("Started in the period"),
        "completed": _("Completed in the period"),
        "ended": _("Ended early in the period"),
    }
    pairs_table = Table(
        "pairs",
        _("Mentoring pairs"),
        [Column(_("Pairs"), TEXT), Column(pgettext("how many", "Number"))],
        [[label, totals[key]] for key, label in state_labels.items()],
        note=_("At risk: active for over %(days)s days without a check-in in the last %(days)s.")
        % {"days": fmt.number(queries.AT_RISK_DAYS)},
    )
    report.figures.append(
        Figure(
            pairs_table,
            _bars(
                "mentoring-pairs",
                pairs_table.title,
                "; ".join(f"{row[0]}: {fmt.number(row[1])}" for row in pairs_table.rows),
                [(row[0], row[1]) for row in pairs_table.rows],
            ),
        )
    )
    at_risk = queries.pairs_at_risk(filters, now)
    today_pp = now.astimezone(CAMBODIA).date()
    report.figures.append(
        Figure(
            Table(
                "at-risk",
                _("Pairs at risk"),
                [
                    Column(_("Mentoring organisation"), TEXT),
                    Column(_("Organisation mentored"), TEXT),
                    Column(_("Active since"), DATE),
                    Column(_("Last check-in"), DATE),
                    Column(_("Days without a check-in")),
                ],
                [
                    [
                        r["mentor"],
                        r["mentee"],
                        r["activated_at"].astimezone(CAMBODIA).date(),
                        r["last_check_in"],
                        (
                            today_pp
                            - (r["last_check_in"] or r["activated_at"].astimezone(CAMBODIA).date())
                        ).days,
                    ]
                    for r in at_risk
                ],
                note=_("The 50 pairs silent longest."),
            )
        )
    )
    ratings = queries.feedback(filters)
    sides = [Side.MENTEE, Side.MENTOR]
    feedback_rows = [
        [
            fmt.digits(f"{rating} / 5"),
            *(ratings.get((side, rating), 0) for side in sides),
        ]
        for rating in range(5, 0, -1)
    ]
    count = sum(ratings.values())
    average = sum(r * n for (_side, r), n in ratings.items()) / count if count else None
    feedback_table = Table(
        "feedback",
        _("Feedback scores"),
        [
            Column(_("Rating"), TEXT),
            Column(_("From mentored organisations")),
            Column(_("From mentoring organisations")),
        ],
        feedback_rows,
        note=_("Feedback given in the period, when a pair completed."),
    )
    report.figures.append(
        Figure(
            feedback_table,
            _bars(
                "mentoring-feedback",
                feedback_table.title,
                _("Average rating: %(average)s of 5, from %(count)s answers.")
                % {"average": fmt.number(average, 1), "count": fmt.number(count)},
                [(row[0], row[1] + row[2]) for row in feedback_rows],
            ),
        )
    )
    report.headline = [
        Headline(state_labels["active"], fmt.number(totals["active"])),
        Headline(state_labels["at_risk"], fmt.number(totals["at_risk"])),
        Headline(state_labels["completed"], fmt.number(totals["completed"])),
        Headline(_("Average rating"), fmt.number(average, 1), _("of 5")),
    ]
    if filters.courses:
        report.notes.append(_("Mentoring is not tied to courses: the course filter is ignored."))
    return report


REPORTS = {
    "learning": learning_report,
    "reach": reach_report,
    "workshops": workshops_report,
    "mentoring": mentoring_report,
}


def build_report(slug: str, filters: ReportFilters, **options) -> Report:
    """The report ``slug`` for ``filters`` in the active language, cached per data version.

    Reports are computed from aggregates over the whole platform: once per
    version of the data (``reports.freshness``), then read from the cache.
    """
    language = translation.get_language()
    return freshness.cached(
        f"report-{slug}",
        (filters, language, sorted(options.items()), charts.for_weasyprint_active()),
        lambda: REPORTS[slug](filters, **options),
    )


# ---------------------------------------------------------------------------
# The admin home: this month against last month
# ---------------------------------------------------------------------------


@dataclass
class MonthFigure:
    label: str
    this: int
    last: int
    report: str

    @property
    def change(self) -> int:
        return self.this - self.last

    @property
    def change_label(self) -> str:
        sign = "+" if self.change > 0 else ""
        return fmt.digits(sign) + fmt.number(self.change) if self.change else fmt.number(0)


def month_figures(on: datetime.date | None = None) -> list[MonthFigure]:
    """This month's figures against last month's, cached per data version."""
    on = on or today()
    return freshness.cached(
        "month-figures", (on, translation.get_language()), lambda: _month_figures(on)
    )


def _month_figures(on: datetime.date) -> list[MonthFigure]:
    this = month_start(on)
    last = month_start(on, 1)
    following = month_start(datetime.date(this.year, this.month, 28) + datetime.timedelta(days=7))
    counts = queries.month_counts(day_start(last), day_start(this), day_start(following))
    labels = [
        ("enrolments", _("Enrolments"), "learning"),
        ("completions", _("Completions"), "learning"),
        ("certificates", _("Certificates issued"), "learning"),
        ("attendance", _("Workshop attendance"), "workshops"),
        ("pairs", _("Active mentoring pairs"), "mentoring"),
    ]
    return [
        MonthFigure(label, counts[key]["this"], counts[key]["last"], report)
        for key, label, report in labels
    ]


# ---------------------------------------------------------------------------
# Donor reports
# ---------------------------------------------------------------------------


def get_donor_report_for_user(user, pk) -> DonorReport:
    """The donor report ``pk`` if ``user`` may see reports; 404 otherwise."""
    if not may_view_reports(user):
        raise Http404
    try:
        return DonorReport.objects.get(pk=pk)
    except (DonorReport.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def request_donor_report(
    user,
    *,
    title: str,
    language: str,
    start: datetime.date,
    end: datetime.date,
    course_keys=(),
    province: str = "",
    organisation=None,
) -> DonorReport:
    """Record the request and queue the PDF; the task receives the report's id only."""
    check_may_view_reports(user)
    if end < start:
        raise ValidationError(_("The end date must not be before the start date."))
    report = DonorReport.objects.create(
        title=title,
        language=language,
        start=start,
        end=end,
        course_keys=[str(key) for key in course_keys],
        province=province,
        organisation=organisation,
        requested_by=user,
    )
    from .tasks import render_donor_report

    report_id = str(report.pk)
    transaction.on_commit(lambda: render_donor_report.enqueue(report_id))
    return report


def donor_filters(report: DonorReport) -> ReportFilters:
    import uuid

    return ReportFilters(
        start=report.start,
        end=report.end,
        period="week" if (report.end - report.start).days <= 92 else "month",
        courses=tuple(uuid.UUID(key) for key in report.course_keys),
        province=report.province,
        organisation=report.organisation_id,
    )


def donor_content(report: DonorReport) -> dict:
    """Everything the donor PDF prints, in the report's language (call inside it)."""
    filters = donor_filters(report)
    with charts.for_weasyprint():
        learning = build_report("learning", filters)
        reach = build_report("reach", filters, small_cells=True)
        workshops = build_report("workshops", filters)
        mentoring = build_report("mentoring", filters)
    headline = [
        *reach.headline[:3],
        *learning.headline[:3],
        learning.headline[3],
        workshops.headline[1],
        workshops.headline[2],
        mentoring.headline[0],
        mentoring.headline[2],
    ]
    titles = queries.course_titles(filters.courses) if filters.courses else {}
    scope = [titles.get(key, str(key)) for key in filters.courses]
    if report.province:
        scope.append(province_name(report.province))
    if report.organisation_id and report.organisation:
        scope.append(report.organisation.display_name)
    sections = [
        (learning.title, [learning.figures[0], learning.figures[1]]),
        (reach.title, reach.figures),
        (workshops.title, [workshops.figures[0], workshops.figures[2]]),
        (mentoring.title, [mentoring.figures[1], mentoring.figures[3]]),
    ]
    return {
        "report": report,
        "period": fmt.range_label(report.start, report.end),
        "scope": scope,
        "headline": headline,
        "sections": [
            {
                "title": title,
                "figures": [
                    {
                        "table": figure.table,
                        "rows": figure.table.formatted(small_cells=True),
                        "chart": figure.chart,
                    }
                    for figure in figures
                ],
            }
            for title, figures in sections
        ],
        "notes": [*workshops.notes],
        "small_cell": fmt.digits(str(fmt.SMALL_CELL)),
        "generated": fmt.date_label(today()),
    }


def render_donor_report(report_id: str) -> DonorReport | None:
    """Render and store the PDF of ``report_id``; a failure is recorded on the report."""
    from .pdf import render_pdf

    report = DonorReport.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:
        return None
    started = time.perf_counter()
    try:
        with translation.override(report.language):
            pdf = render_pdf(donor_content(report))
        storage = storages["private"]
        name = storage.save(f"reports/{report.pk}.pdf", ContentFile(pdf))
    except Exception as exc:
        logger.exception("Rendering donor report %s failed", report_id)
        DonorReport.objects.filter(pk=report.pk).update(
            state=DonorReport.State.FAILED, error=str(exc)[:2000]
        )
        raise
    report.pdf_name = name
    report.size = len(pdf)
    report.state = DonorReport.State.READY
    report.error = ""
    report.rendered_at = timezone.now()
    report.render_seconds = time.perf_counter() - started
    report.save(
        update_fields=["pdf_name", "size", "state", "error", "rendered_at", "render_seconds"]
    )
    return report


def open_donor_report_pdf(report: DonorReport):
    if not report.is_ready:
        raise Http404
    return storages["private"].open(report.pdf_name, "rb")


def recent_ready_reports(user, limit: int = 3) -> list[DonorReport]:
    """The user's donor reports that became ready in the last week: one query."""
    since = timezone.now() - datetime.timedelta(days=7)
    return list(
        DonorReport.objects.filter(
            requested_by=user, state=DonorReport.State.READY, rendered_at__gte=since
        )[:limit]
    )
