"""Real ASGI server processes for the multi-process and browser tests.

Each process serves the project against the test database (committed data
only, so tests using it are transactional) and the channel layer the test
run uses (Redis when ``REDIS_URL`` is set, else its own in-memory layer).
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def require_shared_database() -> None:
    """Server processes need a database they can open: not SQLite's in-memory test
    database. Skipped with a message locally; CI runs on PostgreSQL."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        message = "needs a database other processes can open: run with DATABASE_URL (PostgreSQL)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


def database_url() -> str:
    """The test database (as pytest-django renamed it), as a URL for a child process."""
    require_shared_database()
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db.get("USER") or ""
    if db.get("PASSWORD"):
        auth += f":{db['PASSWORD']}"
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}@{host}{port}/{db['NAME']}"


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@contextlib.contextmanager
def daphne(port: int | None = None, *, redis_url: str | None = None, started=None):
    """Run ``daphne lms.asgi:application`` until the block ends; yields its base URL.

    ``started``, a list, receives the ``Popen`` (for a test that kills the process)."""
    port = port or free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url if redis_url is not None else os.environ.get("REDIS_URL", ""),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / f"daphne-test-{port}.log", "w")
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "daphne",
            "-b",
            "127.0.0.1",
            "-p",
            str(port),
            "lms.asgi:application",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    if started is not None:
        started.append(process)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"daphne exited early; see {log.name}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2):  # noqa: S310
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"daphne did not start; see {log.name}") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
