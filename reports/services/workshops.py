"""The workshops report: scheduled, held, attendance and minutes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .. import formatting as fmt
from .. import queries
from ..filters import ReportFilters
from .figures import (
    PERCENT,
    ROWS_SHOWN,
    TEXT,
    Column,
    Figure,
    Headline,
    Report,
    Table,
    _bars,
    _line,
    _series_table,
    _total_description,
)

HOSTS_SHOWN = 10


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
    figures = queries.workshop_figures(filters)
    series = figures["series"]
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
    hosts = figures["hosts"]
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
    courses = figures["courses"]
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
