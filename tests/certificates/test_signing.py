"""The signing key: from the environment in production, generated in development."""

from __future__ import annotations

import base64
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from certificates import signing

ROOT = Path(__file__).resolve().parents[2]


def test_key_from_the_setting_as_base64_or_pem(settings):
    private = Ed25519PrivateKey.generate()
    seed = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    settings.CERTIFICATES_SIGNING_KEY = base64.b64encode(seed).decode()
    from_base64 = signing.signing_key()
    settings.CERTIFICATES_SIGNING_KEY = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    from_pem = signing.signing_key()
    assert from_base64.public.raw == from_pem.public.raw
    assert signing.public_keys()[0].key_id == from_pem.public.key_id


def test_a_malformed_key_is_refused(settings):
    settings.CERTIFICATES_SIGNING_KEY = base64.b64encode(b"too short").decode()
    with pytest.raises(ImproperlyConfigured):
        signing.signing_key()


def test_development_generates_a_private_key_file_once(settings, tmp_path):
    settings.CERTIFICATES_SIGNING_KEY = ""
    settings.CERTIFICATES_DEV_KEY_FILE = tmp_path / "keys" / "dev.pem"
    first = signing.signing_key()
    mode = stat.S_IMODE(os.stat(settings.CERTIFICATES_DEV_KEY_FILE).st_mode)
    assert mode == 0o600
    signing._load.cache_clear()
    assert signing.signing_key().public.raw == first.public.raw


def test_retired_keys_still_verify(settings):
    old = Ed25519PrivateKey.generate().public_key()
    raw = old.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    settings.CERTIFICATES_RETIRED_PUBLIC_KEYS = [base64.b64encode(raw).decode()]
    keys = signing.public_keys()
    assert len(keys) == 2 and keys[1].raw == raw


def test_production_refuses_to_start_without_a_key():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "academy.example.org",
        "DATABASE_URL": "sqlite:////tmp/unused.sqlite3",
        "REDIS_URL": "redis://127.0.0.1:6379/15",
        "MFA_ENCRYPTION_KEYS": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    }
    env.pop("CERTIFICATES_SIGNING_KEY", None)
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "CERTIFICATES_SIGNING_KEY" in result.stderr
