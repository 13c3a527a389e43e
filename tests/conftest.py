"""Shared fixtures: an isolated media root, people, clients, and a browser."""

import os
import shutil

import pytest
from django.core.cache import cache

from accounts.factories import MembershipFactory, OrganisationFactory, UserFactory

# Every Open Badges credential any test signs is checked against 1EdTech's schema.
pytest_plugins = ["tests.certificates.standards"]


@pytest.fixture(autouse=True)
def _isolated_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "private"), "base_url": None},
        },
    }


def ensure_baseline_data() -> None:
    """Recreate the rows that migrations insert (the page tree root, the
    locales, the focus-area taxonomy).

    Transactional tests (browser, WebSocket) end with a flush that empties
    every table, and the test database is reused between runs, so tests
    cannot rely on migration-inserted rows still being there.
    """
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    from accounts.models import FocusArea
    from accounts.taxonomy import FocusAreaCode

    FocusArea.objects.bulk_create(
        [FocusArea(code=code) for code in FocusAreaCode.values], ignore_conflicts=True
    )
    locale, _ = Locale.objects.get_or_create(language_code="km")
    Locale.objects.get_or_create(language_code="en")
    if not Page.objects.filter(depth=1).exists():
        Page.add_root(
            instance=Page(
                title="Root",
                slug="root",
                content_type=ContentType.objects.get_for_model(Page),
                locale=locale,
            )
        )


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        ensure_baseline_data()


@pytest.fixture(autouse=True)
def _baseline_data(request):
    """Before every test that touches the database, make sure the baseline rows exist."""
    from django.test import TransactionTestCase

    if isinstance(request.instance, TransactionTestCase):
        # Django's own test classes (Wagtail's page tests): their transaction is
        # already open, and a flush by an earlier transactional test in this
        # process (pytest-xdist orders tests per process) may have emptied it.
        with request.getfixturevalue("django_db_blocker").unblock():
            ensure_baseline_data()
        return
    names = set(request.fixturenames)
    if names & {"db", "transactional_db", "live_server"} or request.node.get_closest_marker(
        "django_db"
    ):
        request.getfixturevalue("transactional_db" if _is_transactional(request) else "db")
        ensure_baseline_data()


def _is_transactional(request) -> bool:
    marker = request.node.get_closest_marker("django_db")
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        return True
    return bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


@pytest.fixture(autouse=True)
def _fresh_channel_layer():
    """A new channel layer for every test. Each async test runs its own event
    loop, and a Redis layer's locks and pools belong to the loop that made them."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate limits and cached fragments must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    return "correct-horse-battery"


@pytest.fixture
def user(db):
    return UserFactory(email="learner@example.org", display_name="Sokha")


@pytest.fixture
def other_user(db):
    return UserFactory(email="other@example.org", display_name="Dara")


@pytest.fixture
def user_client(client, user):
    client.force_login(user)
    return client


def reauthenticate(client, password="correct-horse-battery"):  # noqa: S107
    """Confirm the password on allauth's re-authentication page, as a person would.

    Sensitive changes (e-mail addresses, the data export, deletion,
    organisation changes) ask for it again within the last five minutes.
    """
    from django.urls import reverse
    from django.utils import translation

    with translation.override("en"):
        response = client.post(reverse("account_reauthenticate"), {"password": password})
    assert response.status_code == 302, "re-authentication failed"


# ---------------------------------------------------------------------------
# Staff: signed in with MFA completed in the session
# ---------------------------------------------------------------------------


def login_with_mfa(client, user):
    """Sign ``user`` in on ``client`` as allauth's MFA stage leaves a session.

    Staff powers hold only in a session that completed MFA
    (``accounts.session_policy``), and ``force_login`` alone records no
    factor. This gives the user TOTP if they have none, signs them in, and
    records a password and a TOTP step in the session with allauth's own
    ``record_authentication``, exactly as a real sign-in does. Returns the
    TOTP authenticator.
    """
    from types import SimpleNamespace

    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator

    from accounts import mfa_secrets

    authenticator, _created = Authenticator.objects.get_or_create(
        user=user,
        type=Authenticator.Type.TOTP,
        defaults={"data": {"secret": mfa_secrets.encrypt("JBSWY3DPEHPK3PXP")}},
    )
    client.force_login(user)
    session = client.session
    request = SimpleNamespace(session=session)
    record_authentication(request, user, "password", email=user.email)
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    session.save()
    return authenticator


@pytest.fixture
def staff_user(db):
    """A superuser (staff, every permission); no TOTP until they sign in with it."""
    return UserFactory(
        email="staff@example.org", display_name="Staff", is_staff=True, is_superuser=True
    )


@pytest.fixture
def staff_client(client, staff_user):
    """A client signed in as ``staff_user``, with MFA completed in its session."""
    login_with_mfa(client, staff_user)
    return client


@pytest.fixture
def organisation(db, user):
    organisation = OrganisationFactory(name_en="Tonle Sap Women's Network", province="04")
    MembershipFactory(user=user, organisation=organisation, role="representative")
    return organisation


# ---------------------------------------------------------------------------
# Browser tests
# ---------------------------------------------------------------------------

CHROMIUM_PATHS = [
    os.environ.get("CHROMIUM_PATH", ""),
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
]
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _chromium_path() -> str | None:
    for path in CHROMIUM_PATHS:
        if path and shutil.which(path):
            return path
    return None


@pytest.fixture(scope="module")
def chromium():
    """A headless Debian Chromium driven by Playwright, for one test module.

    Skipped with a message where Chromium is missing, except under CI
    (``CI=true``), where a missing browser fails the run. Module scope keeps
    Playwright's event loop from outliving the browser tests (WebSocket
    tests in other modules run their own loop).
    """
    path = _chromium_path()
    if path is None:
        message = "Chromium not found (install it with `apt-get install -y chromium`)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop running in this thread, which
    # makes Django refuse ORM calls from test code; the tests themselves are
    # synchronous, so this is safe here (never set it in application code).
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(chromium, live_server):
    """A phone-sized page on the live server. Any request to another host is
    blocked and fails the test: pages must load nothing from third parties.
    So does anything the Content-Security-Policy refuses: the policy must
    never break a page."""
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    foreign = []
    local_origin = live_server.url.rstrip("/")

    def guard(route):
        url = route.request.url
        if url.startswith((local_origin, "data:", "blob:", "about:")):
            route.continue_()
        else:
            foreign.append(url)
            route.abort()

    context.route("**/*", guard)
    page = context.new_page()
    refused = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not foreign, f"requests to other hosts: {foreign}"
    assert not refused, f"refused by the Content-Security-Policy: {refused}"
