"""Response headers that every page gets (see ``docs/security.md``)."""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils.cache import patch_cache_control

ADMIN_PREFIX = "/admin/"


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` on every response; downloads never cached.

    A file sent as an attachment (a certificate PDF, a shared file, the
    personal-data export, a CSV or transcript) is someone's: it is sent with
    ``Cache-Control: private, no-store`` so that neither a proxy nor the
    browser keeps a copy. Pages for a signed-in person are ``private``, so no
    shared cache keeps them either.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        if response.get("Content-Disposition", "").lower().startswith("attachment"):
            patch_cache_control(response, private=True, no_store=True)
        elif not response.has_header("Cache-Control") and _signed_in(request):
            patch_cache_control(response, private=True)
        return response


def _signed_in(request) -> bool:
    session = getattr(request, "session", None)
    return session is not None and SESSION_KEY in session


class SiteCSPMiddleware(CSPMiddleware):
    """django-csp, with the admin's own policy under ``/admin/``.

    The site's pages get ``CONTENT_SECURITY_POLICY``; the Wagtail admin,
    which still writes a few inline scripts, gets
    ``ADMIN_CONTENT_SECURITY_POLICY`` (what it must allow, and why, is in
    ``docs/security.md``). A view that sets its own policy keeps it.
    """

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and parts.config is None and request.path_info.startswith(ADMIN_PREFIX):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"])
        return parts
