"""Only staff with the reports permission see reports, exports and donor PDFs."""

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission

from accounts.factories import UserFactory
from reports.models import DonorReport
from tests.conftest import login_with_mfa
from tests.reports.conftest import RANGE

BASE = "/admin/reports/platform"
URLS = [
    *(f"{BASE}/{slug}/?{RANGE}" for slug in ("learning", "reach", "workshops", "mentoring")),
    f"{BASE}/reach/?{RANGE}&table=provinces&export=csv",
    f"{BASE}/learning/?{RANGE}&table=funnel&export=xlsx",
    f"{BASE}/donor/",
]


@pytest.fixture
def donor_report(db, tmp_path, settings):
    from django.core.files.base import ContentFile
    from django.core.files.storage import storages

    name = storages["private"].save("reports/secret.pdf", ContentFile(b"%PDF-1.7 secret"))
    return DonorReport.objects.create(
        title="Q1", start="2025-01-01", end="2025-03-31", state="ready", pdf_name=name
    )


def editor(with_permission: bool):
    """An admin user (TOTP set up) in a group that may or may not read reports."""
    user = UserFactory(email=f"editor-{with_permission}@example.org")
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": "x"})
    group = Group.objects.create(name=f"Editors {with_permission}")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    if with_permission:
        group.permissions.add(Permission.objects.get(codename="view_reports"))
    user.groups.add(group)
    return user


def test_anonymous_visitors_are_sent_to_sign_in(client, donor_report):
    """No figure, file or form without signing in."""
    for url in [*URLS, f"{BASE}/donor/{donor_report.pk}/download/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accounts/login/" in response["Location"]


def test_learners_get_nothing(client, user, donor_report):
    """A learner (no admin access) is turned away from every report door."""
    client.force_login(user)
    for url in [*URLS, f"{BASE}/donor/{donor_report.pk}/download/"]:
        response = client.get(url)
        assert response.status_code in (302, 403), url
        assert b"secret" not in response.content
    assert client.post(f"{BASE}/donor/", {"title": "x"}).status_code in (302, 403)
    assert not DonorReport.objects.exclude(pk=donor_report.pk).exists()


def test_editors_without_the_permission_are_turned_back_and_see_no_menu(client, donor_report):
    """Admin access alone does not open the reports (Wagtail sends them back to the admin
    home with a message); the permission does."""
    login_with_mfa(client, editor(False))
    for url in [*URLS, f"{BASE}/donor/{donor_report.pk}/download/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == "/admin/"
    assert client.post(f"{BASE}/donor/", {"title": "x"}).status_code == 302
    assert DonorReport.objects.count() == 1
    home = client.get("/admin/").content.decode()
    assert "This month on the platform" not in home
    assert f"{BASE}/learning/" not in home

    login_with_mfa(client, editor(True))
    for url in URLS:
        assert client.get(url).status_code == 200, url
    response = client.get(f"{BASE}/donor/{donor_report.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.7 secret"
