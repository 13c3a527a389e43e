"""Response headers: Permissions-Policy everywhere, the admin's own CSP,
downloads never cached, and no server banner from the production start-up."""

import contextlib
import os
import subprocess
import sys
import time
import urllib.request

import pytest
from django.urls import reverse
from django.utils import translation

from tests.conftest import reauthenticate
from tests.support.world import build_world

pytestmark = pytest.mark.django_db

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def directives(header: str) -> dict[str, list[str]]:
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


def test_every_response_turns_off_unused_browser_features(client, user_client):
    for response in (
        client.get("/km/accounts/login/"),
        client.get("/healthz"),
        client.get("/admin/"),
    ):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
            assert feature in policy
    assert "camera=()" in user_client.get(en("dashboard"))["Permissions-Policy"]


def test_the_admin_has_a_policy_that_allows_this_site_only(staff_client):
    """The admin may run its own inline scripts and styles, nothing from another host."""
    response = staff_client.get("/admin/")
    assert response.status_code == 200
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    for values in policy.values():
        for value in values:
            assert value in {"'self'", "'none'", "'unsafe-inline'", "data:", "blob:"}, value
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def test_personal_downloads_are_never_cached(db):
    """Certificate PDFs, shared files, the data export, the host's attendance
    sheet and transcript: Cache-Control: no-store, private."""
    world = build_world()
    owner = world.clients["owner"]
    reauthenticate(owner)
    own = world.own
    urls = [
        en("certificates:download", own.certificate.pk),
        en("mentoring:resource_download", own.pair.pk, own.resource.pk),
        en("accounts:data_export"),
        en("workshops:attendance_csv", own.workshop.pk),
        en("workshops:transcript", own.workshop.pk),
    ]
    for url in urls:
        response = owner.get(url)
        assert response.status_code == 200, url
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert {"no-store", "private"} <= cache_control, url


def test_signed_in_pages_are_private(user_client):
    cache_control = user_client.get(en("dashboard"))["Cache-Control"]
    assert "private" in cache_control


# ---------------------------------------------------------------------------
# The production start-up, as the README gives it
# ---------------------------------------------------------------------------

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "lms.settings.production",
    "SECRET_KEY": "production-start-up-test-" + "k" * 40 + "0123456789abcdefghij",
    "ALLOWED_HOSTS": "academy.example.org",
    "SITE_URL": "https://academy.example.org",
    "CERTIFICATES_SIGNING_KEY": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
    "MFA_ENCRYPTION_KEYS": "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
}

SERVERS = {
    "uvicorn": [
        "-m",
        "uvicorn",
        "lms.asgi:application",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "1",
        "--proxy-headers",
        "--no-server-header",
    ],
    "daphne": [
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        "{port}",
        "--proxy-headers",
        "--no-server-name",
        "lms.asgi:application",
    ],
}


@contextlib.contextmanager
def production_server(name: str):
    from tests.workshops.servers import database_url, free_port

    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("the production start-up needs REDIS_URL")
        pytest.skip("the production start-up needs REDIS_URL (Redis) and PostgreSQL")
    port = free_port()
    env = {**os.environ, **PRODUCTION_ENV, "DATABASE_URL": database_url(), "REDIS_URL": redis_url}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    args = [arg.format(port=port) for arg in SERVERS[name]]
    process = subprocess.Popen(  # noqa: S603
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()[-2000:])
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()  # noqa: S310
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{name} did not start") from None
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str):
    request = urllib.request.Request(  # noqa: S310
        url,
        headers={
            "Host": "academy.example.org",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "203.0.113.7",
        },
    )
    opener = urllib.request.build_opener(NoRedirect)
    try:
        return opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error


@pytest.mark.parametrize("server", ["uvicorn", "daphne"])
def test_the_production_start_up_sends_the_headers_and_no_banner(server):
    """As the README runs it behind the proxy: HSTS, CSP, Permissions-Policy
    and the rest on every answer, and no ``server:`` header naming the software."""
    with production_server(server) as base:
        for path, status in (("/healthz", 200), ("/admin/", 302), ("/verify/issuer.json", 200)):
            response = fetch(base + path)
            headers = response.headers
            assert response.status == status, path
            assert "server" not in {key.lower() for key in headers.keys()}, (server, path)
            assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
            assert "camera=()" in headers["Permissions-Policy"]
            assert "default-src 'self'" in headers["Content-Security-Policy"]
            assert headers["X-Content-Type-Options"] == "nosniff"
            assert headers["Referrer-Policy"] == "same-origin"
            assert headers["X-Frame-Options"] == "DENY"
