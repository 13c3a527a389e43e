"""A report's figures as HTML, written in Python rather than through templates.

A report page shows several tables of up to :data:`~reports.services.ROWS_SHOWN`
rows with their charts; rendered cell by cell through Django's template
engine they cost more than the rest of the page. Here each figure is one
string, every text in it escaped (``conditional_escape``, as a template's
``{{ }}`` does) and the charts, already safe SVG, embedded as they are.
"""

from __future__ import annotations

from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import formatting as fmt

_NUM = ' class="report-num"'


def _table(table, rows) -> str:
    """``rows``: the table's formatted cells; the first cell of a row heads it."""
    esc = conditional_escape
    numeric = [column.numeric for column in table.columns]
    head = "".join(
        f'<th scope="col"{_NUM if column.numeric else ""}>{esc(column.label)}</th>'
        for column in table.columns
    )
    body = []
    for row in rows:
        cells = [f'<th scope="row">{esc(row[0])}</th>'] if row else []
        cells.extend(
            f"<td{_NUM if numeric[i] else ''}>{esc(cell)}</td>"
            for i, cell in enumerate(row[1:], start=1)
        )
        body.append(f"<tr>{''.join(cells)}</tr>")
    if not body:
        nothing = esc(_("Nothing in this period."))
        body.append(f'<tr><td colspan="{len(table.columns)}">{nothing}</td></tr>')
    return (
        f'<table class="listing report-table">'
        f'<caption class="w-sr-only">{esc(table.title)}</caption>'
        f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def figure(figure, csv_url: str, xlsx_url: str) -> SafeString:
    """One figure's section: heading, chart, its table, notes and the two downloads."""
    esc = conditional_escape
    table = figure.table
    key = esc(table.key)
    parts = [
        f'<section class="report-figure" aria-labelledby="figure-{key}">'
        f'<h2 class="w-h2" id="figure-{key}">{esc(table.title)}</h2>'
    ]
    if figure.chart:
        parts.append(f'<div class="report-chart-box">{conditional_escape(figure.chart)}</div>')
    parts.append(
        f'<div class="report-table-box" role="region" tabindex="0" '
        f'aria-labelledby="figure-{key}">{_table(table, table.formatted())}</div>'
    )
    if hidden := table.hidden_rows:
        more = ngettext(
            "%(counter)s more row in the downloads.",
            "%(counter)s more rows in the downloads.",
            hidden,
        ) % {"counter": fmt.number(hidden)}
        parts.append(f'<p class="report-note">{esc(more)}</p>')
    if table.note:
        parts.append(f'<p class="report-note">{esc(table.note)}</p>')
    csv_label, xlsx_label = esc(_("Download CSV")), esc(_("Download XLSX"))
    parts.append(
        f'<p class="report-downloads">'
        f'<a class="button button-small button-secondary" href="{esc(csv_url)}" download>'
        f"{csv_label}</a> "
        f'<a class="button button-small button-secondary" href="{esc(xlsx_url)}" download>'
        f"{xlsx_label}</a></p></section>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def headline(items) -> SafeString:
    """The headline figures as the list at the top of a report."""
    esc = conditional_escape
    rows = []
    for item in items:
        detail = (
            f'<span class="report-headline__detail">{esc(item.detail)}</span>'
            if item.detail
            else ""
        )
        rows.append(
            f'<li><span class="report-headline__value">{esc(item.value)}</span> '
            f'<span class="report-headline__label">{esc(item.label)}</span>{detail}</li>'
        )
    return mark_safe(f'<ul class="report-headline">{"".join(rows)}</ul>')  # noqa: S308


def home_panel(figures, ready, donor_url: str) -> SafeString:
    """The admin home's panel: this month's figures, ready donor reports, the reports' links.

    ``figures``: (figure, this month's number, last month's number, report URL);
    ``ready``: the signed-in person's donor reports that just became ready.
    """
    esc = conditional_escape
    title = esc(_("This month on the platform"))
    last_month = _("Last month: %(last)s (%(change)s)")
    items = "".join(
        f'<li><a href="{esc(url)}">'
        f'<span class="report-headline__value">{esc(this)}</span> '
        f'<span class="report-headline__label">{esc(figure.label)}</span> '
        f'<span class="report-headline__detail">'
        f"{last_month % {'last': esc(last), 'change': esc(figure.change_label)}}</span>"
        f"</a></li>"
        for figure, this, last, url in figures
    )
    is_ready = esc(_("Your donor report is ready:"))
    notices = "".join(
        f'<p class="report-ready">{is_ready} '
        f'<a href="{esc(reverse("reports:download", args=[report.pk]))}">'
        f"{esc(report.title)}</a></p>"
        for report in ready
    )
    all_reports, donor_reports = esc(_("All platform reports")), esc(_("Donor reports"))
    return mark_safe(  # noqa: S308 - every text is escaped above
        f'<link rel="stylesheet" href="{esc(static("reports/reports.css"))}">'
        f'<section class="w-panel report-home" aria-labelledby="report-home-title">'
        f'<h2 class="w-h2" id="report-home-title">{title}</h2>'
        f'<ul class="report-headline">{items}</ul>{notices}'
        f'<p><a href="{esc(reverse("reports:learning"))}">{all_reports}</a> · '
        f'<a href="{esc(donor_url)}">{donor_reports}</a></p></section>'
    )
