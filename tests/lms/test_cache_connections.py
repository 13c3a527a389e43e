"""One Redis connection pool per process, however many requests and room connections.

Under ASGI, Django makes a cache object per request and per WebSocket
connection (its cache handler is context-local). Redis itself, asked with
``INFO``, says how many connections the process opened: a few, not one per
request, and the ones it has stay usable after Redis restarts.
"""

import asyncio
import contextvars

import pytest
from django.core.cache import caches

from tests.support.redis_server import redis_server, resilient_cache


def _opened(server) -> int:
    import redis

    client = redis.Redis(port=server.port)
    try:
        return client.info("stats")["total_connections_received"]
    finally:
        client.close()


@pytest.fixture
def redis(settings):
    with redis_server() as server:
        settings.CACHES = resilient_cache(server, "pool")
        _forget_outages()  # an earlier test's outage on this port
        yield server


def _forget_outages():
    from lms import cache as resilient

    resilient._down_until.clear()


def _in_a_fresh_context(call):
    """``call()`` as a new ASGI request or connection would run it: in its own context."""
    return contextvars.Context().run(call)


def test_requests_in_their_own_contexts_share_one_pool(redis):
    before = _opened(redis)
    for n in range(40):
        _in_a_fresh_context(lambda n=n: caches["default"].set(f"k{n}", n))
        assert _in_a_fresh_context(lambda n=n: caches["default"].get(f"k{n}")) == n
    # 80 cache objects, each used once; Django's own RedisCache opened 80 connections.
    assert _opened(redis) - before <= 2


def test_concurrent_connections_share_the_pool_and_it_survives_a_restart(redis):
    async def one(n):
        cache = caches["default"]
        await asyncio.to_thread(cache.set, f"c{n}", n)
        return await asyncio.to_thread(cache.get, f"c{n}")

    async def many():
        return await asyncio.gather(*(one(n) for n in range(30)))

    before = _opened(redis)
    assert asyncio.run(many()) == list(range(30))
    assert _opened(redis) - before <= 12  # at most one per thread in use at once

    redis.kill()
    redis.start()
    _forget_outages()
    # The pool's connections died with the server; the next call reconnects.
    _in_a_fresh_context(lambda: caches["default"].set("after", "restart"))
    assert _in_a_fresh_context(lambda: caches["default"].get("after")) == "restart"
