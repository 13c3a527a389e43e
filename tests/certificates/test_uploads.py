"""An oversize PDF check costs nothing under ASGI either: its body is never read."""

from __future__ import annotations

import pytest

from certificates.uploads import RefuseOversizeUploads

SCOPE = {
    "type": "http",
    "method": "POST",
    "path": "/verify/check/",
    "headers": [(b"content-length", str(30 * 1024 * 1024).encode())],
}


@pytest.mark.asyncio
async def test_under_asgi_an_oversize_check_never_reaches_the_body():
    """Django's ASGI handler reads a whole body before any view: the wrapper hands it
    an empty one for an oversize check and never asks the client for the rest."""
    seen = {}

    async def django_app(scope, receive, send):
        seen["message"] = await receive()

    async def client_receive():
        raise AssertionError("the client's body was read")

    scope = SCOPE
    await RefuseOversizeUploads(django_app)(scope, client_receive, None)
    assert seen["message"] == {"type": "http.request", "body": b"", "more_body": False}
    small = {**scope, "headers": [(b"content-length", b"2000")]}

    async def small_receive():
        return {"type": "http.request", "body": b"x" * 2000, "more_body": False}

    await RefuseOversizeUploads(django_app)(small, small_receive, None)
    assert seen["message"]["body"] == b"x" * 2000


def test_the_asgi_application_refuses_oversize_checks():
    """The application the ASGI servers run has the wrapper in front of Django."""
    from lms.asgi import application

    assert isinstance(application.application_mapping["http"], RefuseOversizeUploads)
