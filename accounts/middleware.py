"""The session rules of ``accounts.session_policy``, for HTTP and for WebSocket."""

from __future__ import annotations

from channels.db import database_sync_to_async
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import session_policy

ADMIN_PREFIX = "/admin/"
#: Admin paths that only redirect to allauth (lms.urls): reachable without MFA.
ADMIN_ALWAYS_ALLOWED = {"/admin/login/", "/admin/logout/"}
ADMIN_PASSWORD_RESET = "/admin/password_reset/"  # noqa: S105 - a path


class SessionPolicyMiddleware:
    """Idle expiry, and staff powers only for sessions that completed MFA.

    Sits after authentication and messages. A staff session without MFA is
    an ordinary user everywhere (``request.user`` becomes a
    ``WithheldPowers``), and in the admin it is sent to enter a code, or to
    set TOTP up if it has none, before Wagtail sees the request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if SESSION_KEY not in request.session:
            return self.get_response(request)  # anonymous: nothing to check
        user = request.user
        if not user.is_authenticated:
            return self.get_response(request)
        if session_policy.is_idle_expired(request.session, user):
            language = user.preferred_language
            logout(request)
            with translation.override(language):
                messages.info(request, _("You were signed out after a while without activity."))
            return self.get_response(request)
        session_policy.note_activity(request.session)
        if session_policy.needs_mfa(request.session, user):
            path = request.path_info
            if (
                path.startswith(ADMIN_PREFIX)
                and path not in ADMIN_ALWAYS_ALLOWED
                and not path.startswith(ADMIN_PASSWORD_RESET)
            ):
                return self._ask_for_mfa(request, user)
            withheld = session_policy.WithheldPowers(user)
            request.user = withheld

            async def auser():
                return withheld

            request.auser = auser
        return self.get_response(request)

    def _ask_for_mfa(self, request, user):
        with translation.override(user.preferred_language):
            if session_policy.has_totp(user):
                messages.warning(
                    request,
                    _("Enter a code from your authenticator app to use the admin."),
                )
                return redirect_to_login(request.get_full_path(), reverse("mfa_reauthenticate"))
            messages.warning(
                request,
                _(
                    "Set up two-factor authentication before you use the admin. "
                    "It protects the people whose data the platform holds."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))


class SessionPolicyScopeMiddleware:
    """The same rules for a WebSocket connection's ``scope["user"]``.

    Goes inside Channels' ``AuthMiddlewareStack`` (the session and the user
    are resolved by then). An idle-expired session connects as anonymous; a
    staff session without MFA connects as an ordinary user.
    """

    def __init__(self, inner):
        self.inner = inner

    async def __call__(self, scope, receive, send):
        user = scope.get("user")
        session = scope.get("session")
        if user is not None and session is not None and user.is_authenticated:
            scope = dict(scope, user=await _scope_user(session, user))
        return await self.inner(scope, receive, send)


@database_sync_to_async
def _scope_user(session, user):
    # The lazy user from Channels is resolved already; unwrap it once here.
    real = getattr(user, "_wrapped", user)
    if session_policy.is_idle_expired(session, real):
        return AnonymousUser()
    if session_policy.needs_mfa(session, real):
        return session_policy.WithheldPowers(real)
    return user
