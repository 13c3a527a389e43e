"""Every spreadsheet export neutralises formulas, reads as UTF-8 and is never cached."""

import csv
import io

import openpyxl
from wagtail.admin.viewsets import viewsets

from accounts.factories import OrganisationFactory
from lms.exports import SafeExportIndexView, safe_cell

HOSTILE = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def test_safe_cell_quotes_formula_starts_and_keeps_everything_else():
    """A cell that a spreadsheet would run as a formula reads back as text; others are as given."""
    for value in HOSTILE:
        assert safe_cell(value) == "'" + value
    for value in ("Sokha", "ស្រីមុំ", "", "1-2", -5, 3.5, None):
        assert safe_cell(value) == value


def test_every_admin_listing_with_an_export_uses_the_safe_writer():
    """A listing added later with ``list_export`` cannot bypass the formula-safe writer."""
    exporting = [
        v
        for v in viewsets.viewsets
        if getattr(v, "list_export", None) and not type(v).__module__.startswith("wagtail.")
    ]
    assert exporting, "the project's admin listings export"
    for viewset in exporting:
        assert issubclass(viewset.index_view_class, SafeExportIndexView), viewset


def test_organisation_export_as_csv_and_xlsx_shows_formulas_as_text(staff_client):
    """Read back by Python's csv module and by openpyxl, a hostile name is plain text."""
    for name in HOSTILE:
        OrganisationFactory(name_en=name)
    response = staff_client.get("/admin/organisations/?export=csv")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content)
    assert body.startswith("\ufeff".encode()), "spreadsheets read Khmer as UTF-8"
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    names = {row[1] for row in rows[1:]}
    assert names == {"'" + name for name in HOSTILE}

    response = staff_client.get("/admin/organisations/?export=xlsx")
    assert "no-store" in response["Cache-Control"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    cells = [sheet.cell(row=r, column=2) for r in range(2, sheet.max_row + 1)]
    # XML turns a bare CR into LF; the cell is still the text that was typed.
    assert {c.value for c in cells} == {name.replace("\r", "\n") for name in HOSTILE}
    assert all(c.data_type == "s" for c in cells), "no cell is stored as a formula"
