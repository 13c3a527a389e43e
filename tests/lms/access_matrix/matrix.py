"""The whole table: every app's rows in one mapping, as the tests read it."""

from __future__ import annotations

from . import (
    rows_accounts,
    rows_certificates,
    rows_courses,
    rows_lms,
    rows_mentoring,
    rows_notifications,
    rows_reports,
    rows_workshops,
)
from .shapes import Row, Shadowed

#: One module of rows per app; a new app's module joins this list.
APPS = (
    rows_lms,
    rows_accounts,
    rows_courses,
    rows_workshops,
    rows_mentoring,
    rows_certificates,
    rows_notifications,
    rows_reports,
)


def _merge(modules) -> dict[str, Row | Shadowed]:
    """The rows of ``modules``; a pattern declared in two of them fails here."""
    merged: dict[str, Row | Shadowed] = {}
    declared_in: dict[str, str] = {}
    for module in modules:
        for key, row in module.ROWS.items():
            assert key not in declared_in, (
                f"{key!r} has a row in {declared_in[key]} and in {module.__name__}"
            )
            declared_in[key] = module.__name__
            merged[key] = row
    return merged


#: Every HTTP pattern's row, by key (the route without the language prefix).
MATRIX = _merge(APPS)
#: The WebSocket routes. ``True``: the connection is accepted.
WEBSOCKET = rows_workshops.WEBSOCKET
#: The rule for Wagtail's own admin views, and the views that answer differently.
WAGTAIL_ADMIN = rows_lms.WAGTAIL_ADMIN
WAGTAIL_ADMIN_EXCEPTIONS = rows_lms.WAGTAIL_ADMIN_EXCEPTIONS
