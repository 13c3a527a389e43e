"""Donor reports: asked for in the admin, rendered in the background, served to staff only."""

import io
import os
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from reports.models import DonorReport
from reports.tasks import render_donor_report

DONOR_URL = "/admin/reports/platform/donor/"


def ask(client, **fields):
    data = {
        "title": "Q1 2025 for our donors",
        "language": "en",
        "start": "2025-01-01",
        "end": "2025-03-31",
        **fields,
    }
    return client.post(DONOR_URL, data)


def download(client, report) -> bytes:
    response = client.get(f"{DONOR_URL}{report.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    content = b"".join(response.streaming_content)
    if os.environ.get("REPORTS_KEEP_PDF"):  # to look at it: REPORTS_KEEP_PDF=/tmp/donor
        with open(f"{os.environ['REPORTS_KEEP_PDF']}-{report.language}.pdf", "wb") as handle:
            handle.write(content)
    return content


def pypdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def pdftotext(content: bytes) -> str:
    """Poppler's reading of the PDF (an implementation independent of pypdf)."""
    executable = shutil.which("pdftotext")
    if executable is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own PDF on stdin
        [executable, "-layout", "-", "-"], input=content, capture_output=True, check=True
    )
    return result.stdout.decode()


def test_the_task_gets_the_id_and_the_editor_gets_the_pdf_when_ready(
    admin_client, world, settings, django_capture_on_commit_callbacks
):
    """Asking queues one task carrying only the report's id; until it runs the list says
    "Being prepared"; once it has run, the list and the admin home offer the PDF."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(admin_client).status_code == 302
    report = DonorReport.objects.get()
    [queued] = default_task_backend.results
    assert list(queued.args) == [str(report.pk)] and not queued.kwargs
    page = admin_client.get(DONOR_URL).content.decode()
    assert "Being prepared" in page and "/download/" not in page

    assert render_donor_report.call(str(report.pk)) == "ready"
    report.refresh_from_db()
    assert report.state == "ready" and report.size > 0
    assert "reports/" in report.pdf_name and not os.path.isabs(report.pdf_name)
    page = admin_client.get(DONOR_URL).content.decode()
    assert f"{DONOR_URL}{report.pk}/download/" in page
    home = admin_client.get("/admin/").content.decode()
    assert "Your donor report is ready" in home


def test_english_pdf_has_headline_figures_tables_and_small_cells(
    admin_client, world, django_capture_on_commit_callbacks
):
    """The English PDF prints the period, the headline figures and the tables, and shows
    provinces and organisations with fewer than five learners as "< 5"."""
    with django_capture_on_commit_callbacks(execute=True):
        ask(admin_client)
    report = DonorReport.objects.get()
    assert report.state == "ready", report.error
    content = download(admin_client, report)
    text = pypdf_text(content)
    assert "Q1 2025 for our donors" in text
    assert "1 Jan 2025 to 31 Mar 2025" in text
    assert re.search(r"12\s+Learners", text)
    assert re.search(r"Phnom Penh\s+7\s+1", text), text
    assert re.search(r"Kampong Cham\s+< 5\s+1", text)
    assert re.search(r"Siemreap\s+< 5\s+1", text)
    assert re.search(r"Phnom Penh Legal Aid\s+Phnom Penh\s+7", text)
    assert re.search(r"Kampong Cham Women\s+Kampong Cham\s+< 5", text)
    assert re.search(r"Financial\s+management\s+6\s+4\s+3\s+2\s+1\s+33%\s+15.0", text), text
    assert "fewer than 5 people" in text
    assert len(re.findall(r"<\s?5", pdftotext(content))) >= 6


def test_khmer_pdf_for_a_set_of_courses_uses_khmer_words_and_numerals(
    admin_client, world, django_capture_on_commit_callbacks
):
    """A Khmer report narrowed to one funded course reads in Khmer with Khmer digits."""
    course = world.courses["B"]
    with django_capture_on_commit_callbacks(execute=True):
        ask(
            admin_client,
            language="km",
            title="របាយការណ៍ត្រីមាសទី១",
            courses=[str(course.translation_key)],
        )
    report = DonorReport.objects.get()
    assert report.state == "ready", report.error
    # Poppler puts spaces between some Khmer glyph clusters; compare without spaces.
    text = re.sub(r"\s+", "", pdftotext(download(admin_client, report)))
    assert "របាយការណ៍ត្រីមាសទី១" in text
    assert "Digitalsecurity" in text and "Financialmanagement" not in text
    assert "ការចុះឈ្មោះ" in text
    assert "២០២៥" in text  # the year in the period, in Khmer digits
    assert "Digitalsecurity៦១១១១១៧%៣,០" in text, text
    assert "<៥" in text


def test_bad_request_changes_nothing(admin_client, world):
    """An end before the start is refused with a message and no report is made."""
    response = ask(admin_client, start="2025-03-31", end="2025-01-01")
    assert response.status_code == 400
    assert "The end date must not be before the start date." in response.content.decode()
    assert not DonorReport.objects.exists()


def test_pdf_tables_align_words_to_the_start_and_figures_to_the_end(
    admin_client, world, django_capture_on_commit_callbacks
):
    """A province beside an organisation's name starts under its heading, as a word; only
    figures line up on the right (read from Poppler's layout of the page)."""
    with django_capture_on_commit_callbacks(execute=True):
        ask(admin_client)
    layout = pdftotext(download(admin_client, DonorReport.objects.get())).splitlines()
    columns = re.compile(r"Organisation\s+Province\s+Learners")
    heading = next(line for line in layout if columns.search(line))
    row = next(line for line in layout if "Phnom Penh Legal Aid" in line)
    province_at = row.index("Phnom Penh", row.index("Legal Aid"))
    assert abs(province_at - heading.index("Province")) <= 1, (heading, row)
    assert abs(row.rstrip().rindex("7") - (heading.rstrip().rindex("s"))) <= 1, (heading, row)
