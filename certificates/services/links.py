"""The public addresses a certificate is verified at (printed, signed and in the QR code)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from ..models import Certificate


def site_url() -> str:
    return settings.SITE_URL.rstrip("/")


def verify_url(certificate: Certificate) -> str:
    return site_url() + reverse("verify:certificate", args=[certificate.token])


def credential_url(certificate: Certificate) -> str:
    return site_url() + reverse("verify:credential", args=[certificate.token])


def issuer_url() -> str:
    return site_url() + reverse("verify:issuer")


def qr_content(certificate: Certificate) -> str:
    """The verification URL, with the signed offline payload in its fragment."""
    return f"{verify_url(certificate)}#{certificate.payload}"
