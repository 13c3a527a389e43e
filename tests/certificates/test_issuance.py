"""Issuing certificates: exactly once, after the name is confirmed, rendered in
the background with retries, and for both organisations of a mentoring pair."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from django.db import connection
from django.test import override_settings

from accounts.factories import MembershipFactory, OrganisationFactory
from certificates.models import Certificate, CertificateEvent, RenderedPdf
from certificates.services import access, issuing, pdfs

from .conftest import ENGLISH_TITLE, KHMER_TITLE, make_course

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_pdf")]


def test_issuing_twice_returns_the_same_certificate(certificate, make_enrolment, confirmed):
    again = issuing.issue_for(make_enrolment(confirmed))
    assert again.pk == certificate.pk
    assert Certificate.objects.count() == 1
    assert RenderedPdf.objects.count() == 1


def test_the_certificate_snapshots_names_titles_and_issuer(certificate):
    assert certificate.recipient_name == "Chan Sokha"
    assert certificate.title_km == KHMER_TITLE
    assert certificate.title_en == ENGLISH_TITLE
    assert certificate.issuer_name_en == "CSO Academy"
    assert certificate.status == Certificate.Status.VALID
    assert len(certificate.token) >= 22  # 160 random bits, base64url
    assert len(certificate.pdf_sha256) == 64
    assert list(certificate.events.values_list("action", flat=True)) == ["rendered", "issued"]


def test_first_certificate_waits_for_the_learner_to_confirm_their_name(user, issue):
    """No PDF is printed with a name the learner has not seen."""
    certificate = issue(user)
    assert certificate.status == Certificate.Status.AWAITING_NAME
    assert certificate.recipient_name == ""
    assert certificate.render_state == Certificate.RenderState.WAITING
    assert not certificate.credential

    released = issuing.confirm_name(user, legal_name="  Chan   Sokha ")
    assert [c.pk for c in released] == [certificate.pk]
    certificate.refresh_from_db()
    user.refresh_from_db()
    assert user.legal_name == "Chan Sokha"
    assert certificate.recipient_name == "Chan Sokha"
    assert certificate.status == Certificate.Status.VALID
    assert certificate.credential and certificate.payload


def test_later_certificates_use_the_confirmed_name_at_once(confirmed, issue):
    first = issue(confirmed)
    second = issue(confirmed, course=make_course("សុវត្ថិភាពកុមារ", "Safeguarding"))
    assert first.pk != second.pk
    assert second.status == Certificate.Status.VALID
    assert second.render_state == Certificate.RenderState.READY


def test_a_changed_legal_name_is_confirmed_again(confirmed, issue):
    confirmed.legal_name = "Chan Sokha Srey"
    confirmed.save(update_fields=["legal_name"])
    assert issue(confirmed).status == Certificate.Status.AWAITING_NAME


@override_settings(TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}})
def test_until_the_worker_runs_the_pdf_is_being_prepared(confirmed, issue):
    certificate = issue(confirmed)
    assert certificate.render_state == Certificate.RenderState.PENDING
    assert not certificate.is_ready


def test_a_failed_render_is_retried_then_shown_as_failed(confirmed, issue, monkeypatch, settings):
    """Every attempt is booked; after the last one the admin sees the failure and its error."""
    settings.CERTIFICATES_RENDER_MAX_ATTEMPTS = 3
    calls = []

    def broken(certificate):
        calls.append(certificate.pk)
        raise OSError("disk full")

    monkeypatch.setattr(pdfs, "render_pdf_bytes", broken)
    certificate = issue(confirmed)
    assert len(calls) == 3
    assert certificate.render_state == Certificate.RenderState.FAILED
    assert certificate.render_attempts == 3
    assert "disk full" in certificate.render_error
    assert certificate.events.filter(action=CertificateEvent.Action.RENDER_FAILED).count() == 3

    monkeypatch.undo()
    pdfs.render(certificate.pk, force=True)
    certificate.refresh_from_db()
    assert certificate.render_state == Certificate.RenderState.READY


@pytest.mark.real_pdf
def test_a_transient_failure_recovers_on_retry(confirmed, issue, monkeypatch):
    real = pdfs.render_pdf_bytes
    attempts = []

    def flaky(certificate):
        attempts.append(1)
        if len(attempts) == 1:
            raise TimeoutError("font cache busy")
        return real(certificate)

    monkeypatch.setattr(pdfs, "render_pdf_bytes", flaky)
    certificate = issue(confirmed)
    assert len(attempts) == 2
    assert certificate.render_state == Certificate.RenderState.READY


def test_rerendering_keeps_old_hashes_genuine(
    certificate, admin_user, django_capture_on_commit_callbacks
):
    old_hash = certificate.pdf_sha256
    with django_capture_on_commit_callbacks(execute=True):
        pdfs.request_rerender(admin_user, certificate)
    certificate.refresh_from_db()
    assert certificate.render_state == Certificate.RenderState.READY
    assert RenderedPdf.objects.filter(certificate=certificate).count() == 2
    assert RenderedPdf.objects.filter(sha256=old_hash).exists()


@pytest.mark.real_pdf
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers and refuses lock upgrades; CI runs this on PostgreSQL",
)
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_completions_make_one_certificate_and_one_pdf(user, course_page, settings):
    """The completion hook fired 50 times at once: one row, one render, one file."""
    from courses.factories import EnrolmentFactory

    issuing.confirm_name(user, legal_name="Chan Sokha")
    enrolment = EnrolmentFactory(user=user, course=course_page)
    barrier = threading.Barrier(50)
    results, errors = [], []

    def complete():
        try:
            barrier.wait(timeout=30)
            results.append(issuing.issue_for(enrolment).pk)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=complete) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert len(results) == 50 and len(set(results)) == 1
    assert Certificate.objects.count() == 1
    certificate = Certificate.objects.get()
    assert certificate.render_state == Certificate.RenderState.READY
    assert RenderedPdf.objects.count() == 1
    assert certificate.events.filter(action="issued").count() == 1
    pdfs = list(Path(settings.STORAGES["private"]["OPTIONS"]["location"]).rglob("*.pdf"))
    assert [p.name for p in pdfs] == [Path(certificate.pdf_name).name]


def test_a_completed_mentoring_pair_earns_both_organisations_a_certificate(
    user, other_user, django_capture_on_commit_callbacks
):
    """pair_completed issues one certificate to each organisation, once."""
    from mentoring.factories import MentoringPairFactory
    from mentoring.signals import pair_completed

    mentee = OrganisationFactory(
        name_en="Kampot Fisherfolk Association", name_km="សមាគមអ្នកនេសាទកំពត"
    )
    mentor = OrganisationFactory(name_en="Khmer Rights Advocacy Centre", name_km="មជ្ឈមណ្ឌលតស៊ូមតិ")
    MembershipFactory(user=user, organisation=mentee)
    pair = MentoringPairFactory(
        request__organisation=mentee, offer__organisation=mentor, status="completed"
    )
    with django_capture_on_commit_callbacks(execute=True):
        pair_completed.send(sender=None, pair=pair)
        pair_completed.send(sender=None, pair=pair)
    certificates = {c.kind: c for c in Certificate.objects.all()}
    assert set(certificates) == {"mentee", "mentor"}
    received = certificates["mentee"]
    assert received.organisation == mentee
    assert received.recipient_name == "Kampot Fisherfolk Association"
    assert received.recipient_name_alt == "សមាគមអ្នកនេសាទកំពត"
    assert received.title_en == "Khmer Rights Advocacy Centre"
    assert received.render_state == "ready"
    # Members of the organisation see it; others do not.
    assert list(access.certificates_for(user)) == [received]
    assert not access.certificates_for(other_user).exists()


def test_a_course_without_certificates_issues_none(confirmed, issue):
    course = make_course("វគ្គខ្លី", "Taster session", awards_certificate=False)
    from courses.factories import EnrolmentFactory

    assert issuing.issue_for(EnrolmentFactory(user=confirmed, course=course)) is None
    assert not Certificate.objects.exists()


def test_the_english_and_khmer_course_earn_one_certificate(confirmed, issue, course_page):
    """Enrolments are per translation key: the certificate is too."""
    english = course_page.get_translation(
        course_page.locale.__class__.objects.get(language_code="en")
    )
    first = issue(confirmed)
    from courses.models import Enrolment

    through_english = Enrolment(
        pk=99, user=confirmed, course=english, course_key=course_page.translation_key
    )
    assert issuing.issue_for(through_english).pk == first.pk


def test_the_course_completed_signal_issues_a_certificate(
    confirmed, make_enrolment, django_capture_on_commit_callbacks
):
    from certificates import receivers

    with django_capture_on_commit_callbacks(execute=True):
        receivers.on_course_completed(sender=None, enrolment=make_enrolment(confirmed))
    assert Certificate.objects.filter(recipient=confirmed, kind="course").count() == 1


def test_the_unique_constraint_holds_even_without_the_service(certificate):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Certificate.objects.create(
            award_key=certificate.award_key,
            kind="course",
            issued_at=certificate.issued_at,
            issuer_name_km="x",
            issuer_name_en="x",
        )
