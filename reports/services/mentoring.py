"""The mentoring report: rounds, pairs, pairs at risk and feedback."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from .. import formatting as fmt
from .. import queries
from ..filters import CAMBODIA, ReportFilters
from .figures import (
    DATE,
    TEXT,
    Column,
    Figure,
    Headline,
    Report,
    Table,
    _bars,
)


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
