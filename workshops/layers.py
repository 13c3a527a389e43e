"""The in-memory channel layer for one process, without its per-receive sweep.

Channels' ``InMemoryChannelLayer`` scans every channel and every group
membership for expired entries on *every* ``receive``. A room fans each
event out to every connection, and each of those receives triggers a full
scan, so one message to N people costs O(N²): at 200 people that scan is
most of the work. This layer does the same clean-up at most once a second,
which changes nothing but how promptly a message older than ``expiry``
(60 s) is dropped.

Only for the embedded default (one process, no ``REDIS_URL``); production
uses channels-redis.
"""

import time

from channels.layers import InMemoryChannelLayer as BaseInMemoryChannelLayer

CLEAN_INTERVAL = 1.0


class InMemoryChannelLayer(BaseInMemoryChannelLayer):
    _cleaned_at = 0.0

    def _clean_expired(self):
        now = time.monotonic()
        if now - self._cleaned_at < CLEAN_INTERVAL:
            return
        self._cleaned_at = now
        super()._clean_expired()
