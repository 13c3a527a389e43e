"""The MFA secrets allauth stores, encrypted at rest.

allauth keeps each TOTP key and each recovery-code seed in the
``mfa_authenticator`` table and passes them through its adapter's
``encrypt``/``decrypt`` on the way in and out. Ours encrypts them with
Fernet (AES-128-CBC with an HMAC, from ``cryptography``), so a copy of the
database alone cannot mint second-factor codes.

Keys come from ``MFA_ENCRYPTION_KEYS``: the first encrypts, every key
decrypts, so a key is rotated by putting a new one first and running
``manage.py reencrypt_mfa_secrets``. Production refuses to start without
it; elsewhere one key is derived from ``SECRET_KEY``. Values are stored as
``fernet:<token>``; a value without the prefix was stored before encryption
and is read as it is until it is re-encrypted.
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "fernet:"

# What each kind of authenticator keeps secret in its ``data``.
SECRET_FIELDS = {"totp": "secret", "recovery_codes": "seed"}


def derived_key(secret_key: str) -> bytes:
    """A Fernet key derived from ``SECRET_KEY``, for development and tests."""
    raw = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"cso-academy mfa secrets"
    ).derive(secret_key.encode())
    return base64.urlsafe_b64encode(raw)


def keys() -> list[bytes]:
    configured = [key.strip().encode() for key in settings.MFA_ENCRYPTION_KEYS if key.strip()]
    if configured:
        return configured
    if not settings.SECRET_KEY:
        raise ImproperlyConfigured("MFA_ENCRYPTION_KEYS (or at least SECRET_KEY) must be set.")
    return [derived_key(settings.SECRET_KEY)]


def _fernet() -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys()])
    except ValueError as exc:
        raise ImproperlyConfigured(f"MFA_ENCRYPTION_KEYS holds an invalid key: {exc}") from exc


def encrypt(text: str) -> str:
    return PREFIX + _fernet().encrypt(text.encode()).decode()


def decrypt(value: str) -> str:
    """The secret in ``value``; raises ``InvalidToken`` if no key opens it."""
    if not value.startswith(PREFIX):
        return value  # stored before encryption
    return _fernet().decrypt(value.removeprefix(PREFIX).encode()).decode()


def reencrypt(value: str) -> str:
    """``value`` encrypted with the newest key (plain values are encrypted)."""
    if not value.startswith(PREFIX):
        return encrypt(value)
    token = _fernet().rotate(value.removeprefix(PREFIX).encode())
    return PREFIX + token.decode()


def reencrypt_all(authenticators) -> int:
    """Re-encrypt the secret of every authenticator in ``authenticators``
    (a queryset, historical models included); returns how many changed."""
    changed = 0
    for authenticator in authenticators.filter(type__in=SECRET_FIELDS).iterator():
        field = SECRET_FIELDS[authenticator.type]
        value = (authenticator.data or {}).get(field)
        if not isinstance(value, str):
            continue
        new = reencrypt(value)
        if new != value:
            authenticator.data[field] = new
            authenticator.save(update_fields=["data"])
            changed += 1
    return changed


__all__ = ["InvalidToken", "decrypt", "encrypt", "reencrypt", "reencrypt_all"]
