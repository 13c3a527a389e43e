from django.conf import settings
from django.core.checks import Error, Tags, register
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
