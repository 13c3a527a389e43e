"""The live room: one WebSocket consumer per connection.

The protocol is written down in ``docs/workshop-protocol.md``. This consumer
only parses, limits and routes frames; every state change is a call into
``workshops.services`` through ``database_sync_to_async``, which stores the
event and broadcasts it to the room's group after commit. The group's
messages reach the consumer through its process's hub (``workshops.fanout``).

The consumer lives in ``room`` (admission, the connection's life, the
welcome); what it reads from the client in ``client``; what it sends of the
room (live events, presence, pause and catch-up, history) in ``delivery``;
the protocol's numbers in ``protocol``. ``workshops.consumers.WorkshopRoomConsumer``
is what routing serves.
"""

from ..services import ERROR_MESSAGES
from .protocol import (
    CLOSE_FELL_BEHIND,
    CLOSE_FLOODING,
    CLOSE_REMOVED,
    CLOSE_SILENT,
    CLOSE_TOO_MANY_ERRORS,
    HEARTBEAT_INTERVAL,
    HISTORY_PAGE,
    MAX_FRAME_CHARS,
    MAX_STRIKES,
    PROTOCOL_VERSION,
    RATE_BURST,
    RATE_PER_SECOND,
    STRIKE_WINDOW,
)
from .room import WorkshopRoomConsumer

__all__ = [
    "CLOSE_FELL_BEHIND",
    "CLOSE_FLOODING",
    "CLOSE_REMOVED",
    "CLOSE_SILENT",
    "CLOSE_TOO_MANY_ERRORS",
    "ERROR_MESSAGES",
    "HEARTBEAT_INTERVAL",
    "HISTORY_PAGE",
    "MAX_FRAME_CHARS",
    "MAX_STRIKES",
    "PROTOCOL_VERSION",
    "RATE_BURST",
    "RATE_PER_SECOND",
    "STRIKE_WINDOW",
    "WorkshopRoomConsumer",
]
