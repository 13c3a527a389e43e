"""Reports as figures: headline numbers, charts and tables, in the reader's language.

A :class:`Report` is what a report page shows, what its CSV and XLSX
exports contain and what the donor PDF prints: the same :class:`Table` rows
feed all three. Tables keep raw values (numbers, dates) for the exports and
format them for people on the way out, so the numbers in a chart, the table
under it and the spreadsheet agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from .. import charts
from .. import formatting as fmt

ROWS_SHOWN = 25  # longer tables show their first rows; the downloads have them all


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
