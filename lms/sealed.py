"""Sealed payloads: what must travel through the task queue, encrypted.

With the database task backend, a task's arguments are stored in the
``django_tasks_db_dbtaskresult`` table, where a database backup would keep
them. An e-mail often carries a secret (a password-reset link, a sign-in
code, a verification key, an invitation link), so the message is sealed
before it is queued and opened only by the task that sends it.

Sealing is Fernet (AES-128-CBC with an HMAC) under a key derived from
``SECRET_KEY``, which lives in the environment, never in the database.
Payloads sealed under a key in ``SECRET_KEY_FALLBACKS`` still open, so a
queued e-mail survives a key rotation.

Secrets the site only has to recognise (an invitation link, a calendar-feed
address) are not kept at all: ``new_secret`` makes one, and the database keeps
its ``digest``, an HMAC-SHA256 under another key derived from ``SECRET_KEY``.
A database backup alone cannot turn a digest back into a working link, nor
check guesses against it. ``digests`` gives the digest under every key in use,
so lookups go on working through a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

INFO = b"cso-academy sealed task payloads"
DIGEST_INFO = b"cso-academy secret digests"


def _derive(secret_key: str, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(
        secret_key.encode()
    )


def _key(secret_key: str) -> bytes:
    return base64.urlsafe_b64encode(_derive(secret_key, INFO))


def _secret_keys() -> list[str]:
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [key for key in keys if key]


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(_key(secret)) for secret in _secret_keys()])


def seal(payload: dict) -> str:
    """``payload`` (JSON-ready) as an opaque token."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return _fernet().encrypt(data).decode()


def unseal(token: str) -> dict:
    """The payload sealed in ``token``; raises ``cryptography.fernet.InvalidToken``."""
    return json.loads(_fernet().decrypt(token.encode()))


def new_secret() -> str:
    """A new URL-safe secret of 256 random bits."""
    return secrets.token_urlsafe(32)


def _digest(secret: str, secret_key: str) -> str:
    return hmac.new(_derive(secret_key, DIGEST_INFO), secret.encode(), hashlib.sha256).hexdigest()


def digest(secret: str) -> str:
    """What the database keeps of ``secret``: 64 hex digits, under the current key."""
    return _digest(secret, settings.SECRET_KEY)


def digests(secret: str) -> list[str]:
    """``secret``'s digest under the current key and every fallback, to look it up by."""
    return [_digest(secret, key) for key in _secret_keys()]
