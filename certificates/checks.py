from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security, deploy=True)
def check_signing_key(app_configs, **kwargs):
    """The signing key must parse; production has no fallback (see signing.py)."""
    from .signing import parse_private_key

    value = settings.CERTIFICATES_SIGNING_KEY
    if not value:
        if not getattr(settings, "CERTIFICATES_DEV_KEY_FILE", None):
            return [
                Error(
                    "CERTIFICATES_SIGNING_KEY is not set.",
                    hint="Set it to base64 of a 32-byte Ed25519 seed (see docs/certificates.md).",
                    id="certificates.E001",
                )
            ]
        return []
    try:
        parse_private_key(value)
    except (ImproperlyConfigured, ValueError) as exc:
        return [Error(f"CERTIFICATES_SIGNING_KEY is invalid: {exc}", id="certificates.E002")]
    return []


@register(Tags.compatibility, deploy=True)
def check_qr_code_size(app_configs, **kwargs):
    """A long SITE_URL makes every QR code denser: keep it at version 10 or below."""
    from django.conf import settings

    from .credentials import MESSAGE_LENGTH, PAYLOAD_PREFIX
    from .qr import version

    payload = PAYLOAD_PREFIX + "." + "A" * -(-(MESSAGE_LENGTH + 64) * 8 // 5)
    url = f"{settings.SITE_URL.rstrip('/')}/verify/{'A' * 27}/#{payload}"
    if version(url) > 10:
        return [
            Warning(
                f"SITE_URL makes certificate QR codes version {version(url)} (above 10).",
                hint="A shorter site address keeps the printed QR code easy to scan.",
                id="certificates.W001",
            )
        ]
    return []
