"""A Redis cache that degrades to "no cache" while Redis is unreachable.

Every page that reads the cache (the catalogue middleware before the view,
allauth's rate limits, Wagtail) would answer 500 while Redis restarts with
Django's own ``RedisCache``, which raises the client's ``ConnectionError``.
Here a read during an outage is a miss, a write is dropped and a counter
starts again: pages render from the database, a little slower, and nothing
is lost, because the cache only ever holds copies.

After a failure the cache is not tried again for ``RETRY_AFTER`` seconds,
so an outage costs each request nothing rather than one failed connection
per cache call. ``/healthz`` still sees the outage: it calls :meth:`ping`,
which raises.

One Redis client, so one connection pool, serves every cache object of the
process for the same location and options. Django makes a cache object per
thread and, under ASGI, per request or WebSocket connection (its handler is
context-local): each made its own pool, so every page and every room
connection opened a new Redis connection, two round trips and a
package-metadata lookup before its first command (2,000 people joining a
room were 2,000 new Redis connections, held while they stayed).
"""

from __future__ import annotations

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.utils.functional import cached_property
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

#: Seconds to skip Redis after it failed.
RETRY_AFTER = 2.0
UNAVAILABLE = (RedisConnectionError, RedisTimeoutError, OSError)


#: Until when (monotonic) each Redis location is skipped, shared by every
#: thread's cache object (Django makes one per thread).
_down_until: dict[str, float] = {}

#: The process's Redis clients, by location and options (``ResilientRedisCache._cache``).
_clients: dict[tuple, RedisCacheClient] = {}
_clients_lock = threading.Lock()


class ResilientRedisCache(RedisCache):
    @cached_property
    def _cache(self) -> RedisCacheClient:
        key = (tuple(self._servers), repr(sorted(self._options.items())), self._class)
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = _clients[key] = self._class(self._servers, **self._options)
        return client

    def _guard(self, fallback, method, *args):
        location = ",".join(self._servers)
        until = _down_until.get(location)
        if until is not None:
            if time.monotonic() < until:
                return fallback
            del _down_until[location]
        try:
            return method(*args)
        except UNAVAILABLE as error:
            if until is None:
                logger.warning("Cache unavailable, serving without it: %s", error)
            _down_until[location] = time.monotonic() + RETRY_AFTER
            return fallback

    def ping(self) -> None:
        """Raise unless Redis answers (for health checks)."""
        self._cache.get_client(write=True).ping()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._guard(default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._guard(False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._guard({}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._guard(False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # A counter cannot be read back during an outage: it starts again.
        return self._guard(delta, super().incr, key, delta, version)

    def add_counter(self, key, delta, timeout, version=None) -> int:
        """Add ``delta`` to the counter at ``key``, creating it to expire after ``timeout``
        seconds if it is new; its new value. One round trip (``incr`` is two or three:
        ``EXISTS``, ``INCRBY``, and ``SET NX`` for a new counter)."""

        def run():
            full_key = self.make_and_validate_key(key, version=version)
            client = self._cache.get_client(full_key, write=True)
            pipe = client.pipeline(transaction=False)
            pipe.set(full_key, 0, ex=timeout, nx=True)
            pipe.incrby(full_key, delta)
            return pipe.execute()[1]

        return self._guard(delta, run)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guard(list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._guard(None, super().delete_many, keys, version)

    def clear(self):
        return self._guard(False, super().clear)
