import asyncio
import secrets

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponseGone, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lms import hooks

CHANNEL_LAYER_TIMEOUT = 2.0


def _check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _check_cache() -> None:
    # The site's cache carries on without Redis (lms.cache), so ask Redis itself.
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ping()
    key = f"healthz:{secrets.token_hex(8)}"
    cache.set(key, "ok", timeout=10)
    if cache.get(key) != "ok":
        raise RuntimeError("cache did not return the value it was given")
    cache.delete(key)


async def _check_channel_layer() -> None:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    token = secrets.token_hex(8)
    await layer.send(channel, {"type": "healthz.ping", "token": token})
    message = await asyncio.wait_for(layer.receive(channel), CHANNEL_LAYER_TIMEOUT)
    if message.get("token") != token:
        raise RuntimeError("channel layer returned another message")


async def _run(check) -> str | None:
    """None when the check passes, else a short reason."""
    try:
        if asyncio.iscoroutinefunction(check):
            await asyncio.wait_for(check(), CHANNEL_LAYER_TIMEOUT + 1)
        else:
            await sync_to_async(check)()
    except Exception as exc:  # noqa: BLE001 - any failure means "down"
        return f"{type(exc).__name__}: {exc}"[:200]
    return None


@never_cache
async def healthz(request):
    """Liveness of the database, the cache and a channel-layer round trip.

    200 when all are up; 503 with the failing parts named in ``down``.
    """
    checks = {
        "database": _check_database,
        "cache": _check_cache,
        "channel_layer": _check_channel_layer,
    }
    results = dict(
        zip(checks, await asyncio.gather(*(_run(c) for c in checks.values())), strict=True)
    )
    down = [name for name, error in results.items() if error]
    body = {
        "status": "ok" if not down else "error",
        "checks": {name: ("ok" if error is None else error) for name, error in results.items()},
        "down": down,
    }
    return JsonResponse(body, status=503 if down else 200)


@login_required
def dashboard(request):
    """The signed-in person's start page; each app contributes panels."""
    return render(
        request,
        "pages/dashboard.html",
        {"panels": hooks.dashboard_panels(request)},
    )


def shared_password_refused(request, **kwargs):
    """Wagtail's shared-password form for pages and documents: turned off.

    Nothing rate-limits it, and a shared password is not a person's sign-in.
    Private pages and documents are for signed-in people or groups instead
    (``WAGTAIL_PRIVATE_PAGE_OPTIONS``); a restriction made before stays shut.
    Answers 410 Gone (a 404 here would be redirected under a language prefix).
    """
    return HttpResponseGone(
        _("Shared passwords are turned off on this site. Sign in to see private pages."),
        content_type="text/plain; charset=utf-8",
    )
