"""A learner on a phone finishes a course, confirms the name, waits for the
certificate, downloads it, and opens the verification link from its QR code."""

import pytest
from django.test import Client

from certificates.models import Certificate
from courses import factories

from .pdf_helpers import decode_qr, pdftotext

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def short_course(db):
    factories.catalogue_page("km")
    catalogue = factories.catalogue_page("en")
    course = factories.course_page(
        catalogue,
        title="Writing a safeguarding policy",
        slug="safeguarding",
        summary="Protect the children and adults your organisation works with.",
        languages=["en"],
    )
    factories.lesson_page(course, title="What safeguarding means", slug="meaning")
    return course


def test_finish_a_course_then_download_and_verify_the_certificate(
    page, live_server, user, short_course, settings
):
    settings.SITE_URL = live_server.url
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto("/en/courses/safeguarding/")
    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url("**/safeguarding/meaning/")
    page.get_by_role("button", name="Mark as done").click()

    page.goto("/en/certificates/")
    page.get_by_role("link", name="Confirm my name").first.click()
    page.get_by_label("Name to print on your certificates").fill("Chan Sokha")
    page.get_by_label("I confirm this name is correct").check()
    page.get_by_role("button", name="Confirm and prepare my certificate").click()

    page.wait_for_url("**/en/certificates/")
    download_link = page.get_by_role("link", name="Download PDF")
    download_link.wait_for()  # "being prepared" until the task has rendered it
    with page.expect_download() as download_info:
        download_link.click()
    data = open(download_info.value.path(), "rb").read()  # noqa: PTH123, SIM115

    certificate = Certificate.objects.get(recipient=user)
    assert data.startswith(b"%PDF")
    text = pdftotext(data)
    assert "Chan Sokha" in text and "Writing a safeguarding policy" in text
    assert certificate.code in text

    (qr,) = decode_qr(data)
    assert qr.startswith(f"{live_server.url}/verify/{certificate.token}/#")
    page.goto(qr)
    assert page.locator(".verify-result--valid").is_visible()
    assert "Chan Sokha" in page.locator(".verify-facts").inner_text()
