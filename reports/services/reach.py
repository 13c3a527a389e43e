"""The reach report: learners by province, organisation, focus area and language."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accounts.geo import province_name
from accounts.taxonomy import FocusAreaCode, LanguageCode

from .. import formatting as fmt
from .. import queries
from ..filters import ReportFilters
from .figures import (
    PEOPLE,
    TEXT,
    Column,
    Figure,
    Headline,
    Report,
    Table,
    _bars,
    _total_description,
)

ORGANISATIONS_SHOWN = 25


def reach_report(filters: ReportFilters, *, small_cells: bool = False, full: bool = False):
    report = Report("reach", _("Reach"))
    figures = queries.reach(filters, None if full else ORGANISATIONS_SHOWN)
    totals = figures["totals"]
    provinces = figures["provinces"]
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
    organisations = figures["organisations"]
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
    focus = figures["focus_areas"]
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
    languages = figures["languages"]
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
