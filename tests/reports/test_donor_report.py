"""Donor reports: asked for in the admin, rendered in the background, served to staff only."""

import datetime
import io
import os
import re

import pytest
from pypdf import PdfReader

from accounts.factories import UserFactory
from reports.models import DonorReport

DONOR_URL = "/admin/reports/platform/donor/"


def ask(client, **fields):
    data = {"title": "Q1 2025 for our donors", "language": "en", "start": "2025-01-01",
            "end": "2025-03-31", **fields}
    return client.post(DONOR_URL, data)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def download(client, report):
    response = client.get(f"{DONOR_URL}{report.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content)


@pytest.mark.django_db(transaction=True)
def test_editor_asks_for_a_donor_report_and_downloads_it_when_ready(admin_client, world, tmp_path):
    """The request queues a task with the report's id; the PDF lands in private storage and
    carries the headline figures, the tables and the small-cell rule."""
    response = ask(admin_client)
    assert response.status_code == 302
    report = DonorReport.objects.get()
    assert report.state == "ready", report.error
    assert not report.pdf_name.startswith("/")
    content = download(admin_client, report)
    if os.environ.get("REPORTS_KEEP_PDF"):
        (tmp_path / "keep").mkdir()
        open(os.environ["REPORTS_KEEP_PDF"] + "-en.pdf", "wb").write(content)
    text = pdf_text(content)
    assert "Q1 2025 for our donors" in text
    assert "1 Jan 2025 to 31 Mar 2025" in text
    # Reach: Phnom Penh has 7 learners; Kampong Cham (3) and Siem Reap (1) are small cells.
    assert re.search(r"Phnom Penh\s+7\s+1", text), text
    assert re.search(r"Kampong Cham\s+< 5\s+1", text)
    assert re.search(r"Siemreap\s+< 5\s+1", text)
    assert "Phnom Penh Legal Aid" in text
    # Funnel: Financial management 6 enrolled, 4 started, 3 half-way, 2 completed, 1 certified.
    assert re.search(r"Financial\s+management\s+6\s+4\s+3\s+2\s+1\s+33%\s+15.0", text), text
    assert "fewer than 5 people" in text
    home = admin_client.get("/admin/").content.decode()
    assert "Your donor report is ready" in home
