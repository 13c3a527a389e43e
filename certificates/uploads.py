"""Refuse an oversize PDF check by its Content-Length, before reading the body.

Anyone may POST a PDF to ``/verify/check/``. A 30 MB upload should cost us
nothing: no bytes read, no temporary file. Two places make sure of that:

* :class:`RefuseOversizeUploads` wraps the ASGI application. Django's ASGI
  handler reads the whole body before any view or middleware runs, so for an
  oversize check it hands Django an empty body instead of the client's, and
  the view answers 413 from the declared length alone.
* :func:`refuse_oversize` does the same in the view under WSGI (``runserver``,
  the test client), running before the CSRF check, which would read the body.

The reverse proxy caps every request body as well (see the README).
"""

from __future__ import annotations

from functools import wraps

from django.conf import settings

CHECK_PATH = "/verify/check/"
# Room for the multipart framing and the CSRF field around the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024


def limit() -> int:
    return settings.CERTIFICATES_UPLOAD_MAX_BYTES + FORM_OVERHEAD_BYTES


def declared_length(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def is_oversize(request) -> bool:
    length = declared_length(request.META.get("CONTENT_LENGTH"))
    return length is not None and length > limit()


def refuse_oversize(answer):
    """View decorator: an oversize POST gets ``answer(request)`` without its body being read."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" and is_oversize(request):
                return answer(request)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RefuseOversizeUploads:
    """ASGI middleware: never read the body of an oversize PDF check."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] == "http"
            and scope.get("method") == "POST"
            and scope.get("path") == CHECK_PATH
        ):
            headers = dict(scope.get("headers") or [])
            length = declared_length(headers.get(b"content-length", b"").decode("latin-1"))
            if length is not None and length > limit():
                return await self.app(scope, _empty_body(receive), send)
        return await self.app(scope, receive, send)


def _empty_body(receive):
    """A ``receive`` that ends the request body at once, leaving the client's unread."""
    delivered = False

    async def empty():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return await receive()  # after the body: disconnects, as usual

    return empty
