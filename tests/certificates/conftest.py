"""Fixtures for certificates: a course page in two languages, an enrolment, and
helpers to read PDFs."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest
from django.core.files.storage import storages
from pypdf import PdfReader
from wagtail.models import Locale, Page

from certificates import services
from certificates.models import Certificate

KHMER_TITLE = "ការគ្រប់គ្រងហិរញ្ញវត្ថុសម្រាប់អង្គការសង្គមស៊ីវិល"
ENGLISH_TITLE = "Financial management for civil-society organisations"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://academy.example.org"


@pytest.fixture
def course_page(db):
    """A page titled in Khmer with an English translation (stands in for a course)."""
    km = Locale.objects.get_or_create(language_code="km")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    root = Page.get_first_root_node()
    page = root.add_child(instance=Page(title=KHMER_TITLE, slug="finance-course", locale=km))
    translation = page.copy_for_translation(en)
    translation.title = ENGLISH_TITLE
    translation.save_revision().publish()
    return page


@pytest.fixture
def make_enrolment(course_page):
    counter = iter(range(1, 10_000))

    def make(user, course=None):
        return SimpleNamespace(pk=next(counter), user=user, course=course or course_page)

    return make


@pytest.fixture
def confirmed(user):
    """The learner has confirmed the name to print."""
    services.confirm_name(user, legal_name="Chan Sokha")
    return user


@pytest.fixture
def issue(make_enrolment, django_capture_on_commit_callbacks):
    """Issue a course certificate as the completion signal would, running the
    after-commit render task (the immediate backend renders at once)."""

    def issue(user, course=None) -> Certificate:
        with django_capture_on_commit_callbacks(execute=True):
            certificate = services.issue_for(make_enrolment(user, course))
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
    client.force_login(admin_user)
    return client


def as_namespace(**kwargs):
    return SimpleNamespace(**kwargs)
