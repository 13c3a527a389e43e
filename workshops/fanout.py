"""One channel-layer subscription per room per server process.

A room's events go to the channel-layer group ``workshop.<id>``. If every
WebSocket connection joined that group itself, one message to a room of N
people would cost N layer deliveries: N queue entries (N list pushes and N
blocking pops on Redis), N copies of the message and N wake-ups of the
consumer's receive loop, before a single frame is written. Instead, each
process keeps one :class:`RoomHub` per room with people in it: the hub joins
the group with its own channel, receives each message once and hands it to
the process's connections for that room, in order.

Nothing else changes: the stored log is still the truth, a message the
layer drops is still filled in by the client from the log, and several
processes still share a room through the layer (each with its own hub).
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from typing import Protocol

logger = logging.getLogger(__name__)


class Listener(Protocol):
    def deliver(self, message: dict) -> None:
        """Take ``message`` without waiting: a client that reads slowly must not hold
        up the rest of the room (see ``WorkshopRoomConsumer.deliver``)."""


class RoomHub:
    """The process's subscription to one room's group and its local listeners."""

    def __init__(self, layer, group: str):
        self.layer = layer
        self.group = group
        self.listeners: dict[int, Listener] = {}
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self._ready = asyncio.Lock()

    async def add(self, listener: Listener) -> None:
        """Register ``listener``; on return, every later group message reaches it."""
        self.listeners[id(listener)] = listener
        async with self._ready:
            if self.channel is None:
                # The default prefix: channels-redis polls one key per prefix
                # and process, so a channel of its own prefix would starve.
                self.channel = await self.layer.new_channel()
            # Also renews the membership, which layers expire after a day.
            await self.layer.group_add(self.group, self.channel)
            if self.task is None or self.task.done():
                self.task = asyncio.create_task(self._pump(), name=f"hub {self.group}")

    async def remove(self, listener: Listener) -> bool:
        """Unregister ``listener``; returns whether the hub is now empty (and stopped)."""
        self.listeners.pop(id(listener), None)
        if self.listeners:
            return False
        async with self._ready:
            if self.listeners:  # someone joined while we waited
                return False
            if self.task is not None:
                self.task.cancel()
                self.task = None
            if self.channel is not None:
                await self.layer.group_discard(self.group, self.channel)
                self.channel = None
        return True

    async def _pump(self) -> None:
        channel = self.channel
        while True:
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                # Redis restarting: wait a moment and go on. Clients fill any
                # gap from the stored log when the next event arrives.
                logger.warning("Room hub %s could not receive", self.group, exc_info=True)
                await asyncio.sleep(1)
                continue
            for listener in list(self.listeners.values()):
                try:
                    listener.deliver(message)
                except Exception:
                    logger.warning("Delivery in %s failed", self.group, exc_info=True)


# Hubs per event loop, then per (layer, group): tests run each on its own
# loop and layer; a server has one of each.
_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def hub_for(layer, group: str) -> RoomHub:
    loop = asyncio.get_running_loop()
    hubs = _hubs.setdefault(loop, {})
    key = (id(layer), group)
    hub = hubs.get(key)
    if hub is None or hub.layer is not layer:
        hub = hubs[key] = RoomHub(layer, group)
    return hub


async def join(layer, group: str, listener: Listener) -> None:
    await hub_for(layer, group).add(listener)


async def leave(layer, group: str, listener: Listener) -> None:
    hub = hub_for(layer, group)
    if await hub.remove(listener):
        hubs = _hubs.get(asyncio.get_running_loop(), {})
        if hubs.get((id(layer), group)) is hub and not hub.listeners:
            del hubs[(id(layer), group)]
