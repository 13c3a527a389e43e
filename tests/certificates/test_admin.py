"""Certificates in the Wagtail admin: list, search, filter, inspect with the
audit trail, revoke, reissue after a name correction, re-render all."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import override_settings

from accounts.factories import UserFactory
from certificates.models import Certificate, CertificateEvent
from tests.conftest import login_with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_pdf")]

INDEX = "/admin/certificates/"


@pytest.fixture
def second(issue, other_user):
    from certificates.services import issuing

    issuing.confirm_name(other_user, legal_name="Keo Dara")
    return issue(other_user)


def test_list_search_and_filter(admin_client, certificate, second):
    body = admin_client.get(INDEX).content.decode()
    assert certificate.code in body and second.code in body
    found = admin_client.get(INDEX, {"q": "Keo Dara"}).content.decode()
    assert second.code in found and certificate.code not in found
    by_code = admin_client.get(INDEX, {"q": certificate.code}).content.decode()
    assert certificate.code in by_code and second.code not in by_code


def test_filter_by_status(admin_client, certificate, second, admin_user):
    from certificates.services import revocation

    revocation.revoke(admin_user, second, reason="Duplicate")
    body = admin_client.get(INDEX, {"status": "revoked"}).content.decode()
    assert second.code in body and certificate.code not in body


def test_there_is_no_way_to_add_edit_or_delete_by_hand(admin_client, certificate):
    body = admin_client.get(INDEX).content.decode()
    assert "/admin/certificates/new/" not in body
    # No such routes (unknown admin paths fall through to the language redirect).
    assert admin_client.get("/admin/certificates/new/").status_code in (302, 404)
    assert admin_client.get(f"/admin/certificates/edit/{certificate.pk}/").status_code in (302, 404)
    assert Certificate.objects.count() == 1


def test_inspect_shows_the_audit_trail(admin_client, certificate):
    body = admin_client.get(f"/admin/certificates/inspect/{certificate.pk}/").content.decode()
    assert "Audit trail" in body
    assert "Issued" in body and "PDF rendered" in body
    assert certificate.pdf_sha256 in body


def test_revoke_with_a_reason(admin_client, admin_user, certificate):
    url = f"/admin/certificates-actions/{certificate.pk}/revoke/"
    assert admin_client.get(url).status_code == 200
    empty = admin_client.post(url, {"reason": ""})
    assert empty.status_code == 200
    response = admin_client.post(url, {"reason": "Course completed by someone else."})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revoked_by == admin_user
    event = certificate.events.get(action=CertificateEvent.Action.REVOKED)
    assert event.actor == admin_user and "someone else" in event.note


def test_reissue_after_a_name_correction(
    admin_client, admin_user, certificate, client, django_capture_on_commit_callbacks
):
    url = f"/admin/certificates-actions/{certificate.pk}/reissue/"
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(url, {"name": "Chan Sokhoeun", "reason": "Misspelt name"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    new = certificate.replaced_by
    assert new is not None and new.recipient_name == "Chan Sokhoeun"
    assert new.code != certificate.code and new.token != certificate.token
    assert new.render_state == "ready" and new.is_current and not certificate.is_current
    assert certificate.status == Certificate.Status.REVOKED
    old_page = client.get(f"/verify/{certificate.token}/?lang=en").content.decode()
    assert f"/verify/{new.token}/" in old_page
    assert certificate.events.filter(action="reissued", actor=admin_user).exists()


def test_rerender_all_enqueues_a_task_per_certificate(admin_client, certificate, second):
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        assert admin_client.get("/admin/certificates-actions/rerender-all/").status_code == 200
        response = admin_client.post("/admin/certificates-actions/rerender-all/")
        assert response.status_code == 302
        from django_tasks import default_task_backend

        assert len(default_task_backend.results) == 2
    states = set(Certificate.objects.values_list("render_state", flat=True))
    assert states == {"pending"}
    assert CertificateEvent.objects.filter(action="rerender_requested").count() == 2


def test_audit_trail_listing(admin_client, certificate):
    body = admin_client.get("/admin/certificate-events/").content.decode()
    assert certificate.code in body


def test_editors_without_the_permission_cannot_revoke(client, certificate):
    from allauth.mfa.models import Authenticator

    editor = UserFactory(email="editor@example.org", is_staff=True)
    group = Group.objects.create(name="Certificate viewers")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="view_certificate"),
    )
    editor.groups.add(group)
    Authenticator.objects.create(user=editor, type=Authenticator.Type.TOTP, data={"secret": "x"})
    login_with_mfa(client, editor)
    assert client.get(INDEX).status_code == 200
    url = f"/admin/certificates-actions/{certificate.pk}/revoke/"
    assert client.post(url, {"reason": "x"}).status_code in (302, 403)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
