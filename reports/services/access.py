"""Who may see the reports."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

PERMISSION = "reports.view_reports"


def may_view_reports(user) -> bool:
    """Platform staff with the reports permission (superusers have every permission)."""
    return bool(user.is_authenticated and user.is_active and user.has_perm(PERMISSION))


def check_may_view_reports(user) -> None:
    if not may_view_reports(user):
        raise PermissionDenied
