"""The learner's own pages: list, name confirmation, download, share, and the
dashboard, navigation and personal-data hooks."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings

from certificates.models import Certificate
from certificates.services import pdfs, revocation

from .conftest import ENGLISH_TITLE, pdf_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_pdf")]

LIST = "/en/certificates/"


def test_my_certificates_lists_download_and_share(user_client, certificate):
    body = user_client.get(LIST).content.decode()
    assert ENGLISH_TITLE in body
    assert f"/en/certificates/{certificate.pk}/download/" in body
    assert f"/en/certificates/{certificate.pk}/" in body
    assert certificate.code in body


def test_the_list_speaks_khmer(user_client, certificate):
    body = user_client.get("/km/certificates/").content.decode()
    assert "វិញ្ញាបនបត្ររបស់ខ្ញុំ" in body


def test_share_page_gives_the_verification_link_and_qr(user_client, certificate):
    body = user_client.get(f"/en/certificates/{certificate.pk}/").content.decode()
    assert f"https://academy.example.org/verify/{certificate.token}/" in body
    assert "<svg" in body


def test_download_serves_the_stored_pdf_to_its_owner(user_client, certificate):
    response = user_client.get(f"/en/certificates/{certificate.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"certificate-{certificate.code}.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content) == pdf_bytes(certificate)


def test_another_learner_cannot_download_my_pdf(client, other_user, certificate):
    """Someone else gets 404, as if the certificate did not exist; so does the detail page."""
    client.force_login(other_user)
    assert client.get(f"/en/certificates/{certificate.pk}/download/").status_code == 404
    assert client.get(f"/en/certificates/{certificate.pk}/").status_code == 404
    assert certificate.title_en not in client.get(LIST).content.decode()


def test_anonymous_visitors_are_sent_to_sign_in(client, certificate):
    response = client.get(f"/en/certificates/{certificate.pk}/download/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_admin_may_download_any_pdf(admin_client, certificate):
    response = admin_client.get(f"/en/certificates/{certificate.pk}/download/")
    assert response.status_code == 200


def test_name_confirmation_before_the_first_certificate(user_client, user, issue):
    certificate = issue(user)
    body = user_client.get(LIST).content.decode()
    assert "Confirm the name for your certificate" in body
    form = user_client.get("/en/certificates/confirm-name/").content.decode()
    assert 'value="Sokha"' in form  # the display name, until a legal name is given

    missing_tick = user_client.post("/en/certificates/confirm-name/", {"legal_name": "Chan Sokha"})
    assert missing_tick.status_code == 200
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.AWAITING_NAME

    response = user_client.post(
        "/en/certificates/confirm-name/", {"legal_name": "Chan Sokha", "confirm": "on"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.recipient_name == "Chan Sokha"
    assert certificate.status == Certificate.Status.VALID


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_being_prepared_then_ready(user_client, confirmed, issue):
    """While the worker renders, the page says so and refreshes itself."""
    certificate = issue(confirmed)
    body = user_client.get(LIST).content.decode()
    assert "Being prepared" in body
    assert 'http-equiv="refresh"' in body
    assert f"/{certificate.pk}/download/" not in body
    assert user_client.get(f"/en/certificates/{certificate.pk}/download/").status_code == 404

    pdfs.render(certificate.pk)
    body = user_client.get(LIST).content.decode()
    assert f"/{certificate.pk}/download/" in body
    assert 'http-equiv="refresh"' not in body


def test_revoked_certificate_points_to_its_replacement(
    user_client, certificate, admin_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        new = revocation.reissue(admin_user, certificate, name="Chan Sokha Srey")
    body = user_client.get(f"/en/certificates/{certificate.pk}/").content.decode()
    assert "Revoked" in body
    assert f"/en/certificates/{new.pk}/" in body


def test_dashboard_panel_and_navigation(user_client, certificate):
    body = user_client.get("/en/dashboard/").content.decode()
    assert "My certificates" in body
    assert ENGLISH_TITLE in body
    assert 'href="/en/certificates/"' in body


def test_personal_data_export_lists_my_certificates(certificate, user):
    from lms import hooks

    data = hooks.personal_data(user)["certificates"]
    assert data[0]["code"] == certificate.code
    assert data[0]["verification_url"].endswith(f"/verify/{certificate.token}/")
    json.dumps(data)


def test_deleting_the_account_erases_the_name_and_the_pdf(
    certificate, user, client, django_capture_on_commit_callbacks
):
    """The PDF and the name go; the verification page says the certificate was withdrawn."""
    from django.core.files.storage import storages

    from lms import hooks

    name = certificate.pdf_name
    with django_capture_on_commit_callbacks(execute=True):
        hooks.before_account_deletion(user)
    certificate.refresh_from_db()
    assert certificate.recipient_id is None
    assert certificate.recipient_name == "" and certificate.credential == ""
    assert not storages["private"].exists(name)
    body = client.get(f"/verify/{certificate.token}/?lang=en").content.decode()
    assert "This certificate has been revoked" in body
    assert "Chan Sokha" not in body
