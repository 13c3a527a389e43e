"""One ASGI application for HTTP and WebSocket.

Django's HTTP application is built first so that apps are loaded before any
consumer module imports models.
"""

import gc
import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from accounts.middleware import SessionPolicyScopeMiddleware  # noqa: E402
from certificates.uploads import RefuseOversizeUploads  # noqa: E402
from workshops.origin import SameOriginValidator  # noqa: E402
from workshops.routing import websocket_urlpatterns  # noqa: E402
from workshops.serverlog import install as quiet_client_mistakes  # noqa: E402

quiet_client_mistakes()

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
