"""What a signed-in session may do: staff powers only after MFA, and idle expiry.

Two rules, applied to every HTTP request (``accounts.middleware``) and every
WebSocket connection (``accounts.middleware.SessionPolicyScopeMiddleware``):

* **Staff powers need MFA in this session.** A person with staff powers
  (``is_staff``, ``is_superuser`` or Wagtail's ``access_admin``) whose
  session has not completed a second factor is handed to the rest of the
  code as an ordinary user: ``is_staff`` and ``is_superuser`` read ``False``
  and every permission check answers no. allauth records each way a session
  authenticated (``allauth.account.authentication.get_authentication_records``);
  an ``"mfa"`` record there is what counts, never the mere fact that the
  account has TOTP set up. The admin itself sends such a session to enter a
  code (or to set TOTP up) instead of letting Wagtail see an ordinary user.
* **Sessions expire when idle**: after ``ACCOUNTS_SESSION_IDLE_TIMEOUT``
  seconds without a request, or ``ACCOUNTS_STAFF_SESSION_IDLE_TIMEOUT`` for
  staff. The last-seen time is written to the session at most once every
  ``ACTIVITY_WRITE_INTERVAL`` seconds, so browsing does not save the session
  on every page.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

from allauth.account.authentication import get_authentication_records
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.utils.functional import SimpleLazyObject

LAST_SEEN_SESSION_KEY = "accounts_last_seen"
ACTIVITY_WRITE_INTERVAL = 60
ADMIN_PERMISSION = "wagtailadmin.access_admin"


def has_staff_powers(user) -> bool:
    """Whether ``user`` (the real one, not a withheld view) has powers that need MFA."""
    if not user.is_authenticated:
        return False
    if isinstance(user, WithheldPowers):
        return True
    return bool(user.is_staff or user.is_superuser or user.has_perm(ADMIN_PERMISSION))


def session_completed_mfa(session, user) -> bool:
    """Whether this session proved a second factor for ``user`` (allauth's records)."""
    records = get_authentication_records(SimpleNamespace(session=session), user)
    return any(record.get("method") == "mfa" for record in records)


def needs_mfa(session, user) -> bool:
    """A staff session that has not completed MFA: its powers are withheld."""
    return has_staff_powers(user) and not session_completed_mfa(session, user)


def has_totp(user) -> bool:
    return is_mfa_enabled(user, types=["totp"])


class WithheldPowers(SimpleLazyObject):
    """The signed-in user as an ordinary user: no staff flag, no permissions.

    Everything else (identity, memberships, saving) goes to the real user, so a
    ``save()`` never writes the withheld flags back.
    """

    is_staff = False
    is_superuser = False

    def __init__(self, user):
        super().__init__(lambda: user)

    def has_perm(self, perm, obj=None) -> bool:
        return False

    def has_perms(self, perm_list, obj=None) -> bool:
        return False

    def has_module_perms(self, app_label) -> bool:
        return False

    def get_all_permissions(self, obj=None) -> set:
        return set()

    def get_user_permissions(self, obj=None) -> set:
        return set()

    def get_group_permissions(self, obj=None) -> set:
        return set()


def idle_timeout(user) -> int:
    """Seconds of inactivity after which the session of ``user`` ends."""
    if has_staff_powers(user):
        return settings.ACCOUNTS_STAFF_SESSION_IDLE_TIMEOUT
    return settings.ACCOUNTS_SESSION_IDLE_TIMEOUT


def is_idle_expired(session, user, now: float | None = None) -> bool:
    last_seen = session.get(LAST_SEEN_SESSION_KEY)
    if not isinstance(last_seen, int | float):
        return False  # signed in before the rule existed: starts counting now
    now = time.time() if now is None else now
    return now - last_seen > idle_timeout(user)


def note_activity(session, now: float | None = None) -> None:
    """Record that the session was used (at most one write a minute)."""
    now = time.time() if now is None else now
    last_seen = session.get(LAST_SEEN_SESSION_KEY)
    if not isinstance(last_seen, int | float) or now - last_seen >= ACTIVITY_WRITE_INTERVAL:
        session[LAST_SEEN_SESSION_KEY] = int(now)
