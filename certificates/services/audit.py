"""The audit trail: every change to a certificate records an event."""

from __future__ import annotations

from ..models import Certificate, CertificateEvent

Action = CertificateEvent.Action


def record(certificate: Certificate, action: str, actor=None, note: str = "") -> None:
    CertificateEvent.objects.create(
        certificate=certificate, action=action, actor=actor, note=note[:2000]
    )
