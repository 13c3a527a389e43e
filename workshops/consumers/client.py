"""Frames from the client: bounded checks, the per-connection limits, one handler each."""

from __future__ import annotations

import logging
import time

from django.utils import translation

from .. import services
from ..services import ERROR_MESSAGES, RoomError
from ..services.room import frames, ratelimit
from .protocol import (
    CLOSE_FLOODING,
    CLOSE_REMOVED,
    CLOSE_TOO_MANY_ERRORS,
    MAX_STRIKES,
    RATE_BURST,
    RATE_PER_SECOND,
    STRIKE_WINDOW,
    database_sync_to_async,
)

logger = logging.getLogger(__name__)


class ClientFrames:
    """The ``WorkshopRoomConsumer`` methods that read and answer what a client sends."""

    async def receive(self, text_data=None, bytes_data=None):
        """One frame: bounded checks first (see ``services.room.frames``), then its handler.

        Whatever a frame holds, the client gets an ``error`` frame or a documented
        close, and the consumer lives on: a handler's unexpected failure is logged
        and answered with ``server_error``, never left to end the connection.
        """
        self.last_heard = time.monotonic()
        if self.close_sent or self.closing:
            return  # frames that were already on their way when we closed
        if not self._take_token():
            await self._protocol_error("rate_limited", close_code=CLOSE_FLOODING)
            return
        try:
            content = frames.parse_frame(text_data, bytes_data)
        except frames.FrameError as error:
            await self._protocol_error(error.code, client_id=error.client_id)
            return
        client_id = content.get("client_id")
        try:
            await self.CLIENT_MESSAGES[content["type"]](self, content)
        except RoomError as error:
            await self.send_error(error.code, client_id=client_id)
        except Exception:
            logger.exception("Workshop %s: a %s frame failed", self.workshop_id, content["type"])
            await self.send_error("server_error", client_id=client_id)

    async def on_ping(self, content):
        # No database work: the process heartbeat says the connection is alive, and
        # the count is the room's, as the last presence message told this process.
        await self.send_json({"type": "pong", "online": self.hub.online})

    async def on_fetch(self, content):
        await self._send_history(content["after"], content.get("until"), fill=True, single=True)

    async def on_presence_sync(self, content):
        """Asked by the client: one unit of the person's budget, like a ``fetch``."""

        def snapshot():
            if not ratelimit.spend(self.workshop_id, self.user_id):
                return None
            return services.presence_snapshot(self.workshop_id)

        participants = await database_sync_to_async(snapshot)()
        if participants is None:  # the person's budget across connections is spent
            await self._protocol_error("rate_limited", close_code=CLOSE_FLOODING)
            return
        await self._send_presence(participants)

    async def _send_presence(self, participants=None):
        """The full list (the server's own sync, after live delivery resumes: no budget)."""
        if participants is None:
            participants = await database_sync_to_async(services.presence_snapshot)(
                self.workshop_id
            )
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

    async def _act(self, content, service, *args):
        client_id = content.get("client_id") or ""

        def act():
            if not ratelimit.spend(self.workshop_id, self.user_id):
                return None
            return service(self.workshop_id, self.pid, *args, client_id=client_id)

        try:
            recorded = await database_sync_to_async(act)()
        except RoomError as error:
            await self.send_error(error.code, client_id=client_id)
            if error.code == "removed":
                await self.close(code=CLOSE_REMOVED)
            return
        if recorded is None:  # the person's budget across connections is spent
            await self._protocol_error("rate_limited", client_id, close_code=CLOSE_FLOODING)
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
            # The next connection of this person to this room waits, longer each time.
            await database_sync_to_async(ratelimit.penalise)(self.workshop_id, self.user_id)

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_BURST, self.tokens + (now - self.refilled_at) * RATE_PER_SECOND)
        self.refilled_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True
