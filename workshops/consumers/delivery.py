"""Room messages to the client: live events, batched presence, pause and catch-up,
and the stored log in pages."""

from __future__ import annotations

import asyncio
import json
import logging

from .. import admission, fanout, services
from ..services.room import ratelimit
from . import protocol
from .protocol import (
    CLOSE_FELL_BEHIND,
    CLOSE_FLOODING,
    CLOSE_REMOVED,
    HISTORY_PAGE,
    database_sync_to_async,
)

logger = logging.getLogger(__name__)


class RoomDelivery:
    """The ``WorkshopRoomConsumer`` methods that send the room to a client, in order."""

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
        if len(self.backlog) >= protocol.MAX_BACKLOG:
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
            while self.backlog and not self.close_sent:
                message = self.backlog.popleft()
                if message["type"] == "room.event" and "close_pid" not in message:
                    # The common case, ``_forward``'s first branch without its calls.
                    if message["seq"] > self.history_upto:
                        await self.send_frame(message["text"])
                        if message["seq"] > self.highest:
                            self.highest = message["seq"]
                else:
                    await self._forward(message)
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
            await self._send_presence()
        else:
            online = await database_sync_to_async(services.online_count)(self.workshop_id)
            self.hub.online = online
            self.online_sent = online
            await self.send_json({"type": "presence.count", "online": online})
        self.paused = False
        await self.send_json({"type": "live", "state": "resumed"})

    async def _send_history(
        self, after: int, until: int | None, *, fill: bool, single: bool = False
    ) -> int:
        """Send stored events after ``after`` (up to ``until``) in pages; return the last seq.

        ``single`` (a ``fetch``) sends one page, after checking the person's budget:
        the client asks again from the last seq it got. Every page's size is
        spent from the budget (``services.room.ratelimit``).
        """
        last = after
        while True:
            page = await self._history_page(last, until, fill, single)
            if page is None:
                await self._protocol_error("rate_limited", close_code=CLOSE_FLOODING)
                return last
            text, last, complete = page
            await self.send(text_data=text)
            if complete or single or self.close_sent:
                return last

    async def _history_page(self, after: int, until: int | None, fill: bool, check: bool):
        spend = database_sync_to_async(ratelimit.spend)
        if check and not await spend(self.workshop_id, self.user_id):
            return None
        # Read with the room's other waiting reads (``workshops.admission``): 2,000
        # arrivals replaying the same log are one query, not 2,000.
        events = await admission.events_after(self.workshop_id, after, until, HISTORY_PAGE)
        complete = len(events) < HISTORY_PAGE
        text = json.dumps({"type": "history", "events": events, "complete": complete, "fill": fill})
        cost = ratelimit.history_cost(len(text))
        if cost:  # a page below one unit's worth costs nothing: no round trip for it
            await spend(self.workshop_id, self.user_id, cost, check=False)
        return text, (events[-1]["seq"] if events else after), complete
