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
"""

from __future__ import annotations

import base64
import json

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

INFO = b"cso-academy sealed task payloads"


def _key(secret_key: str) -> bytes:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw)


def _fernet() -> MultiFernet:
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet([Fernet(_key(secret)) for secret in secrets if secret])


def seal(payload: dict) -> str:
    """``payload`` (JSON-ready) as an opaque token."""
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    return _fernet().encrypt(data).decode()


def unseal(token: str) -> dict:
    """The payload sealed in ``token``; raises ``cryptography.fernet.InvalidToken``."""
    return json.loads(_fernet().decrypt(token.encode()))
