"""A person's certificates in their data export, and what is left when they leave."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.files.storage import storages
from django.db import transaction
from django.utils import timezone

from ..models import Certificate, NameConfirmation
from .audit import Action, record
from .links import verify_url
from .revocation import status_changed

if TYPE_CHECKING:
    from accounts.models import User


def personal_data(user: User) -> list[dict]:
    return [
        {
            "code": c.code,
            "kind": c.kind,
            "name": c.recipient_name,
            "title_km": c.title_km,
            "title_en": c.title_en,
            "hours": str(c.hours) if c.hours is not None else None,
            "issued_at": c.issued_at.isoformat(),
            "status": c.status,
            "revoked_reason": c.revoked_reason,
            "verification_url": verify_url(c),
            "pdf_sha256": c.pdf_sha256,
        }
        for c in Certificate.objects.filter(recipient=user).order_by("issued_at")
    ]


def erase_for_deleted_account(user: User) -> None:
    """Before an account is deleted: remove the PDFs and the name, keep a revoked stub.

    The stub (no name, no file, no credential) lets someone who checks an old
    link learn that the certificate was withdrawn rather than never existed.
    """
    storage = storages["private"]
    for certificate in Certificate.objects.select_for_update().filter(recipient=user):
        for name in {certificate.pdf_name} - {""}:
            transaction.on_commit(lambda name=name: storage.delete(name))
        certificate.recipient = None
        certificate.recipient_name = ""
        certificate.recipient_name_alt = ""
        certificate.credential = ""
        certificate.payload = ""
        certificate.pdf_name = ""
        certificate.render_state = Certificate.RenderState.WAITING
        certificate.is_current = False
        if certificate.status != Certificate.Status.REVOKED:
            certificate.status = Certificate.Status.REVOKED
            certificate.revoked_at = timezone.now()
            certificate.revoked_reason = "The holder deleted their account."
        certificate.save()
        record(certificate, Action.ERASED)
        status_changed(certificate)
    NameConfirmation.objects.filter(user=user).delete()
