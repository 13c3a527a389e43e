"""The room protocol's numbers (see ``docs/workshop-protocol.md``) and the thread hop.

Tests tune ``HEARTBEAT_TIMEOUT``, ``PRESENCE_LIST_LIMIT``, ``MAX_BACKLOG`` and
``STALL_TIMEOUT`` here: the consumer reads them from this module when it needs them.
"""

from __future__ import annotations

import time

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import connections

from lms.dbthreads import one_thread

from ..services.room import frames

#: A database connection used this recently (seconds) without an error is not
#: health-checked again before the next call (see ``RoomDatabaseCall``).
HEALTH_CHECK_IDLE = 5.0


def _tidy_connections() -> None:
    """``close_old_connections``, without the health check's round trip for a
    connection that worked a moment ago."""
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        conn.close_if_unusable_or_obsolete()
        used_at = getattr(conn, "room_used_at", None)
        recent = used_at is not None and now - used_at < HEALTH_CHECK_IDLE
        if conn.connection is not None and recent:
            conn.health_check_done = True


class RoomDatabaseCall(SyncToAsync):
    """Channels' ``DatabaseSyncToAsync`` (stale connections closed before and after each
    call), minus one round trip per call.

    With ``CONN_HEALTH_CHECKS`` (production), Django checks a persistent
    connection with a ``SELECT 1`` before its first query after every
    ``close_old_connections``, which Channels runs around every call: in the
    room that was one more round trip per chat message, before the message's
    own. Here a connection that completed a call without an error in the
    last ``HEALTH_CHECK_IDLE`` seconds is trusted; one idle for longer is
    checked as before. If the database restarted within those seconds, the
    next call fails (the client gets ``server_error`` and may resend with the
    same ``client_id``), and the call after it reconnects: errors mark the
    connection, which the next check then tests.
    """

    def thread_handler(self, loop, *args, **kwargs):
        _tidy_connections()
        try:
            return super().thread_handler(loop, *args, **kwargs)
        finally:
            now = time.monotonic()
            for conn in connections.all(initialized_only=True):
                # Trusted next time only if nothing went wrong with it in this call.
                healthy = conn.connection is not None and not conn.errors_occurred
                conn.close_if_unusable_or_obsolete()
                conn.room_used_at = now if healthy and conn.connection is not None else None


def database_sync_to_async(func):
    """Run ``func`` (ORM work) in a worker thread, closing stale connections around it.

    On PostgreSQL not thread-sensitive: otherwise every connection of a
    process queues its queries on one shared thread, and one person's message
    waits for everyone's heartbeats. Each call is a self-contained
    transaction and the room's row lock orders writers, so they may run side
    by side. SQLite writes one at a time whatever we do, so there the calls
    keep to the one thread.
    """
    return RoomDatabaseCall(func, thread_sensitive=one_thread())


#: Largest frame accepted from a client, in characters (before JSON decoding).
MAX_FRAME_CHARS = frames.MAX_FRAME_CHARS
#: Token bucket per connection: this many frames at once, refilled at RATE_PER_SECOND.
RATE_BURST = 10
RATE_PER_SECOND = 2.0
#: Protocol errors (garbage, oversize, flooding) tolerated within STRIKE_WINDOW seconds.
MAX_STRIKES = 10
STRIKE_WINDOW = 60.0
#: The client pings every HEARTBEAT_INTERVAL; silence for HEARTBEAT_TIMEOUT closes it
#: (checked by the process heartbeat, ``workshops.presence_fanout``).
HEARTBEAT_INTERVAL = 25
HEARTBEAT_TIMEOUT = 70
HISTORY_PAGE = 500
#: Protocol 2: above this many people online, a participant (not a host) who joins
#: is sent the online count rather than the list (``presence.sync`` asks for it).
PRESENCE_LIST_LIMIT = 100

#: The version of docs/workshop-protocol.md this server speaks.
PROTOCOL_VERSION = 2

# Close codes (see the protocol document).
CLOSE_REMOVED = 4403
CLOSE_TOO_MANY_ERRORS = 4400
CLOSE_FLOODING = 4429
CLOSE_SILENT = 4408
CLOSE_FELL_BEHIND = 4409
#: Live events queued for a connection that is not reading them; beyond this it is
#: closed and resumes from the stored log when it reconnects.
MAX_BACKLOG = 500
#: A connection that took none of its queued live events for this many seconds
#: stopped reading: it is closed (4409) long before the server's WebSocket
#: keepalive would give up on it (1011, 75 s with the README's settings, 40 s
#: with Uvicorn's defaults), and leaves the room at once. A phone on GPRS
#: (5 KB/s) still takes a frame every few seconds. The setting
#: ``WORKSHOP_STALL_TIMEOUT`` may change it; the document gives the default.
STALL_TIMEOUT = float(getattr(settings, "WORKSHOP_STALL_TIMEOUT", 20.0))
