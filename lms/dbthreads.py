"""Database work called from the event loop: whether it keeps to one thread.

SQLite takes one writer at a time, so calls from the event loop keep to one
thread there; PostgreSQL takes them side by side. Reading that from
``connection.vendor`` on the event loop is not free: Django's connections
are thread-local, and on a thread that runs an event loop asgiref makes
them context-local too, so every WebSocket connection that asked got a
``DatabaseWrapper`` of its own, never connected. Each is eight objects that
refer to each other, garbage that only the cycle collector frees: 2,000
people joining made 2,000 of them, and the full collections that walked
them paused every room on the process. The engine is read from the
settings instead, which are the same in every context.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections

SQLITE = "django.db.backends.sqlite3"


def one_thread(alias: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether database calls from the event loop should keep to one thread (SQLite)."""
    return connections.settings[alias]["ENGINE"] == SQLITE
