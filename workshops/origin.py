"""The WebSocket origin check: the page that opens a room must be this site's own.

Channels' ``AllowedHostsOriginValidator`` compares the ``Origin`` header's
host name only, so a page at ``http://academy.example.org:9999`` (another
program on the same machine) or plain ``http://`` beside the site's
``https://`` passes. This check compares scheme, host and port, as a
browser defines an origin (RFC 6454) and as Django's CSRF check does for
forms. An origin is accepted when it is

* the connection's own: ``http``/``https`` for ``ws``/``wss`` (the proxy's
  ``SECURE_PROXY_SSL_HEADER`` counts, as for HTTP), the ``Host`` header's
  host, an allowed host (``ALLOWED_HOSTS``), and the same port (the
  scheme's default when none is written), or
* listed exactly in ``CSRF_TRUSTED_ORIGINS`` (``https://*.example.org``
  covers the subdomains, as in Django).

Anything else, a missing ``Origin`` included, is refused before the
consumer runs (HTTP 403).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host

DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(value: str) -> tuple[str, str, int] | None:
    """(scheme, host, port) of an origin such as ``https://example.org:8443``."""
    try:
        url = urlsplit(value)
        port = url.port
    except ValueError:
        return None
    scheme = url.scheme.lower()
    if scheme not in DEFAULT_PORTS or not url.hostname or url.path not in ("", "/"):
        return None
    return scheme, url.hostname.lower(), port or DEFAULT_PORTS[scheme]


def _headers(scope) -> dict[str, str]:
    return {
        name.decode("latin1").lower(): value.decode("latin1")
        for name, value in scope.get("headers", [])
    }


def _own_origin(scope, headers) -> tuple[str, str, int] | None:
    secure = scope.get("scheme", "ws") in ("wss", "https")
    proxy_header = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if proxy_header:
        name, value = proxy_header
        forwarded = headers.get(name.removeprefix("HTTP_").replace("_", "-").lower(), "")
        secure = secure or forwarded.split(",")[0].strip() == value
    scheme = "https" if secure else "http"
    host_header = headers.get("host")
    if host_header:
        host, port = split_domain_port(host_header)
        if not host:
            return None
        port = int(port) if port else DEFAULT_PORTS[scheme]
    elif scope.get("server"):
        host, port = scope["server"][0], scope["server"][1]
    else:
        return None
    if not validate_host(host, settings.ALLOWED_HOSTS):
        return None
    return scheme, host.lower(), port


def _trusted(origin: tuple[str, str, int]) -> bool:
    scheme, host, port = origin
    for entry in settings.CSRF_TRUSTED_ORIGINS:
        wildcard = "://*." in entry
        trusted = _origin(entry.replace("://*.", "://", 1))
        if trusted is None or trusted[0] != scheme or trusted[2] != port:
            continue
        if host == trusted[1] or (wildcard and host.endswith("." + trusted[1])):
            return True
    return False


def origin_allowed(scope) -> bool:
    headers = _headers(scope)
    origin = _origin(headers.get("origin", ""))
    if origin is None:
        return False
    return origin == _own_origin(scope, headers) or _trusted(origin)


class SameOriginValidator:
    """ASGI middleware: refuse a WebSocket whose ``Origin`` is not this site's."""

    def __init__(self, application):
        self.application = application

    async def __call__(self, scope, receive, send):
        if scope["type"] == "websocket" and not origin_allowed(scope):
            denier = WebsocketDenier()
            return await denier(scope, receive, send)
        return await self.application(scope, receive, send)
