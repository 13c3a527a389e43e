"""Exports read right: every report table as CSV and XLSX, headings in the admin's language."""

import csv
import io

import openpyxl
import pytest
from django.utils import translation
from wagtail.admin.viewsets import viewsets

from tests.conftest import login_with_mfa
from tests.reports.conftest import RANGE, set_admin_language

BASE = "/admin/reports/platform"


def read_csv(response):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(response):
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [[cell.value for cell in row] for row in workbook.active.iter_rows()]


def test_report_tables_download_as_csv_and_xlsx_in_english(admin_client, world):
    """The CSV and the XLSX carry the page's rows as numbers, under English headings."""
    url = f"{BASE}/reach/?{RANGE}&table=provinces&export="
    rows = read_csv(admin_client.get(url + "csv"))
    assert rows == [
        ["Province", "Learners", "Organisations"],
        ["Phnom Penh", "7", "1"],
        ["Kampong Cham", "3", "1"],
        ["Siemreap", "1", "1"],
    ]
    sheet = read_xlsx(admin_client.get(url + "xlsx"))
    assert sheet == [
        ["Province", "Learners", "Organisations"],
        ["Phnom Penh", 7, 1],
        ["Kampong Cham", 3, 1],
        ["Siemreap", 1, 1],
    ]
    funnel = read_xlsx(admin_client.get(f"{BASE}/learning/?{RANGE}&table=funnel&export=xlsx"))
    assert funnel[0] == [
        "Course",
        "Enrolled",
        "Started",
        "Half-way",
        "Completed",
        "Certified",
        "Completion rate",
        "Median days to complete",
    ]
    assert funnel[2] == ["Financial management", 6, 4, 3, 2, 1, 33.3, 15]


def test_report_exports_in_khmer_keep_numbers_as_numbers(khmer_admin_client, world):
    """Khmer headings and names; figures stay machine-readable digits for spreadsheets."""
    url = f"{BASE}/reach/?{RANGE}&table=provinces&export="
    rows = read_csv(khmer_admin_client.get(url + "csv"))
    assert rows[0] == ["ខេត្ត/រាជធានី", "អ្នកសិក្សា", "អង្គការ"]
    assert rows[1] == ["រាជធានីភ្នំពេញ", "7", "1"]
    sheet = read_xlsx(khmer_admin_client.get(url + "xlsx"))
    assert sheet[0] == ["ខេត្ត/រាជធានី", "អ្នកសិក្សា", "អង្គការ"]
    assert sheet[1] == ["រាជធានីភ្នំពេញ", 7, 1]


def test_every_report_table_has_an_export(admin_client, world):
    """Each table on each page downloads; an unknown table is not found."""
    for slug, keys in {
        "learning": ["over-time", "funnel"],
        "reach": ["provinces", "organisations", "focus-areas", "languages"],
        "workshops": ["over-time", "hosts", "courses"],
        "mentoring": ["rounds", "pairs", "at-risk", "feedback"],
    }.items():
        for key in keys:
            rows = read_csv(admin_client.get(f"{BASE}/{slug}/?{RANGE}&table={key}&export=csv"))
            assert rows[0] and all(heading for heading in rows[0]), (slug, key)
    response = admin_client.get(f"{BASE}/reach/?{RANGE}&table=nope&export=csv")
    # Not found (the site's locale middleware turns admin 404s into a redirect).
    assert response.status_code in (302, 404)
    assert "text/csv" not in response.get("Content-Type", "")


def project_exports():
    from django.urls import reverse

    reverse("wagtailadmin_home")  # loading the admin's URLs registers its viewsets
    return [
        v
        for v in viewsets.viewsets
        if isinstance(getattr(v, "list_export", None), list | tuple)
        and v.list_export
        and not type(v).__module__.startswith("wagtail.")
    ]


def test_every_project_export_names_each_column_in_khmer_and_english():
    """No export falls back to a raw field path, and every heading is translated."""
    exporting = project_exports()
    assert len(exporting) >= 8
    for viewset in exporting:
        headings = viewset.export_headings if isinstance(viewset.export_headings, dict) else {}
        missing = [field for field in viewset.list_export if field not in headings]
        assert not missing, (viewset, missing)
        for field in viewset.list_export:
            with translation.override("en"):
                english = str(viewset.export_headings[field])
            with translation.override("km"):
                khmer = str(viewset.export_headings[field])
            assert "." not in english and "_" not in english, (viewset, field, english)
            assert khmer != english or english.isupper(), (viewset, field, english)


@pytest.mark.parametrize("language", ["en", "km"])
def test_enrolment_export_has_progress_in_the_admins_language(
    client, report_admin, world, language
):
    """Lessons done of the course's total, percent and last activity, under translated
    headings, in both CSV (streamed) and XLSX."""
    set_admin_language(report_admin, language)
    login_with_mfa(client, report_admin)
    rows = read_csv(client.get("/admin/enrolments/?export=csv"))
    headings = {
        "en": [
            "Learner's e-mail address",
            "Course",
            "Enrolled at",
            "Completed at",
            "Lessons done",
            "Lessons in the course",
            "Progress (%)",
            "Last activity",
        ],
        "km": [
            "អាសយដ្ឋានអ៊ីមែលរបស់អ្នកសិក្សា",
            "វគ្គសិក្សា",
        ],
    }[language]
    assert rows[0][: len(headings)] == headings
    assert len(rows[0]) == 8
    by_email = {(row[0], row[1]): row for row in rows[1:]}
    l3 = by_email[("l3@example.org", "Financial management")]
    assert l3[4:7] == ["2", "4", "50"]
    l1 = by_email[("l1@example.org", "Financial management")]
    assert l1[4:7] == ["4", "4", "100"]
    sheet = read_xlsx(client.get("/admin/enrolments/?export=xlsx"))
    assert sheet[0] == rows[0]
    l4 = next(r for r in sheet if r[0] == "l4@example.org" and r[1] == "Financial management")
    assert l4[4:7] == [1, 4, 25]
    assert l4[7] is not None


def test_organisation_csv_streams_khmer_headings(khmer_admin_client, world):
    """The streamed CSV keeps the admin's language after the view has returned."""
    rows = read_csv(khmer_admin_client.get("/admin/organisations/?export=csv"))
    assert rows[0][:3] == ["ឈ្មោះជាភាសាខ្មែរ", "ឈ្មោះជាភាសាអង់គ្លេស", "ខេត្ត/រាជធានី"]


def test_matching_round_csv_header_follows_the_admin_language(khmer_admin_client, world):
    """The round CSV's header and its status words are in Khmer for a Khmer admin."""
    matching_round = world.pairs["P1"].round
    response = khmer_admin_client.get(f"/admin/mentoring/rounds/{matching_round.pk}/export.csv")
    rows = read_csv(response)
    assert rows[0][:4] == ["ស្ថានភាព", "សំណើ", "អង្គការ", "ខេត្ត/រាជធានី"]
    assert all(not cell.isascii() for cell in rows[0])
