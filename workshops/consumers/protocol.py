"""The room protocol's numbers (see ``docs/workshop-protocol.md``) and the thread hop.

Tests tune ``HEARTBEAT_TIMEOUT``, ``PRESENCE_LIST_LIMIT``, ``MAX_BACKLOG`` and
``STALL_TIMEOUT`` here: the consumer reads them from this module when it needs them.
"""

from __future__ import annotations

from channels.db import DatabaseSyncToAsync
from django.conf import settings
from django.db import connection

from ..services.room import frames


def database_sync_to_async(func):
    """Run ``func`` (ORM work) in a worker thread, closing stale connections around it.

    On PostgreSQL not thread-sensitive: otherwise every connection of a
    process queues its queries on one shared thread, and one person's message
    waits for everyone's heartbeats. Each call is a self-contained
    transaction and the room's row lock orders writers, so they may run side
    by side. SQLite writes one at a time whatever we do, so there the calls
    keep to the one thread.
    """
    return DatabaseSyncToAsync(func, thread_sensitive=connection.vendor == "sqlite")


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
