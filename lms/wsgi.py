"""WSGI entry point, for HTTP-only deployments and tools that expect one.
Live workshop rooms need the ASGI application in ``lms.asgi``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")
application = get_wsgi_application()
