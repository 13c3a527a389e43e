"""The access matrix: every URL pattern, held against who may use it.

Every pattern is read from the resolvers (Django's for HTTP, the
``URLRouter`` in ``lms.asgi`` for WebSocket) and must have a row in
``MATRIX`` (or, for Wagtail's own admin views, fall under ``WAGTAIL_ADMIN``):
a pattern without one fails ``test_every_url_pattern_is_declared``, so a new
view cannot ship without saying who may use it.

The rows are declared in ``tests/lms/access_matrix/``, one module per app:
a new URL's row goes in ``rows_<app>.py`` of the app that declares the view
(allauth's pages in ``rows_accounts``, Wagtail's outside its admin in
``rows_lms``, the WebSocket routes in ``rows_workshops``). That package's
docstring says what a row holds, who the roles are and how to add one.

This module runs them. It must stay fast: one world per module, each case in
a savepoint that is rolled back.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import override_settings
from django.urls import resolve
from django.utils import timezone, translation

from tests.support.urls import http_endpoints, websocket_endpoints
from tests.support.world import ROLES, build_world

from .access_matrix.matrix import MATRIX, WAGTAIL_ADMIN, WAGTAIL_ADMIN_EXCEPTIONS, WEBSOCKET
from .access_matrix.outcomes import NOT_ALLOWED, OWNER, Outcome
from .access_matrix.shapes import Row, Shadowed, neighbour_pk, rows

LOCAL_APPS = (
    "lms",
    "accounts",
    "courses",
    "workshops",
    "mentoring",
    "certificates",
    "reports",
    "notifications",
)


# ---------------------------------------------------------------------------
# The world, once per module
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def media(tmp_path_factory):
    root = tmp_path_factory.mktemp("matrix-media")
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root / "private"), "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(
        MEDIA_ROOT=root / "media", PRIVATE_MEDIA_ROOT=root / "private", STORAGES=storages
    ):
        yield root


@pytest.fixture(autouse=True)
def _isolated_media(media):
    """The module's media (the world's files) instead of one per test."""


@pytest.fixture(autouse=True)
def _recent_sign_in(settings):
    """The world's sessions re-authenticated when it was built. The matrix is
    about who may act, and on a loaded machine it runs longer than allauth's
    five minutes, so here a re-authentication does not expire (expiry has its
    own tests in tests/accounts)."""
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 24 * 60 * 60


@pytest.fixture(scope="class")
def world(media, django_db_setup, django_db_blocker):
    """One world for the HTTP matrix, in a transaction rolled back at its end
    (before the WebSocket matrix, which needs committed rows)."""
    from tests.conftest import ensure_baseline_data

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_baseline_data()
            built = build_world()
            _extras(built)
            yield built
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _extras(world) -> None:
    """Objects only the matrix needs."""
    from allauth.account.forms import default_token_generator
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC
    from allauth.account.utils import user_pk_to_url_str

    from mentoring.models import MatchingRound
    from workshops.models import Attendance, Participant

    owner = world.users["owner"]
    world.own.confirmation_key = EmailConfirmationHMAC(
        EmailAddress.objects.get(user=owner, primary=True)
    ).key
    world.own.reset_uid = user_pk_to_url_str(owner)
    world.own.reset_key = default_token_generator.make_token(owner)
    world.public.round = MatchingRound.objects.create(name="Round one")
    participant = Participant.objects.create(
        workshop=world.own.workshop, user=world.users["member"], display_name="Member"
    )
    now = timezone.now()
    world.own.attendance = Attendance.objects.create(
        workshop=world.own.workshop,
        user=participant.user,
        first_joined_at=now,
        last_left_at=now,
        minutes=40,
    )


# ---------------------------------------------------------------------------
# Running a case
# ---------------------------------------------------------------------------


@dataclass
class Seen:
    status: int
    location: str
    changed: bool

    def matches(self, expected: Outcome) -> bool:
        return (
            self.status == expected.status
            and self.changed == expected.changed
            and (expected.to is None or expected.to in self.location)
        )

    def __str__(self) -> str:
        text = str(self.status)
        if self.location:
            text += f" → {self.location}"
        return text + (" (changed)" if self.changed else "")


def run_case(world, endpoint, row: Row, role: str, method: str, which: str) -> Seen:
    client = world.clients[role]
    cookies = copy.deepcopy(client.cookies)
    url = endpoint.url(row.values(world, which))
    if row.ratelimited:
        cache.clear()
    try:
        with transaction.atomic():
            before = row.state(world) if row.state else None
            if method == "post":
                response = client.post(url, row.data(world) if row.data else {})
            else:
                response = client.get(url)
            after = row.state(world) if row.state else None
            transaction.set_rollback(True)
    finally:
        client.cookies = cookies
    return Seen(response.status_code, response.get("Location", ""), before != after)


@dataclass
class Report:
    failures: list = field(default_factory=list)

    def check(self, key, role, method, which, expected: Outcome, seen: Seen) -> None:
        if not seen.matches(expected):
            self.failures.append(
                f"{method.upper()} {key} as {role} ({which} id): expected {expected}, got {seen}"
            )


# ---------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------


def project_admin(endpoint) -> bool:
    from wagtail.admin.viewsets import viewsets

    namespaces = {
        v.url_namespace for v in viewsets.viewsets if type(v).__module__.startswith(LOCAL_APPS)
    }
    return (
        endpoint.module.startswith(LOCAL_APPS)
        or bool(set(endpoint.namespaces) & namespaces)
        or len(endpoint.patterns) == 1  # written in lms/urls.py itself
    )


def declared(endpoint) -> bool:
    if endpoint.key in MATRIX:
        return True
    return endpoint.is_admin and not project_admin(endpoint)


def test_every_url_pattern_is_declared():
    """Every HTTP and WebSocket pattern has a row (Wagtail's own admin views
    fall under the admin rule); no row names a pattern that is gone."""
    endpoints = http_endpoints()
    missing = sorted(e.key for e in endpoints if not declared(e))
    assert not missing, (
        "URL patterns without a row (add each to tests/lms/access_matrix/rows_<app>.py):\n"
        + "\n".join(missing)
    )
    stale = set(MATRIX) - {e.key for e in endpoints}
    assert not stale, f"rows for patterns that no longer exist: {sorted(stale)}"
    ws = {e.key for e in websocket_endpoints()}
    assert ws == set(WEBSOCKET), f"WebSocket routes without a row: {sorted(ws - set(WEBSOCKET))}"


HTTP_KEYS = sorted(MATRIX)


@pytest.mark.django_db
class TestHttp:
    """The HTTP patterns, against one world built for the class."""

    @pytest.mark.parametrize("key", HTTP_KEYS)
    def test_the_matrix(self, world, key):
        """Each role gets what the row declares, for the owner's object and (for
        the owner) another person's and a neighbouring one."""
        endpoint = _by_key()[key]
        row = MATRIX[key]
        if isinstance(row, Shadowed):
            with translation.override("en"):
                match = resolve(endpoint.url())
            winner = _by_key()[row.by]
            assert match.func is winner.callback, f"{key} is reachable"
            return
        report = Report()
        for method in ("get", "post"):
            expected = getattr(row, method)
            if expected is None:
                continue
            for role in ROLES:
                seen = run_case(world, endpoint, row, role, method, "own")
                report.check(key, role, method, "own", expected[role], seen)
            # The method itself refused (405) comes before any id: nothing more to try.
            if row.objects and expected[OWNER] != NOT_ALLOWED:
                for which in ("other", "neighbour"):
                    outcome = row.foreign if which == "other" else (row.neighbour or row.foreign)
                    seen = run_case(world, endpoint, row, OWNER, method, which)
                    report.check(key, OWNER, method, which, outcome, seen)
        assert not report.failures, "\n".join(report.failures)

    def test_wagtails_own_admin_views_are_behind_the_door(self, world):
        """Every Wagtail admin view: anonymous visitors to allauth's sign-in,
        people without admin access turned away, staff without MFA asked for a code."""
        report = Report()
        for endpoint in _endpoints():
            if not endpoint.is_admin or project_admin(endpoint):
                continue
            with translation.override("en"):
                match = resolve(endpoint.url())
            if match.func is not endpoint.callback:
                # Shadowed by one of the project's own admin URLs (lms.urls), which has a row.
                winner = next(e for e in _endpoints() if e.callback is match.func)
                assert winner.key in MATRIX, endpoint.key
                continue
            expected = {**WAGTAIL_ADMIN, **WAGTAIL_ADMIN_EXCEPTIONS.get(endpoint.key, {})}
            row = Row()
            for role, outcome in expected.items():
                seen = run_case(world, endpoint, row, role, "get", "own")
                report.check(endpoint.key, role, "get", "any", outcome, seen)
        assert not report.failures, "\n".join(report.failures)


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("key", sorted(WEBSOCKET))
async def test_the_websocket_matrix(key):
    """Each role's connection to a private room is accepted or refused as
    declared, with the owner's room, another person's and a neighbouring id;
    a refused connection leaves no trace in the room."""
    from channels.db import database_sync_to_async
    from channels.testing import WebsocketCommunicator

    from lms.asgi import application

    endpoint = {e.key: e for e in websocket_endpoints()}[key]
    world = await database_sync_to_async(build_world)()
    state = rows("workshops.Participant", "workshops.Connection")

    async def connect(role, which) -> tuple[bool, bool]:
        workshop = {"own": world.own.workshop, "other": world.rival.workshop}.get(which)
        pk = workshop.pk if workshop else neighbour_pk(world.own.workshop, world.rival.workshop)
        headers = [(b"origin", b"http://testserver"), (b"host", b"testserver")]
        cookie = world.clients[role].cookies.get("sessionid")
        if cookie is not None:
            headers.append((b"cookie", f"sessionid={cookie.value}".encode()))
        before = await database_sync_to_async(state)(world)
        communicator = WebsocketCommunicator(
            application, endpoint.url({"workshop_id": pk}), headers=headers
        )
        connected, _ = await communicator.connect(timeout=5)
        if connected:
            await communicator.receive_json_from(timeout=5)  # the welcome
        await communicator.disconnect()
        after = await database_sync_to_async(state)(world)
        return connected, before != after

    failures = []
    for role in ROLES:
        connected, changed = await connect(role, "own")
        expected = WEBSOCKET[key][role]
        if connected != expected or (changed and not connected):
            failures.append(f"{key} as {role}: accepted={connected}, changed={changed}")
    for which in ("other", "neighbour"):
        connected, changed = await connect(OWNER, which)
        if connected or changed:
            failures.append(f"{key} as owner ({which} id): accepted={connected}")
    assert not failures, "\n".join(failures)


_CACHE = {}


def _endpoints():
    if "http" not in _CACHE:
        _CACHE["http"] = http_endpoints()
    return _CACHE["http"]


def _by_key():
    if "keys" not in _CACHE:
        _CACHE["keys"] = {e.key: e for e in _endpoints()}
    return _CACHE["keys"]
