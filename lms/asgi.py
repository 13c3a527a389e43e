"""One ASGI application for HTTP and WebSocket.

Django's HTTP application is built first so that apps are loaded before any
consumer module imports models.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddleware, get_user  # noqa: E402
from channels.db import DatabaseSyncToAsync  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.sessions import CookieMiddleware, SessionMiddleware  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.middleware import SessionPolicyScopeMiddleware  # noqa: E402
from certificates.uploads import RefuseOversizeUploads  # noqa: E402
from workshops.origin import SameOriginValidator  # noqa: E402
from workshops.routing import websocket_urlpatterns  # noqa: E402
from workshops.serverlog import install as quiet_client_mistakes  # noqa: E402

quiet_client_mistakes()


class ParallelAuthMiddleware(AuthMiddleware):
    """Channels' ``AuthMiddleware``, resolving the session's user in any worker thread.

    Channels runs every handshake's session and user queries on one shared
    thread, so when 2,000 people arrive at once their handshakes queue
    behind each other. On PostgreSQL each lookup is independent and may run
    beside the others (SQLite keeps to one thread).
    """

    async def resolve_scope(self, scope):
        lookup = DatabaseSyncToAsync(get_user.func, thread_sensitive=connection.vendor == "sqlite")
        scope["user"]._wrapped = await lookup(scope)


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
