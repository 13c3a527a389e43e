"""Test settings: fast hashing, immediate tasks, and the same data stores as
CI when ``DATABASE_URL`` / ``REDIS_URL`` are set (SQLite and in-memory
otherwise, so the suite also runs on a bare laptop)."""

import os
from urllib.parse import urlsplit, urlunsplit

from .base import *
from .base import _layer_prefix

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# pytest-xdist runs the suite in several processes (``make test``). Each one
# gets its own PostgreSQL database (pytest-django suffixes it) and, here, its
# own Redis database and key prefix: the cache is flushed between tests, and
# pub/sub channels are shared by every Redis database.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

if REDIS_URL:
    if XDIST_WORKER:
        _redis = urlsplit(REDIS_URL)
        _db = int(_redis.path.strip("/") or 0) + int(XDIST_WORKER.removeprefix("gw")) + 1
        REDIS_URL = urlunsplit(_redis._replace(path=f"/{_db % 16}"))
        REDIS_LAYER_HOST = {**REDIS_LAYER_HOST, "address": REDIS_URL}
        CACHES["default"]["LOCATION"] = REDIS_URL
        CHANNEL_LAYERS["default"]["CONFIG"]["hosts"] = [REDIS_LAYER_HOST]
    # Keep test keys apart from anything else on the same Redis.
    CACHES["default"]["KEY_PREFIX"] = f"lms-test{XDIST_WORKER}"
    CHANNEL_LAYERS["default"]["CONFIG"]["prefix"] = _layer_prefix("lms-test", REDIS_URL)
else:
    CACHES["default"]["LOCATION"] = "lms-test"

if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "tests.support.postgresql"

# SQLite tests use Django's shared in-memory database: private to each run,
# so several checkouts or engineers can run the suite at once. PostgreSQL
# (CI) keeps its test database between runs (--reuse-db).
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # In-memory databases have no write-ahead log, and their shared cache
    # answers a lock conflict at once rather than waiting, so the file
    # database's WAL and immediate transactions (base settings) do not apply.
    for option in ("init_command", "transaction_mode"):
        DATABASES["default"]["OPTIONS"].pop(option, None)

# A test computes the current TOTP code and the server checks it a moment later;
# on a loaded machine that moment can cross the 30-second step and the right code
# is refused. Tests accept the neighbouring step; production keeps allauth's 0.
MFA_TOTP_TOLERANCE = 1
