"""The live room's consumer: admission, the connection's life, and the welcome."""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import deque
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.sessions import InstanceSessionWrapper
from django.conf import settings
from django.utils import translation

from .. import admission, fanout, presence_fanout, services
from ..services.room import frames, ratelimit
from . import protocol
from .client import ClientFrames
from .delivery import RoomDelivery
from .protocol import (
    CLOSE_FELL_BEHIND,
    CLOSE_FLOODING,
    CLOSE_SILENT,
    CLOSE_TOO_MANY_ERRORS,
    HEARTBEAT_INTERVAL,
    HISTORY_PAGE,
    MAX_FRAME_CHARS,
    PROTOCOL_VERSION,
    RATE_BURST,
    RATE_PER_SECOND,
    database_sync_to_async,
)

logger = logging.getLogger(__name__)


def _frame_send(send):
    """The server's own ``send`` under Channels' session wrapper, for ``websocket.send``.

    ``SessionMiddleware`` wraps ``send`` to save a modified session on
    ``http.response.start``; for every other message it reads the session's
    state through its lazy proxy and passes the message on untouched. A room
    sends each event to every person, so the room's frames skip it; the
    handshake, the close and everything else still go through it.
    """
    wrapper = getattr(send, "__self__", None)
    if isinstance(wrapper, InstanceSessionWrapper) and "websocket.send" not in (
        wrapper.save_message_types + wrapper.cookie_response_message_types
    ):
        return wrapper.real_send
    return send


