"""Fixtures for certificates: a course page in two languages, an enrolment, and
helpers to read PDFs."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.files.storage import storages
from pypdf import PdfReader
from wagtail.models import Locale

from certificates.models import Certificate
from certificates.services import issuing, pdfs
from tests.conftest import login_with_mfa

KHMER_TITLE = "ការគ្រប់គ្រងហិរញ្ញវត្ថុសម្រាប់អង្គការសង្គមស៊ីវិល"
ENGLISH_TITLE = "Financial management for civil-society organisations"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://academy.example.org"


def make_course(title_km: str, title_en: str = "", **fields):
    """A published course in Khmer, with its English translation when ``title_en`` is given.

    Placed straight under the tree's root: certificates need a course and its
    translations, not the site's home and catalogue pages (which take most of
    the time to build). The browser test builds the real catalogue.
    """
    from django.utils.text import slugify
    from wagtail.models import Page

    from courses.models import CoursePage

    km = Locale.objects.get_or_create(language_code="km")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    fields.setdefault("slug", slugify(title_en) or f"course-{CoursePage.objects.count() + 1}")
    course = CoursePage(
        title=title_km,
        summary="A short course.",
        estimated_hours=Decimal("12"),
        locale=km,
        **fields,
    )
    Page.get_first_root_node().add_child(instance=course)
    course.save_revision().publish()
    if title_en:
        translation = course.copy_for_translation(en)
        translation.title = title_en
        translation.save_revision().publish()
    course.refresh_from_db()
    return course


@pytest.fixture
def course_page(db):
    """A published course titled in Khmer, with an English translation."""
    return make_course(KHMER_TITLE, ENGLISH_TITLE, slug="finance-course")


@pytest.fixture
def make_enrolment(course_page):
    from courses.factories import EnrolmentFactory
    from courses.models import Enrolment

    def make(user, course=None):
        course = course or course_page
        existing = Enrolment.objects.filter(user=user, course_key=course.translation_key).first()
        return existing or EnrolmentFactory(user=user, course=course)

    return make


@pytest.fixture
def confirmed(user):
    """The learner has confirmed the name to print."""
    issuing.confirm_name(user, legal_name="Chan Sokha")
    return user


@pytest.fixture
def issue(make_enrolment, django_capture_on_commit_callbacks):
    """Issue a course certificate as the completion signal would, running the
    after-commit render task (the immediate backend renders at once)."""

    def issue(user, course=None) -> Certificate:
        with django_capture_on_commit_callbacks(execute=True):
            certificate = issuing.issue_for(make_enrolment(user, course))
        certificate.refresh_from_db()
        return certificate

    return issue


@pytest.fixture
def certificate(confirmed, issue) -> Certificate:
    return issue(confirmed)


def pdf_bytes(certificate: Certificate) -> bytes:
    with storages["private"].open(certificate.pdf_name, "rb") as handle:
        return handle.read()


def pdf_reader(data: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(data))


@pytest.fixture
def admin_user(db):
    from accounts.factories import UserFactory

    return UserFactory(
        email="admin@example.org", display_name="Admin", is_staff=True, is_superuser=True
    )


@pytest.fixture
def admin_client(client, admin_user):
    """A signed-in superuser with TOTP set up (staff must use MFA to reach the admin)."""
    from allauth.mfa.models import Authenticator
    from wagtail.users.models import UserProfile

    Authenticator.objects.create(
        user=admin_user, type=Authenticator.Type.TOTP, data={"secret": "unused-in-tests"}
    )
    profile = UserProfile.get_for_user(admin_user)
    profile.preferred_language = "en"
    profile.save()
    login_with_mfa(client, admin_user)
    return client


@pytest.fixture
def fast_pdf(monkeypatch, request):
    """Stand in for WeasyPrint where a test is about pages and states, not the PDF itself.

    ``test_pdf.py``, the browser test and tests marked ``real_pdf`` render real PDFs.
    """
    if request.node.get_closest_marker("real_pdf"):
        return

    def render(certificate):
        return (
            f"%PDF-1.7\n% stand-in for {certificate.code}: {certificate.recipient_name}\n%%EOF\n"
        ).encode()

    monkeypatch.setattr(pdfs, "render_pdf_bytes", render)
