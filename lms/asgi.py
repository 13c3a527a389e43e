"""One ASGI application for HTTP and WebSocket.

Django's HTTP application is built first so that apps are loaded before any
consumer module imports models.
"""

import copy
import gc
import os
from collections import defaultdict

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddleware, get_user  # noqa: E402
from channels.db import DatabaseSyncToAsync  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402
from django.conf import settings  # noqa: E402
from django.contrib.auth import (  # noqa: E402
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend  # noqa: E402
from django.contrib.auth.models import AnonymousUser, Permission  # noqa: E402
from django.core.exceptions import ValidationError  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import constant_time_compare  # noqa: E402

from accounts.middleware import SessionPolicyScopeMiddleware  # noqa: E402
from certificates.uploads import RefuseOversizeUploads  # noqa: E402
from lms.batching import Batch, batch_for  # noqa: E402
from lms.dbthreads import one_thread  # noqa: E402
from workshops.origin import SameOriginValidator  # noqa: E402
from workshops.routing import websocket_urlpatterns  # noqa: E402
from workshops.serverlog import install as quiet_client_mistakes  # noqa: E402

quiet_client_mistakes()

#: The most handshakes whose users are looked up in one database call.
MAX_BATCH = 200
DB_SESSIONS = "django.contrib.sessions.backends.db"


class ParallelAuthMiddleware(AuthMiddleware):
    """Channels' ``AuthMiddleware``, resolving the users of handshakes that arrive together
    in one database call, beside the process's other database work.

    Channels runs each handshake's session and user queries on one shared
    thread, so when 2,000 people arrive at once their handshakes queue
    behind each other, three queries each (the session, the user, and the
    permission check of the session policy, ``accounts.session_policy``).
    Here the handshakes waiting at one moment are looked up together: one
    query for their sessions, one for their users, two for their
    permissions, whatever their number; the first is looked up at once and
    those arriving meanwhile form the next batch. On SQLite (one writer
    thread) and for other session engines, each is looked up as Channels does.
    """

    async def resolve_scope(self, scope):
        batch = batch_for("users", lambda: Batch(_lookup_users, max_size=MAX_BATCH))
        scope["user"]._wrapped = await batch.submit(scope)


async def _lookup_users(scopes: list[dict]) -> list:
    lookup = DatabaseSyncToAsync(_users_for, thread_sensitive=one_thread())
    return await lookup(scopes)


def _users_for(scopes: list[dict]) -> list:
    """``channels.auth.get_user`` for each of ``scopes``, in a few queries for them all."""
    if settings.SESSION_ENGINE != DB_SESSIONS or one_thread():
        return [get_user.func(scope) for scope in scopes]
    sessions = [scope["session"]._wrapped for scope in scopes]
    _load_sessions(sessions)
    users = _load_users(sessions)
    _load_permissions([user for user in users if user is not None])
    return [user or AnonymousUser() for user in users]


def _load_sessions(sessions) -> None:
    """Load the stores as ``SessionStore.load`` does, in one query for them all."""
    keys = {session.session_key for session in sessions if session.session_key}
    model = type(sessions[0]).get_model_class() if sessions else None
    rows = {}
    if keys:
        rows = dict(
            model.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).values_list(
                "session_key", "session_data"
            )
        )
    for session in sessions:
        data = rows.get(session.session_key)
        if data is None:
            session._session_key = None  # as a missing or expired session is
            session._session_cache = {}
        else:
            session._session_cache = session.decode(data)


def _load_users(sessions) -> list:
    """The user each session is signed in as (or ``None``), as ``channels.auth.get_user``."""
    wanted: dict[int, tuple] = {}
    model = get_user_model()
    for index, session in enumerate(sessions):
        try:
            user_id = model._meta.pk.to_python(session[SESSION_KEY])
            backend_path = session[BACKEND_SESSION_KEY]
        except (KeyError, ValidationError):
            continue
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            wanted[index] = (user_id, backend_path)
    found = model._default_manager.in_bulk({user_id for user_id, _path in wanted.values()})
    users: list = [None] * len(sessions)
    for index, (user_id, backend_path) in wanted.items():
        backend = load_backend(backend_path)
        if type(backend).get_user is ModelBackend.get_user:
            user = found.get(user_id)
            user = copy.copy(user) if user and backend.user_can_authenticate(user) else None
        else:
            user = backend.get_user(user_id)
        if hasattr(user, "get_session_auth_hash"):
            session = sessions[index]
            session_hash = session.get(HASH_SESSION_KEY)
            if not (
                session_hash and constant_time_compare(session_hash, user.get_session_auth_hash())
            ):
                session.flush()
                user = None
        users[index] = user
    return users


def _load_permissions(users) -> None:
    """Fill ``ModelBackend``'s permission cache of active users who are neither staff nor
    superusers, whose ``has_perm`` the session policy asks (``wagtailadmin.access_admin``)."""
    plain = [u for u in users if u.is_active and not u.is_staff and not u.is_superuser]
    if not plain:
        return
    perms = defaultdict(set)
    for through in ("user", "group__user"):
        for user_id, app, codename in (
            Permission.objects.filter(**{f"{through}__in": plain})
            .values_list(through, "content_type__app_label", "codename")
            .order_by()
        ):
            perms[user_id].add(f"{app}.{codename}")
    for user in plain:
        user._perm_cache = perms[user.pk]


def AuthMiddlewareStack(inner):  # noqa: N802 - the name Channels gives it
    return CookieMiddleware(SessionMiddleware(ParallelAuthMiddleware(inner)))


application = ProtocolTypeRouter(
    {
        "http": RefuseOversizeUploads(django_asgi_app),
        # Only pages of this site (scheme, host and port) may open a room; the
        # session rules of the site (idle expiry, staff powers only after
        # MFA) apply to the room's connections too.
        "websocket": SameOriginValidator(
            AuthMiddlewareStack(SessionPolicyScopeMiddleware(URLRouter(websocket_urlpatterns)))
        ),
    }
)

# Everything loaded so far (Django, Wagtail, every app's modules) lives as
# long as the process. Moved out of the collector's reach, it no longer makes
# each full collection walk a few hundred thousand objects: those pauses
# (about 170 ms here) stalled every live room in the process at once.
gc.collect()
gc.freeze()
