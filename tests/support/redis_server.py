"""A real ``redis-server`` a test starts on its own port, kills and brings back.

For tests of what the site does while Redis is down: the process is the
real thing, killed with SIGKILL (no clean shutdown, no saved data), and
started again empty on the same port, as after a crash and a restart.
"""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import time

import pytest

#: Ports these tests may use (other engineers' Redis servers sit elsewhere).
PORTS = range(6391, 6396)


def _port_is_free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


class RedisServer:
    def __init__(self, port: int):
        self.port = port
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.process = subprocess.Popen(  # noqa: S603
            [binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--loglevel", "warning"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)
        deadline = time.monotonic() + 10
        # No event announces "ready": poll with a short, bounded loop.
        while True:
            try:
                client.ping()
                break
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not start on {self.port}") from None
                time.sleep(0.02)
        client.close()

    def kill(self) -> None:
        """SIGKILL, and wait until the process is gone (its port closed)."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def redis_server():
    port = next((p for p in PORTS if _port_is_free(p)), None)
    if port is None:
        pytest.skip("no free port for a test Redis")
    server = RedisServer(port)
    server.start()
    try:
        yield server
    finally:
        server.kill()


def resilient_cache(server: RedisServer, prefix: str) -> dict:
    """``CACHES`` for the site's Redis cache on ``server``, with production's timeouts."""
    return {
        "default": {
            "BACKEND": "lms.cache.ResilientRedisCache",
            "LOCATION": server.url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
