"""Fixtures for the admin in Khmer: an editor, signed in, and their content."""

import pytest

from tests.conftest import login_with_mfa

from .admin_crawl import build_content


@pytest.fixture
def khmer_editor(db):
    """A superuser who prefers Khmer, with TOTP set up (staff need MFA)."""
    from allauth.mfa.models import Authenticator

    from accounts.factories import UserFactory

    user = UserFactory(
        email="editor@example.org",
        display_name="សុភា",
        preferred_language="km",
        is_staff=True,
        is_superuser=True,
    )
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "unused-in-tests"}
    )
    return user


@pytest.fixture
def khmer_admin(client, khmer_editor):
    """The editor, signed in with MFA completed in the session."""
    login_with_mfa(client, khmer_editor)
    return client


@pytest.fixture
def fast_pdf(monkeypatch):
    """Certificates are issued without WeasyPrint: this test reads admin pages."""
    from certificates.services import pdfs

    monkeypatch.setattr(pdfs, "render_pdf_bytes", lambda certificate: b"%PDF-1.7\n%%EOF\n")


@pytest.fixture
def content(khmer_editor, fast_pdf, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return build_content(khmer_editor)
