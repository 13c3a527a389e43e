"""Fixed-window rate limits on the public verification pages.

Counts live in the cache (Redis in production), so the limit holds across
every worker process. A client is its address; behind a proxy that address is
the proxy's unless the proxy sets REMOTE_ADDR (as Daphne's
``--proxy-headers`` does).
"""

from __future__ import annotations

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

WINDOW_SECONDS = 60


def client_key(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


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
