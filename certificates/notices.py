"""Telling people about their certificates, through the notifications service.

Called inside the services' transactions: each function defers the notice
until after commit, and names the event so that a retry tells nobody twice.
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse

from accounts.services import representative_ids
from notifications.services import notify, per_language

from .models import Certificate


def _recipients(certificate: Certificate) -> list[int]:
    """The learner, or the representatives of the organisation it was issued to."""
    if certificate.recipient_id:
        return [certificate.recipient_id]
    if certificate.organisation_id:
        return representative_ids(certificate.organisation_id)
    return []


def _tell(kind: str, certificate: Certificate, url: str, **params) -> None:
    certificate_id = certificate.pk
    event = f"certificate:{certificate_id}:{kind}"
    title = per_language(certificate.title_km, certificate.title_en)

    def send():
        fresh = Certificate.objects.filter(pk=certificate_id).first()
        if fresh is None:
            return
        notify(
            kind,
            _recipients(fresh),
            event=event,
            about=f"certificates.certificate:{certificate_id}",
            params={"title": title, **params},
            url=url,
        )

    transaction.on_commit(send)


def issued(certificate: Certificate) -> None:
    _tell(
        "certificate_issued",
        certificate,
        reverse("certificates:detail", args=[certificate.pk]),
    )


def awaiting_name(certificate: Certificate) -> None:
    _tell("certificate_awaiting_name", certificate, reverse("certificates:confirm_name"))


def revoked(certificate: Certificate) -> None:
    _tell(
        "certificate_revoked",
        certificate,
        reverse("certificates:list"),
        reason=certificate.revoked_reason,
    )


def reissued(new: Certificate) -> None:
    _tell("certificate_reissued", new, reverse("certificates:detail", args=[new.pk]))
