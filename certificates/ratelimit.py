"""Fixed-window rate limits on the public verification pages.

Counts live in the cache (Redis in production), so the limit holds across
every worker process. A client is its address (REMOTE_ADDR): behind the
reverse proxy, the ASGI server must set it from ``X-Forwarded-For``
(``--proxy-headers`` on a loopback port; see the README's deployment).
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

WINDOW_SECONDS = 60

logger = logging.getLogger(__name__)
_warned_no_address = False


def client_key(request) -> str:
    global _warned_no_address
    address = request.META.get("REMOTE_ADDR", "")
    if not address and not _warned_no_address:
        _warned_no_address = True
        logger.warning(
            "A request came without a client address, so every such visitor shares one "
            "rate limit: run the ASGI server on a loopback port with --proxy-headers."
        )
    return address or "unknown"


def hit(request, scope: str) -> bool:
    """Count one request; False when the client is over ``scope``'s limit."""
    limit = settings.CERTIFICATES_RATE_LIMITS[scope]
    window = int(time.time() // WINDOW_SECONDS)
    key = f"certificates:rl:{scope}:{client_key(request)}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 5)
        count = 1
    return count <= limit


def rate_limited(scope: str, *, methods: tuple[str, ...] = ("GET", "HEAD", "POST")):
    """Answer 429 (with a page in the visitor's language) past ``scope``'s limit."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method in methods and not hit(request, scope):
                response = render(request, "certificates/rate_limited.html", status=429)
                response["Retry-After"] = str(WINDOW_SECONDS)
                return response
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
