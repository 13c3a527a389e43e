"""One way to write spreadsheets people download: every CSV and XLSX export goes through here.

Cells a person typed (names, titles, goals) may start with ``=``, ``+``, ``-`` or ``@``;
a spreadsheet program would run such a cell as a formula (OWASP "CSV injection").
:func:`safe_cell` neutralises them with a leading apostrophe, which spreadsheets show as
text. CSV files start with a byte-order mark so that spreadsheet programs read Khmer as
UTF-8, and every export is sent with ``Cache-Control: no-store``: exports carry personal
data and must not stay in shared caches.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from io import BytesIO

from django.http import FileResponse, HttpResponse
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import force_str
from django.utils.text import capfirst
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def safe_cell(value):
    """``value`` as a spreadsheet reads it back: text that could start a formula is quoted.

    Numbers, dates and ``None`` pass through unchanged, so negative numbers stay numbers.
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _no_store(response):
    add_never_cache_headers(response)  # includes no-store and private
    return response


def csv_response(filename: str, header: Iterable, rows: Iterable[Iterable]) -> HttpResponse:
    """A CSV download: BOM, formula-safe cells, never cached. ``filename`` includes ``.csv``."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([force_str(h) for h in header])
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return _no_store(response)


def xlsx_response(
    filename: str, header: Iterable, rows: Iterable[Iterable], sheet_title: str = "Sheet1"
) -> FileResponse:
    """An XLSX download of the same rows; text cells are never read as formulas."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    sheet.append([force_str(h) for h in header])
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value)
            if cell.data_type == "f":
                cell.data_type = "s"
            cells.append(cell)
        sheet.append(cells)
    output = BytesIO()
    workbook.save(output)
    output.seek(0)
    response = FileResponse(
        output, as_attachment=True, content_type=XLSX_CONTENT_TYPE, filename=filename
    )
    return _no_store(response)


class SafeExportIndexView(IndexView):
    """Wagtail's listing export, with formula-safe CSV cells, a BOM and no caching."""

    def write_csv_row(self, writer, row_dict):
        return writer.writerow(
            {
                field: safe_cell(self.preprocess_field_value(field, value, self.FORMAT_CSV))
                for field, value in row_dict.items()
            }
        )

    def stream_csv(self, queryset):
        # The rows are written while the response streams, after the admin has
        # left the user's language: keep it, so headings and labels read right.
        language = translation.get_language()
        rows = super().stream_csv(queryset)

        def in_language():
            with translation.override(language):
                yield "\ufeff"
                yield from rows

        return in_language()

    def as_spreadsheet(self, queryset, spreadsheet_format):
        return _no_store(super().as_spreadsheet(queryset, spreadsheet_format))


def field_headings(model, fields, **others) -> dict:
    """Export headings: each of ``fields``' translated verbose name, and ``others`` as given.

    ``others`` name dotted paths and attributes that are not fields (``user__email``
    for ``user.email``: a keyword cannot hold a dot).
    """
    headings = {name: capfirst(model._meta.get_field(name).verbose_name) for name in fields}
    headings.update({name.replace("__", "."): label for name, label in others.items()})
    return headings


class SafeExportModelViewSet(ModelViewSet):
    """The base for every admin listing that offers an export."""

    index_view_class = SafeExportIndexView
