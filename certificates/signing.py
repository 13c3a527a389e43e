"""The platform's Ed25519 signing key, and signatures made with it.

Production reads the private key from ``CERTIFICATES_SIGNING_KEY`` (base64 of
the 32-byte seed, or a PKCS#8 PEM); ``lms.settings.production`` refuses to start
without it. Every other environment falls back to a key file under ``var/``
(``CERTIFICATES_DEV_KEY_FILE``), generated on first use, so a fresh laptop signs
certificates without any set-up.

Public keys that signed certificates in the past stay verifiable after a key
rotation: list them (base64 of the 32 raw bytes) in
``CERTIFICATES_RETIRED_PUBLIC_KEYS``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from .encoding import b58encode

# Multicodec prefix of an Ed25519 public key (varint 0xed), as used by Multikey.
ED25519_MULTICODEC = b"\xed\x01"


@dataclass(frozen=True)
class PublicKey:
    key: Ed25519PublicKey

    @property
    def raw(self) -> bytes:
        return self.key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)

    @property
    def key_id(self) -> str:
        """A short, stable name for this key: the first 16 hex digits of its SHA-256."""
        return hashlib.sha256(self.raw).hexdigest()[:16]

    @property
    def multibase(self) -> str:
        """``publicKeyMultibase`` of a Multikey document (``z6Mk…``)."""
        return "z" + b58encode(ED25519_MULTICODEC + self.raw)

    @property
    def pem(self) -> str:
        return self.key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ).decode()

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            self.key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class SigningKey:
    private: Ed25519PrivateKey

    @property
    def public(self) -> PublicKey:
        return PublicKey(self.private.public_key())

    def sign(self, message: bytes) -> bytes:
        return self.private.sign(message)


def parse_private_key(value: str | bytes) -> Ed25519PrivateKey:
    """An Ed25519 private key from a PEM, or from base64 of its 32-byte seed."""
    if isinstance(value, str):
        value = value.strip().encode()
    if value.startswith(b"-----BEGIN"):
        key = serialization.load_pem_private_key(value, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ImproperlyConfigured("CERTIFICATES_SIGNING_KEY must be an Ed25519 key.")
        return key
    try:
        seed = base64.b64decode(value + b"=" * (-len(value) % 4), altchars=b"-_", validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ImproperlyConfigured("CERTIFICATES_SIGNING_KEY is not valid base64.") from exc
    if len(seed) != 32:
        raise ImproperlyConfigured(
            "CERTIFICATES_SIGNING_KEY must be base64 of a 32-byte Ed25519 seed (or a PEM)."
        )
    return Ed25519PrivateKey.from_private_bytes(seed)


def parse_public_key(value: str | bytes) -> PublicKey:
    """A public key from a PEM, or from base64 of its 32 raw bytes."""
    if isinstance(value, str):
        value = value.strip().encode()
    if value.startswith(b"-----BEGIN"):
        key = serialization.load_pem_public_key(value)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError("Not an Ed25519 public key.")
        return PublicKey(key)
    raw = base64.b64decode(value + b"=" * (-len(value) % 4), altchars=b"-_")
    return PublicKey(Ed25519PublicKey.from_public_bytes(raw))


def _dev_key(path: Path) -> Ed25519PrivateKey:
    """Read the development key at ``path``, creating it (mode 0600) on first use.

    ``O_EXCL`` makes creation safe when several processes start at once: one
    writes the key, the others read it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pem)
    for _ in range(50):  # another process may be between creating and writing the file
        data = path.read_bytes()
        if data.strip().endswith(b"-----"):
            return parse_private_key(data)
        time.sleep(0.01)
    raise ImproperlyConfigured(f"The certificate signing key file {path} is incomplete.")


@lru_cache(maxsize=4)
def _load(configured: str, dev_file: str) -> SigningKey:
    if configured:
        return SigningKey(parse_private_key(configured))
    if not dev_file:
        raise ImproperlyConfigured(
            "Set CERTIFICATES_SIGNING_KEY (or CERTIFICATES_DEV_KEY_FILE outside production)."
        )
    return SigningKey(_dev_key(Path(dev_file)))


def signing_key() -> SigningKey:
    return _load(
        settings.CERTIFICATES_SIGNING_KEY or "",
        str(getattr(settings, "CERTIFICATES_DEV_KEY_FILE", "") or ""),
    )


def public_keys() -> list[PublicKey]:
    """The current public key first, then retired ones still trusted."""
    keys = [signing_key().public]
    for value in getattr(settings, "CERTIFICATES_RETIRED_PUBLIC_KEYS", []):
        key = parse_public_key(value)
        if key.raw != keys[0].raw:
            keys.append(key)
    return keys


def public_key(key_id: str) -> PublicKey | None:
    return next((k for k in public_keys() if k.key_id == key_id), None)
