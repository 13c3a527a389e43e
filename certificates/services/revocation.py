"""Revoking a certificate, and reissuing one with a corrected name."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import notices
from ..models import Certificate
from .access import can_revoke
from .audit import Action, record
from .issuing import snapshot
from .pdfs import enqueue_render
from .sealing import seal

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def revoke(user: User, certificate: Certificate, *, reason: str) -> Certificate:
    if not can_revoke(user):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the certificate is revoked.")})
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.is_revoked:
        raise ValidationError(_("This certificate is already revoked."))
    certificate.status = Certificate.Status.REVOKED
    certificate.revoked_at = timezone.now()
    certificate.revoked_reason = reason
    certificate.revoked_by = user
    certificate.save(
        update_fields=["status", "revoked_at", "revoked_reason", "revoked_by", "updated_at"]
    )
    record(certificate, Action.REVOKED, actor=user, note=reason)
    status_changed(certificate)
    notices.revoked(certificate)
    return certificate


def status_changed(certificate: Certificate) -> None:
    from .. import status

    status.changed(certificate)


@transaction.atomic
def reissue(user: User, certificate: Certificate, *, name: str, reason: str = "") -> Certificate:
    """Replace a certificate after a correction of the name: revoke it, issue a new one.

    The new certificate copies every snapshot but the name, gets a new token
    and code, and the old one points to it.
    """
    if not can_revoke(user):
        raise PermissionDenied
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Enter the corrected name.")})
    old = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if old.replaced_by_id:
        raise ValidationError(_("This certificate was already replaced."))
    if old.status == Certificate.Status.AWAITING_NAME:
        raise ValidationError(_("The learner has not confirmed their name yet."))
    reason = reason.strip() or _("Reissued with a corrected name.")
    was_valid = old.status == Certificate.Status.VALID
    old.is_current = False
    if was_valid:
        old.status = Certificate.Status.REVOKED
        old.revoked_at = timezone.now()
        old.revoked_reason = reason
        old.revoked_by = user
    old.save(
        update_fields=[
            "is_current",
            "status",
            "revoked_at",
            "revoked_reason",
            "revoked_by",
            "updated_at",
        ]
    )
    new = Certificate.objects.create(
        **snapshot(old),
        recipient_name=name,
        issued_at=timezone.now(),
        status=Certificate.Status.VALID,
    )
    old.replaced_by = new
    old.save(update_fields=["replaced_by", "updated_at"])
    record(old, Action.REISSUED, actor=user, note=f"{reason} → {new.code}")
    status_changed(old)
    record(new, Action.ISSUED, actor=user, note=f"Replaces {old.code}")
    seal(new)
    enqueue_render(new)
    notices.reissued(new)
    return new
