from django.conf import settings
from django.core.checks import Error, Tags, register


@register(Tags.security, deploy=True)
def check_mfa_encryption_keys(app_configs, **kwargs):
    """Stored MFA secrets need their own keys in production, and every key must parse."""
    from cryptography.fernet import Fernet

    keys = [key.strip() for key in settings.MFA_ENCRYPTION_KEYS if key.strip()]
    if not keys:
        return [
            Error(
                "MFA_ENCRYPTION_KEYS is not set; MFA secrets are encrypted with a key "
                "derived from SECRET_KEY.",
                hint="Set it to a Fernet key (see the README's configuration table).",
                id="accounts.E001",
            )
        ]
    errors = []
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except ValueError:
            errors.append(
                Error(
                    f"MFA_ENCRYPTION_KEYS: key {position} is not a Fernet key "
                    "(32 bytes, URL-safe base64).",
                    id="accounts.E002",
                )
            )
    return errors
