"""The learning report: enrolments, completions, certificates and the funnel."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import charts, queries
from .. import formatting as fmt
from ..filters import ReportFilters
from .figures import (
    DAYS,
    PERCENT,
    ROWS_SHOWN,
    TEXT,
    Column,
    Figure,
    Headline,
    Report,
    Table,
    _days,
    _line,
    _series_table,
)


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
    medians, median = queries.completion_medians(filters)
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