class WorkshopRoomConsumer(ClientFrames, RoomDelivery, AsyncWebsocketConsumer):
    connection_id: int | None = None
    writer: asyncio.Task | None = None
    #: Leaves the room and closes a connection that went silent or stopped reading.
    closer: asyncio.Task | None = None
    #: Set when nothing more may be queued for the client (closing, or falling behind).
    closing = False
    #: Set once ``websocket.close`` went out or the client is gone: nothing is sent after.
    close_sent = False
    hub: fanout.RoomHub | None = None
    beat: presence_fanout.ProcessBeat | None = None
    #: Whether this client was told that live delivery is paused.
    paused = False
    #: The highest seq sent to this client, in a history or live.
    highest = 0
    #: ``base_send`` without the session wrapper, for live frames (``_frame_send``).
    frame_send = None

    # -- connection lifecycle -------------------------------------------------

    async def __call__(self, scope, receive, send):
        """Serve one connection, without a channel of its own on the channel layer.

        Channels gives every consumer a layer channel and waits on it beside
        the WebSocket. Nothing sends to a room connection's channel: room
        messages come through the process's hub (``workshops.fanout``). So
        no per-connection channel is made: on the pub/sub layer that is one
        Redis subscription per connection, and with Redis down, making it
        (pub/sub) or waiting on it (core) fails and takes the connection down.

        With one source left, frames are read and dispatched in this task:
        Channels' ``await_many_dispatch`` makes a task and an ``asyncio.wait``
        per frame to wait on several sources, objects that each ping left
        for the cycle collector to move along its generations.

        Whatever ends the connection (a close, a crash, a cancelled task), it
        leaves the hub and the room's presence.
        """
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = f"room.{uuid.uuid4().hex}"  # names the Connection row only
        self.base_send = send
        self.frame_send = _frame_send(send)
        try:
            while True:
                await self.dispatch(await receive())
        except StopConsumer:
            pass
        finally:
            self.close_sent = self.closing = True
            try:
                await self._leave()
            except Exception:
                logger.warning("Leaving workshop room failed", exc_info=True)

    async def connect(self):
        user = self.scope["user"]
        self.workshop_id = int(self.scope["url_route"]["kwargs"]["workshop_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        self.language = self._language(query, user)
        self.user_id = user.pk
        #: The version the client speaks: 2 lets a large room send it counts only.
        self.protocol = 2 if query.get("protocol", [""])[0] == "2" else 1
        since = frames.parse_since(query.get("since", []))
        if user.is_authenticated:
            wait = 0
            if since is not None:
                wait = await database_sync_to_async(ratelimit.wait_before_joining)(
                    self.workshop_id, user.pk
                )
            if since is None or wait:
                # Told why before joining: no presence, no registration, no history.
                await self.accept()
                if since is None:
                    await self.send_error("invalid")
                    await self.close(code=CLOSE_TOO_MANY_ERRORS)
                else:
                    await self.close(code=CLOSE_FLOODING, reason=f"retry_after={wait}")
                return
        self.beat = presence_fanout.process_beat()
        await self.beat.start(self)
        # Admission and the welcome in one database call: a constant number of
        # queries whatever the room's size (the list only where it is sent).
        admitted = await admission.admit(self, user, self.beat.key)
        if admitted is None:
            # Refused before accept: the handshake fails with HTTP 403.
            self.beat.stop(self)
            await self.close()
            return
        joined, welcome = admitted
        self.group = services.group_name(self.workshop_id)
        self.connection_id = joined.connection.pk
        self.pid = joined.participant.pk
        self.tokens = float(RATE_BURST)
        self.refilled_at = time.monotonic()
        self.last_heard = time.monotonic()
        self.heartbeat_timeout = protocol.HEARTBEAT_TIMEOUT
        self.strikes: deque[float] = deque()
        # Live events that arrive before the history is out wait here.
        self.held: list[dict] | None = []
        self.backlog: deque[dict] = deque()
        self.online_sent = None
        # Listen to the room before reading history, so no event falls between the two.
        self.hub = await fanout.join(self.channel_layer, self.group, self)
        self.hub.online = welcome["online"]  # the freshest count this process has
        if self.hub.next_seq is None:  # the hub's first listener: the order starts here
            self.hub.next_seq = welcome["workshop"]["last_seq"] + 1
        await self.accept()
        await self.send_json(welcome)
        if since > welcome["workshop"]["last_seq"]:
            # The client holds events this room never had (another server's log,
            # a restored database): it starts again from the beginning.
            await self.send_error("since_ahead")
            since = 0
        self.history_upto = await self._send_history(since, None, fill=False)
        self.highest = self.history_upto
        while self.held:  # what arrived meanwhile, in order, minus what the history held
            await self._forward(self.held.pop(0))
        self.held = None
        if not self.hub.monitor.live:
            await self._pause()
        if joined.announce is not None:
            presence_fanout.batcher(self.channel_layer, self.workshop_id).joined(joined.announce)

    def _admit(self, user, process: str):
        joined = services.join_room(user, self.workshop_id, self.channel_name, process)
        if joined is None:
            return None
        return joined, self._welcome(joined)

    async def disconnect(self, code):
        self.close_sent = True  # the client is gone
        await self._leave()

    async def _leave(self):
        """Stop listening to the room and mark the connection gone; safe to call twice."""
        self.closing = True
        if self.writer is not None and self.writer is not asyncio.current_task():
            self.writer.cancel()
        if self.beat is not None:
            self.beat.stop(self)
        connection_id, self.connection_id = self.connection_id, None
        if connection_id is not None:
            try:
                await fanout.leave(self.channel_layer, self.group, self)
            finally:
                # Closed with the process's other departures (a mass disconnect is
                # a few statements, not a transaction per person).
                gone = await presence_fanout.leave(connection_id)
                if gone:
                    presence_fanout.batcher(self.channel_layer, self.workshop_id).left(gone)

    def check_silence(self, now: float) -> None:
        """Called by the process heartbeat: close a connection that stopped pinging
        (4408), or one that stopped reading what it is sent (4409)."""
        last_heard = getattr(self, "last_heard", None)  # None while admission runs
        if last_heard is None or self.closing:
            return
        if now - last_heard > self.heartbeat_timeout:
            self._shut(CLOSE_SILENT)
        elif self._stalled(now):
            self._shut(CLOSE_FELL_BEHIND)

    def _stalled(self, now: float) -> bool:
        """Whether the oldest live event queued for the client has waited ``STALL_TIMEOUT``:
        the write before it is still waiting for the client to read (its socket's
        buffers are full). A client that reads, however slowly, moves it on."""
        head = self.backlog[0] if self.backlog else None
        if head is None or head is not getattr(self, "_stall_head", None):
            self._stall_head, self._stall_since = head, now
            return False
        return now - self._stall_since > protocol.STALL_TIMEOUT

    def _shut(self, code: int) -> None:
        """Leave the room now and close with ``code``. The close frame goes out once the
        client reads again (behind what was already on its way); until then the person
        is not listed as present, and nothing more is queued for them."""
        self.closing = True
        self.backlog.clear()
        if self.writer is not None:
            self.writer.cancel()
        # Not the writer: leaving the room is not cancelled when the client goes.
        self.closer = asyncio.create_task(self._leave_and_close(code))

    async def _leave_and_close(self, code: int) -> None:
        try:
            await self._leave()
        except Exception as error:  # noqa: BLE001 - closed all the same; the sweep tidies up
            logger.warning("Leaving workshop %s failed: %r", self.workshop_id, error)
        await self.close(code=code)

    async def dispatch(self, message):
        """Route a message to its handler without Channels' per-handler connection check.

        Since Channels 4.2, ``AsyncConsumer.dispatch`` runs Django's
        ``close_old_connections`` through a thread hop before every handler,
        every frame a client sends included. This consumer never touches the
        ORM on the event loop: each query runs in ``database_sync_to_async``,
        which closes stale connections itself before and after, so the extra
        hop only costs time. Set
        ``WORKSHOPS_CLOSE_OLD_CONNECTIONS_PER_HANDLER = True`` to restore it.
        """
        if getattr(settings, "WORKSHOPS_CLOSE_OLD_CONNECTIONS_PER_HANDLER", False):
            return await super().dispatch(message)
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        await handler(message)

    # -- helpers --------------------------------------------------------------

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))

    async def send(self, text_data=None, bytes_data=None, close=False):
        """Send a frame, unless the connection is closed or closing (then drop it)."""
        if self.close_sent:
            return
        try:
            await super().send(text_data=text_data, bytes_data=bytes_data)
        except OSError:  # the client went away (Uvicorn's ClientDisconnected)
            self.close_sent = self.closing = True
            return
        if close:
            await self.close(close)

    async def send_frame(self, text: str) -> None:
        """``send(text_data=text)`` for the room's live events: one frame per person per
        event, so without the layers between (see ``_frame_send``)."""
        if self.close_sent:
            return
        try:
            await (self.frame_send or self.base_send)({"type": "websocket.send", "text": text})
        except OSError:  # the client went away (Uvicorn's ClientDisconnected)
            self.close_sent = self.closing = True

    async def close(self, code=None, reason=None):
        """Close once; a second close, or one after the client left, does nothing."""
        if self.close_sent:
            return
        self.close_sent = self.closing = True
        try:
            await super().close(code=code, reason=reason)
        except OSError:
            pass

    def _welcome(self, joined) -> dict:
        workshop = joined.workshop
        participant = joined.participant
        votes = {"votes": {}, "upvoted": []} if joined.new else services.my_votes(participant)
        with translation.override(self.language):
            title = workshop.title  # in the connection's language, where the host wrote it
        online = services.online_count(workshop.pk)
        self._presence_mode = "list"
        if self.protocol >= 2 and not joined.is_host and online > protocol.PRESENCE_LIST_LIMIT:
            self._presence_mode = "count"
        welcome = {
            "type": "welcome",
            "protocol": PROTOCOL_VERSION,
            "workshop": {
                "id": workshop.pk,
                "title": title,
                "status": workshop.status,
                "starts_at": services.utc_timestamp(workshop.starts_at),
                "ends_at": services.utc_timestamp(workshop.ends_at),
                "pinned_notice": workshop.pinned_notice,
                "last_seq": workshop.last_seq,
            },
            "you": {
                "pid": participant.pk,
                "name": participant.display_name,
                "host": joined.is_host,
                "muted": participant.is_muted,
                "hand": participant.hand_raised,
                **votes,
            },
            "online": online,
            "limits": {
                "max_text": services.MAX_TEXT_LENGTH,
                "max_frame": MAX_FRAME_CHARS,
                "burst": RATE_BURST,
                "per_second": RATE_PER_SECOND,
                "heartbeat": HEARTBEAT_INTERVAL,
                "room_budget": ratelimit.LIMIT,
                "room_window": ratelimit.WINDOW,
                "history_page": HISTORY_PAGE,
            },
        }
        if self.protocol >= 2:
            welcome["presence"] = self._presence_mode
            welcome["limits"]["presence_list"] = protocol.PRESENCE_LIST_LIMIT
        if self._presence_mode == "list":
            welcome["participants"] = services.presence_snapshot(workshop.pk, workshop)
        return welcome

    @staticmethod
    def _language(query, user) -> str:
        codes = {code for code, _name in settings.LANGUAGES}
        wanted = query.get("lang", [""])[0]
        if wanted in codes:
            return wanted
        preferred = getattr(user, "preferred_language", "")
        return preferred if preferred in codes else settings.LANGUAGE_CODE
