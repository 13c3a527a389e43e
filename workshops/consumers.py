"""The live room: one WebSocket consumer per connection.

The protocol is written down in ``docs/workshop-protocol.md``. This consumer
only parses, limits and routes frames; every state change is a call into
``workshops.services`` through ``database_sync_to_async``, which stores the
event and broadcasts it to the room's group after commit. The group's
messages reach the consumer through its process's hub (``workshops.fanout``).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from collections import deque
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.db import DatabaseSyncToAsync
from channels.exceptions import StopConsumer
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.layers import get_channel_layer
from channels.utils import await_many_dispatch
from django.conf import settings
from django.db import connection
from django.utils import translation

from . import admission, fanout, presence_fanout, services
from .services import ERROR_MESSAGES, RoomError

logger = logging.getLogger(__name__)


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
MAX_FRAME_CHARS = 8 * 1024
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

# Close codes (see the protocol document).
CLOSE_REMOVED = 4403
CLOSE_TOO_MANY_ERRORS = 4400
CLOSE_FLOODING = 4429
CLOSE_SILENT = 4408
CLOSE_FELL_BEHIND = 4409
#: Live events queued for a connection that is not reading them; beyond this it is
#: closed and resumes from the stored log when it reconnects.
MAX_BACKLOG = 500


class WorkshopRoomConsumer(AsyncWebsocketConsumer):
    connection_id: int | None = None
    writer: asyncio.Task | None = None
    closing = False
    hub: fanout.RoomHub | None = None
    #: Whether this client was told that live delivery is paused.
    paused = False
    #: The highest seq sent to this client, in a history or live.
    highest = 0

    # -- connection lifecycle -------------------------------------------------

    async def __call__(self, scope, receive, send):
        """Serve one connection, without a channel of its own on the channel layer.

        Channels gives every consumer a layer channel and waits on it beside
        the WebSocket. Nothing sends to a room connection's channel: room
        messages come through the process's hub (``workshops.fanout``). So
        no per-connection channel is made: on the pub/sub layer that is one
        Redis subscription per connection, and with Redis down, making it
        (pub/sub) or waiting on it (core) fails and takes the connection down.
        """
        self.scope = scope
        self.channel_layer = get_channel_layer(self.channel_layer_alias)
        self.channel_name = f"room.{uuid.uuid4().hex}"  # names the Connection row only
        self.base_send = send
        try:
            await await_many_dispatch([receive], self.dispatch)
        except StopConsumer:
            pass

    async def connect(self):
        user = self.scope["user"]
        self.workshop_id = int(self.scope["url_route"]["kwargs"]["workshop_id"])
        query = parse_qs(self.scope.get("query_string", b"").decode("latin1"))
        self.language = self._language(query, user)
        self.protocol = 2 if query.get("protocol", [""])[0] == "2" else 1
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
        self.connection_id = joined.connection.pk
        self.pid = joined.participant.pk
        self.group = services.group_name(self.workshop_id)
        self.tokens = float(RATE_BURST)
        self.refilled_at = time.monotonic()
        self.last_heard = time.monotonic()
        self.heartbeat_timeout = HEARTBEAT_TIMEOUT
        self.strikes: deque[float] = deque()
        # Live events that arrive before the history is out wait here.
        self.held: list[dict] | None = []
        self.backlog: deque[dict] = deque()
        self.online_sent = None
        # Listen to the room before reading history, so no event falls between the two.
        self.hub = await fanout.join(self.channel_layer, self.group, self)
        self.hub.online = welcome["online"]  # the freshest count this process has
        await self.accept()
        await self.send_json(welcome)
        since = _int(query.get("since", ["0"])[0], default=0)
        self.history_upto = await self._send_history(max(since, 0), None, fill=False)
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
        self.closing = True
        if self.writer is not None:
            self.writer.cancel()
        if self.connection_id is not None:
            self.beat.stop(self)
            await fanout.leave(self.channel_layer, self.group, self)
            gone = await database_sync_to_async(services.leave_room)(self.connection_id)
            self.connection_id = None
            if gone:
                presence_fanout.batcher(self.channel_layer, self.workshop_id).left(gone)

    def check_silence(self, now: float) -> None:
        """Called by the process heartbeat: close a connection that stopped pinging."""
        last_heard = getattr(self, "last_heard", None)  # None while admission runs
        if last_heard is None or self.closing:
            return
        if now - last_heard > self.heartbeat_timeout:
            self.closing = True
            if self.writer is not None:
                self.writer.cancel()
            self.writer = asyncio.create_task(self.close(code=CLOSE_SILENT))

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

    # -- frames from the client -----------------------------------------------

    async def receive(self, text_data=None, bytes_data=None):
        self.last_heard = time.monotonic()
        if not self._take_token():
            await self._protocol_error("rate_limited", close_code=CLOSE_FLOODING)
            return
        if text_data is None:
            await self._protocol_error("invalid")
            return
        if len(text_data) > MAX_FRAME_CHARS:
            await self._protocol_error("too_large")
            return
        try:
            content = json.loads(text_data)
        except ValueError:
            await self._protocol_error("bad_json")
            return
        if not isinstance(content, dict) or not isinstance(content.get("type"), str):
            await self._protocol_error("invalid")
            return
        handler = self.CLIENT_MESSAGES.get(content["type"])
        if handler is None:
            await self._protocol_error("unknown_type", client_id=content.get("client_id"))
            return
        await handler(self, content)

    async def on_ping(self, content):
        # No database work: the process heartbeat says the connection is alive, and
        # the count is the room's, as the last presence message told this process.
        await self.send_json({"type": "pong", "online": self.hub.online})

    async def on_fetch(self, content):
        after, until = content.get("after"), content.get("until")
        if (
            not isinstance(after, int)
            or after < 0
            or (until is not None and not isinstance(until, int))
        ):
            await self._protocol_error("invalid")
            return
        await self._send_history(after, until, fill=True)

    async def on_presence_sync(self, content):
        participants = await database_sync_to_async(services.presence_snapshot)(self.workshop_id)
        await self.send_json(
            {"type": "presence", "participants": participants, "online": len(participants)}
        )

    async def on_chat_send(self, content):
        await self._act(content, services.post_chat, content.get("text"))

    async def on_chat_delete(self, content):
        await self._act(content, services.delete_message, content.get("seq"))

    async def on_hand_raise(self, content):
        await self._act(content, services.set_hand, True)

    async def on_hand_lower(self, content):
        await self._act(content, services.set_hand, False, content.get("pid"))

    async def on_question_ask(self, content):
        await self._act(content, services.ask_question, content.get("text"))

    async def on_question_upvote(self, content):
        await self._act(content, services.upvote_question, content.get("seq"))

    async def on_question_answer(self, content):
        await self._act(content, services.answer_question, content.get("seq"))

    async def on_poll_open(self, content):
        await self._act(
            content, services.open_poll, content.get("question"), content.get("options")
        )

    async def on_poll_vote(self, content):
        await self._act(content, services.vote_poll, content.get("seq"), content.get("option"))

    async def on_poll_close(self, content):
        await self._act(content, services.close_poll, content.get("seq"))

    async def on_participant_mute(self, content):
        muted = content.get("muted", True)
        if not isinstance(muted, bool):
            await self._protocol_error("invalid", client_id=content.get("client_id"))
            return
        await self._act(content, services.set_muted, content.get("pid"), muted)

    async def on_participant_remove(self, content):
        await self._act(content, services.remove_participant, content.get("pid"))

    async def on_notice_pin(self, content):
        await self._act(content, services.pin_notice, content.get("text", ""))

    async def on_workshop_start(self, content):
        await self._act(content, services.start_workshop)

    async def on_workshop_end(self, content):
        await self._act(content, services.end_workshop)

    CLIENT_MESSAGES = {
        "ping": on_ping,
        "fetch": on_fetch,
        "presence.sync": on_presence_sync,
        "chat.send": on_chat_send,
        "chat.delete": on_chat_delete,
        "hand.raise": on_hand_raise,
        "hand.lower": on_hand_lower,
        "question.ask": on_question_ask,
        "question.upvote": on_question_upvote,
        "question.answer": on_question_answer,
        "poll.open": on_poll_open,
        "poll.vote": on_poll_vote,
        "poll.close": on_poll_close,
        "participant.mute": on_participant_mute,
        "participant.remove": on_participant_remove,
        "notice.pin": on_notice_pin,
        "workshop.start": on_workshop_start,
        "workshop.end": on_workshop_end,
    }

    # -- room messages (from this process's hub; see workshops.fanout) ------

    def deliver(self, message):
        """A message to the room's group, handed over by the hub in order.

        Queued, not sent here: on a server that applies back-pressure
        (Uvicorn), sending to a phone that stopped reading would wait, and the
        hub would wait with it. A connection that falls MAX_BACKLOG events
        behind is closed; the client resumes from the stored log.
        """
        if self.connection_id is None or self.closing:
            return  # gone, or going
        if self.held is not None:
            self.held.append(message)
            return
        if len(self.backlog) >= MAX_BACKLOG:
            self.closing = True
            self.backlog.clear()
            if self.writer is not None:
                self.writer.cancel()
            self.writer = asyncio.create_task(self.close(code=CLOSE_FELL_BEHIND))
            return
        self.backlog.append(message)
        if self.writer is None:
            self.writer = fanout.write_now(self._write_backlog())

    async def _write_backlog(self):
        try:
            while self.backlog:
                await self._forward(self.backlog.popleft())
        finally:
            self.writer = None

    async def _forward(self, message):
        if message["type"] == "room.event":
            # A stored event, fanned out after commit; ``text`` is the frame, encoded once.
            if message["seq"] <= self.history_upto:
                return  # already sent with a history
            await self.send(text_data=message["text"])
            self.highest = max(self.highest, message["seq"])
            if message.get("close_pid") == self.pid:
                await self.close(code=CLOSE_REMOVED)
        elif message["type"] == "room.presence":
            text = self._presence_frame(message)
            if text is not None:
                await self.send(text_data=text)
        elif message["type"] == "room.live":
            if message["state"] == "paused":
                await self._pause()
            else:
                await self._resume()

    def _presence_frame(self, message) -> str | None:
        """The frame for a batched presence message, encoded once per process and mode."""
        online = message.get("online")
        if self._presence_mode == "count":
            if online is None or online == self.online_sent:
                return None
            self.online_sent = online
            mode = "count"
        else:
            mode = "list"
        frames = message.setdefault("frames", {})
        if mode not in frames:
            if mode == "count":
                frame = {"type": "presence.count", "online": online}
            else:
                frame = {"type": "presence"}
                for key in ("joined", "left", "online"):
                    if key in message:
                        frame[key] = message[key]
            frames[mode] = json.dumps(frame)
        return frames[mode]

    async def _pause(self):
        if not self.paused:
            self.paused = True
            await self.send_json({"type": "live", "state": "paused"})

    async def _resume(self):
        """Live delivery works again: send what was stored meanwhile, once, then carry on.

        Runs in the writer's turn, so live events that arrive meanwhile wait in
        the backlog and those the catch-up already sent are dropped.
        """
        upto = await self._send_history(self.highest, None, fill=True)
        self.history_upto = max(self.history_upto, upto)
        self.highest = max(self.highest, upto)
        if self._presence_mode == "list":
            await self.on_presence_sync({})
        else:
            online = await database_sync_to_async(services.online_count)(self.workshop_id)
            self.hub.online = online
            self.online_sent = online
            await self.send_json({"type": "presence.count", "online": online})
        self.paused = False
        await self.send_json({"type": "live", "state": "resumed"})

    # -- helpers --------------------------------------------------------------

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content))

    async def _act(self, content, service, *args):
        client_id = content.get("client_id") or ""
        if not isinstance(client_id, str) or len(client_id) > 64:
            await self._protocol_error("invalid")
            return
        try:
            recorded = await database_sync_to_async(service)(
                self.workshop_id, self.pid, *args, client_id=client_id
            )
        except RoomError as error:
            await self.send_error(error.code, client_id=client_id)
            if error.code == "removed":
                await self.close(code=CLOSE_REMOVED)
            return
        await self.send_json(
            {
                "type": "ack",
                "client_id": client_id or None,
                "seq": recorded.event.seq,
                "duplicate": recorded.duplicate,
            }
        )

    async def send_error(self, code: str, client_id=None):
        with translation.override(self.language):
            message = str(ERROR_MESSAGES[code])
        frame = {"type": "error", "code": code, "message": message}
        if isinstance(client_id, str) and client_id:
            frame["client_id"] = client_id[:64]
        await self.send_json(frame)

    async def _protocol_error(self, code: str, client_id=None, close_code=CLOSE_TOO_MANY_ERRORS):
        """Tell the client what was wrong; close the connection if it keeps happening."""
        await self.send_error(code, client_id=client_id)
        now = time.monotonic()
        self.strikes.append(now)
        while self.strikes and now - self.strikes[0] > STRIKE_WINDOW:
            self.strikes.popleft()
        if len(self.strikes) >= MAX_STRIKES:
            await self.close(code=close_code)

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.refilled_at) * RATE_PER_SECOND)
        self.refilled_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    async def _send_history(self, after: int, until: int | None, *, fill: bool) -> int:
        """Send stored events after ``after`` (up to ``until``) in pages; return the last seq."""
        last = after
        while True:
            events = await admission.events_after(self.workshop_id, last, until, HISTORY_PAGE)
            complete = len(events) < HISTORY_PAGE
            if events:
                last = events[-1]["seq"]
            await self.send_json(
                {"type": "history", "events": events, "complete": complete, "fill": fill}
            )
            if complete:
                return last

    def _welcome(self, joined) -> dict:
        workshop = joined.workshop
        participant = joined.participant
        votes = {"votes": {}, "upvoted": []} if joined.new else services.my_votes(participant)
        online = services.online_count(workshop.pk)
        self._presence_mode = "list"
        if self.protocol >= 2 and not joined.is_host and online > PRESENCE_LIST_LIMIT:
            self._presence_mode = "count"
        welcome = {
            "type": "welcome",
            "protocol": self.protocol,
            "workshop": {
                "id": workshop.pk,
                "title": workshop.title,
                "status": workshop.status,
                "starts_at": workshop.starts_at.isoformat(),
                "ends_at": workshop.ends_at.isoformat(),
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
            },
        }
        if self.protocol >= 2:
            welcome["presence"] = self._presence_mode
            welcome["limits"]["presence_list"] = PRESENCE_LIST_LIMIT
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


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default
