"""Production settings refuse to start without their secrets."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "SECRET_KEY": "x" * 64,
    "ALLOWED_HOSTS": "academy.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/lms",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    # base64 of a 32-byte Ed25519 seed (a throwaway test key)
    "CERTIFICATES_SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    # a Fernet key (a throwaway test key)
    "MFA_ENCRYPTION_KEYS": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
}


def run_check(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(env_overrides)
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.production"
    return subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_secret_key():
    env = dict(PRODUCTION_ENV)
    del env["SECRET_KEY"]
    result = run_check(env)
    assert result.returncode != 0
    assert "The SECRET_KEY environment variable is required in production." in result.stderr


def test_production_refuses_to_start_without_database_url():
    env = dict(PRODUCTION_ENV)
    del env["DATABASE_URL"]
    result = run_check(env)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_production_refuses_to_start_without_the_mfa_encryption_key():
    """Stored TOTP keys must not be encrypted with a key derived from SECRET_KEY."""
    env = dict(PRODUCTION_ENV)
    del env["MFA_ENCRYPTION_KEYS"]
    result = run_check(env)
    assert result.returncode != 0
    assert "The MFA_ENCRYPTION_KEYS environment variable is required in production." in (
        result.stderr
    )


def test_production_starts_with_its_secrets():
    result = run_check(PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr


def test_production_builds_the_cache_and_the_channel_layer_from_redis_url():
    """One Redis for the cache and the channel layer, as base.py declares them,
    with the layer's backend from CHANNEL_LAYER_BACKEND when it is set."""
    import json

    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        "print(json.dumps([settings.CACHES, settings.CHANNEL_LAYERS], default=str))"
    )
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(PRODUCTION_ENV, DJANGO_SETTINGS_MODULE="lms.settings.production")
    env["CHANNEL_LAYER_BACKEND"] = "channels_redis.pubsub.RedisPubSubChannelLayer"
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    caches, layers = json.loads(result.stdout.strip().splitlines()[-1])
    redis_url = PRODUCTION_ENV["REDIS_URL"]
    assert caches["default"] == {
        "BACKEND": "lms.cache.ResilientRedisCache",
        "LOCATION": redis_url,
        "KEY_PREFIX": "lms",
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
    }
    assert layers["default"]["BACKEND"] == "channels_redis.pubsub.RedisPubSubChannelLayer"
    assert layers["default"]["CONFIG"] == {
        "hosts": [{"address": redis_url, "socket_timeout": 30, "socket_connect_timeout": 5}],
        "prefix": "lms",
    }


def test_production_with_the_in_memory_layer_passes_it_no_redis_hosts():
    """``CHANNEL_LAYER_BACKEND`` set to the in-memory layer: a working layer, not a
    ``TypeError`` on every WebSocket handshake."""
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(PRODUCTION_ENV)
    env["CHANNEL_LAYER_BACKEND"] = "workshops.layers.InMemoryChannelLayer"
    env["DJANGO_SETTINGS_MODULE"] = "lms.settings.production"
    script = (
        "import asyncio, django; django.setup()\n"
        "from channels.layers import get_channel_layer\n"
        "async def main():\n"
        "    layer = get_channel_layer()\n"
        "    channel = await layer.new_channel()\n"
        "    await layer.group_add('g', channel)\n"
        "    await layer.group_send('g', {'type': 'x', 'n': 1})\n"
        "    print(type(layer).__name__, (await layer.receive(channel))['n'])\n"
        "asyncio.run(main())\n"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "InMemoryChannelLayer 1"
