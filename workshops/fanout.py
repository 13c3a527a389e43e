"""One channel-layer subscription per room per server process, paused while Redis is down.

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

A stored event is handed to the hub of the process that stored it at once
(:func:`publish`), then sent through the layer for the other processes:
the process's own people do not wait for the round trip to Redis and
back. The message carries the hub's ``origin`` token, and the hub drops
the copy the layer brings back, so each listener gets it once.

When the layer's Redis goes away, the process's :class:`LayerMonitor`
notices (a hub's receive fails, a subscription fails, or its probe, a
message to itself every ``PROBE_INTERVAL`` seconds, does not come back) and
hands every listener a ``room.live`` message with ``state: "paused"``. It
then probes every ``RETRY_INTERVAL``; once a probe comes back it subscribes
every hub to its group again (a restarted Redis has forgotten them) and
hands every listener ``state: "resumed"``, on which each connection sends
its client what was stored meanwhile (``WorkshopRoomConsumer``).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import weakref
from typing import Protocol

from channels.layers import InMemoryChannelLayer

logger = logging.getLogger(__name__)

#: Seconds between probes while the layer works, and while it does not.
PROBE_INTERVAL = 2.0
RETRY_INTERVAL = 0.5
#: A probe that has not come back after this long means the layer is down.
PROBE_TIMEOUT = 2.0
#: Longest a stored event waits in a hub for the one before it (``RoomHub.take``).
HOLD = 0.1
#: A hub renews its group membership (which layers expire after a day) when
#: someone joins at least this long after it last did.
RENEW_INTERVAL = 3600.0

PAUSED = {"type": "room.live", "state": "paused"}
RESUMED = {"type": "room.live", "state": "resumed"}


class Listener(Protocol):
    def deliver(self, message: dict) -> None:
        """Take ``message`` without waiting: a client that reads slowly must not hold
        up the rest of the room (see ``WorkshopRoomConsumer.deliver``)."""


class LayerMonitor:
    """Whether this process's channel layer delivers, and the hubs to tell when it changes."""

    def __init__(self, layer):
        self.layer = layer
        self.live = True
        self.hubs: dict[str, RoomHub] = {}
        self._live = asyncio.Event()
        self._live.set()
        self._task: asyncio.Task | None = None
        # The in-memory layer cannot go away: nothing to watch.
        self.watch = not isinstance(layer, InMemoryChannelLayer)

    def register(self, hub: RoomHub) -> None:
        self.hubs[hub.group] = hub
        if self.watch and (self._task is None or self._task.done()):
            self._task = asyncio.create_task(self._probe_loop(), name="layer monitor")

    def unregister(self, hub: RoomHub) -> None:
        if self.hubs.get(hub.group) is hub:
            del self.hubs[hub.group]
        if not self.hubs and self._task is not None and self.live:
            self._task.cancel()
            self._task = None

    def failed(self, error: BaseException | None = None) -> None:
        """Something could not use the layer: pause live delivery until it works again."""
        if self.live:
            self.live = False
            self._live.clear()
            logger.warning("Channel layer unreachable, live delivery paused: %s", error)
            for hub in list(self.hubs.values()):
                hub.take(PAUSED)
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._probe_loop(), name="layer monitor")

    async def wait_live(self) -> None:
        await self._live.wait()

    async def _probe_loop(self) -> None:
        channel = None
        while self.hubs or not self.live:
            await asyncio.sleep(PROBE_INTERVAL if self.live else RETRY_INTERVAL)
            try:
                if channel is None:
                    # The default prefix, like the hubs' (see RoomHub.subscribe).
                    channel = await self.layer.new_channel()
                token = secrets.token_hex(8)
                await self.layer.send(channel, {"type": "probe", "token": token})
                while (await asyncio.wait_for(self.layer.receive(channel), PROBE_TIMEOUT)).get(
                    "token"
                ) != token:
                    pass  # a late answer to an earlier probe
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001 - any failure means "down"
                channel = None  # a timed-out receive may have dropped it
                self.failed(error)
                continue
            if not self.live:
                await self._recover()

    async def _recover(self) -> None:
        try:
            for hub in list(self.hubs.values()):
                await hub.subscribe(again=True)
        except Exception as error:  # noqa: BLE001 - still down: try again later
            logger.info("Channel layer answers but subscribing failed: %s", error)
            return
        self.live = True
        self._live.set()
        logger.warning("Channel layer reachable again, live delivery resumed")
        for hub in list(self.hubs.values()):
            hub.take(RESUMED)


class RoomHub:
    """The process's subscription to one room's group and its local listeners."""

    def __init__(self, layer, group: str, monitor: LayerMonitor):
        self.layer = layer
        self.group = group
        self.monitor = monitor
        self.listeners: dict[int, Listener] = {}
        self.channel: str | None = None
        self.task: asyncio.Task | None = None
        self._ready = asyncio.Lock()
        #: The room's online count, as last told by a presence message.
        self.online: int | None = None
        self.subscribed_at = 0.0
        #: Marks what this hub delivered itself (``publish``), to drop the layer's echo.
        self.token = secrets.token_hex(8)
        #: The stored event expected next, and those that came before it (``take``).
        self.next_seq: int | None = None
        self.waiting: dict[int, dict] = {}
        self._hold: asyncio.TimerHandle | None = None

    async def add(self, listener: Listener) -> bool:
        """Register ``listener``; on return, every later group message reaches it.

        Returns whether live delivery works now. If not, the listener still
        gets ``room.live`` "resumed" when it does again.
        """
        self.listeners[id(listener)] = listener
        self.monitor.register(self)
        if not self.monitor.live:
            return False
        try:
            await self.subscribe()
        except Exception as error:  # noqa: BLE001 - Redis down: paused, not refused
            self.monitor.failed(error)
            return False
        return self.monitor.live

    async def subscribe(self, *, again: bool = False) -> None:
        """Make sure the hub is subscribed; ``again`` subscribes even if it is (a
        restarted Redis has forgotten every subscription)."""
        async with self._ready:
            if not self.listeners:
                return
            running = self.task is not None and not self.task.done()
            if running and not again and time.monotonic() - self.subscribed_at < RENEW_INTERVAL:
                # One subscription per room and process, not one per join: on
                # the pub/sub layer each is a round trip to Redis, in a row.
                return
            if self.channel is None:
                # The default prefix: channels-redis polls one key per prefix
                # and process, so a channel of its own prefix would starve.
                self.channel = await self.layer.new_channel()
            # Also renews the membership, which layers expire after a day.
            await self.layer.group_add(self.group, self.channel)
            self.subscribed_at = time.monotonic()
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
            if self._hold is not None:
                self._hold.cancel()
                self._hold = None
            self.monitor.unregister(self)
            if self.channel is not None:
                channel, self.channel = self.channel, None
                try:
                    await self.layer.group_discard(self.group, channel)
                except Exception:  # noqa: BLE001 - the layer forgets it anyway (expiry)
                    logger.info("Could not leave %s while the layer is down", self.group)
        return True

    async def _pump(self) -> None:
        while True:
            try:
                message = await self.layer.receive(self.channel)
            except asyncio.CancelledError:
                raise
            except Exception as error:  # noqa: BLE001
                # Redis restarting: pause, and receive again once the monitor
                # has seen the layer work (and subscribed this hub again).
                self.monitor.failed(error)
                await self.monitor.wait_live()
                continue
            if message.get("origin") == self.token:
                continue  # delivered by ``publish`` already
            self.take(message)

    def take(self, message: dict) -> None:
        """A message for the room, stored events in their order: one that comes before
        the event it follows (this process's own, which does not wait for the layer,
        ahead of another process's still on its way) waits for it, at most
        ``HOLD`` seconds; then it goes anyway, and clients fill the gap from the log."""
        if message.get("type") != "room.event":
            if message.get("type") == "room.live":
                self._forget_order()  # events were missed meanwhile: start afresh
            self.dispatch(message)
            return
        seq = message["seq"]
        if self.next_seq is None or seq <= self.next_seq:
            self.dispatch(message)
            self.next_seq = max(seq + 1, self.next_seq or 0)
            while self.next_seq in self.waiting:
                self.dispatch(self.waiting.pop(self.next_seq))
                self.next_seq += 1
            return
        self.waiting[seq] = message
        if self._hold is None:
            self._hold = asyncio.get_running_loop().call_later(HOLD, self._release)

    def _release(self) -> None:
        self._hold = None
        waiting, self.waiting = self.waiting, {}
        for seq in sorted(waiting):
            self.dispatch(waiting[seq])
            self.next_seq = max(seq + 1, self.next_seq or 0)

    def _forget_order(self) -> None:
        if self._hold is not None:
            self._hold.cancel()
        self._release()
        self.next_seq = None

    def dispatch(self, message: dict) -> None:
        if message.get("type") == "room.presence" and "online" in message:
            self.online = message["online"]
        for listener in list(self.listeners.values()):
            try:
                listener.deliver(message)
            except Exception:
                logger.warning("Delivery in %s failed", self.group, exc_info=True)


def publish(layer, group: str, message: dict) -> None:
    """On the event loop: hand ``message`` (a stored event) to this process's listeners
    of ``group`` now, then send it through the layer to the other processes.

    Local delivery goes first only while the layer delivers (otherwise the
    listeners are paused and catch up from the log) and while the hub is
    subscribed; the copy sent on is marked with the hub's ``origin`` token
    so that the hub drops it when the layer brings it back.
    """
    hub = _hubs.get(asyncio.get_running_loop(), {}).get((id(layer), group))
    if (
        hub is not None
        and hub.layer is layer
        and hub.listeners
        and hub.monitor.live
        and hub.task is not None
        and not hub.task.done()
    ):
        hub.take(message)
        message = {**message, "origin": hub.token}
    task = asyncio.ensure_future(layer.group_send(group, message))
    task.add_done_callback(_publish_done)


def _publish_done(task: asyncio.Task) -> None:
    # The stored log is the truth: clients fill gaps from it, so a failed send loses nothing.
    if not task.cancelled() and task.exception() is not None:
        logger.warning("Broadcast failed", exc_info=task.exception())


def write_now(coroutine) -> asyncio.Task | None:
    """Run ``coroutine`` (a connection's writer) at once, in the caller's turn; returns
    ``None`` if it finished, else a task that carries on from where it waited.

    A room message reaches each of the process's N connections: a task per
    connection per message is N task creations and N trips through the
    event loop's queue before a single frame is written, and the last of
    them waits behind all the others. Almost every write completes without
    waiting (the socket's buffer has room), so it is done here: one message
    to 2,000 people is 2,000 buffer writes in one turn. A write that must
    wait (a client that reads slowly) goes on in a task of its own, and
    that connection's later messages queue behind it.
    """
    try:
        waiting_on = coroutine.send(None)
    except StopIteration:
        return None
    except OSError:
        return None  # the client went away: its disconnect handler cleans up
    task = asyncio.ensure_future(_Resume(coroutine, waiting_on))
    task.add_done_callback(_writer_done)
    return task


class _Resume:
    """Await a coroutine that already ran up to its first wait (``waiting_on``)."""

    def __init__(self, coroutine, waiting_on):
        self.coroutine = coroutine
        self.waiting_on = waiting_on

    def __await__(self):
        coroutine, waiting_on = self.coroutine, self.waiting_on
        while True:
            try:
                value = yield waiting_on  # the task waits for what the coroutine waits for
            except BaseException as error:  # noqa: BLE001 - handed to the coroutine
                try:
                    waiting_on = coroutine.throw(error)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    waiting_on = coroutine.send(value)
                except StopIteration as stop:
                    return stop.value


def _writer_done(task: asyncio.Task) -> None:
    if task.cancelled():
        return
    error = task.exception()
    if error is not None and not isinstance(error, OSError):
        logger.warning("A room connection's writer failed", exc_info=error)


# Hubs and monitors per event loop, then per layer: tests run each on its
# own loop and layer; a server has one of each.
_hubs: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_monitors: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def monitor_for(layer) -> LayerMonitor:
    monitors = _monitors.setdefault(asyncio.get_running_loop(), {})
    monitor = monitors.get(id(layer))
    if monitor is None or monitor.layer is not layer:
        monitor = monitors[id(layer)] = LayerMonitor(layer)
    return monitor


def hub_for(layer, group: str) -> RoomHub:
    loop = asyncio.get_running_loop()
    hubs = _hubs.setdefault(loop, {})
    key = (id(layer), group)
    hub = hubs.get(key)
    if hub is None or hub.layer is not layer:
        hub = hubs[key] = RoomHub(layer, group, monitor_for(layer))
    return hub


async def join(layer, group: str, listener: Listener) -> RoomHub:
    """Add ``listener`` to the room's hub; ``hub.monitor.live`` says whether delivery works."""
    hub = hub_for(layer, group)
    await hub.add(listener)
    return hub


async def leave(layer, group: str, listener: Listener) -> None:
    hub = hub_for(layer, group)
    if await hub.remove(listener):
        hubs = _hubs.get(asyncio.get_running_loop(), {})
        if hubs.get((id(layer), group)) is hub and not hub.listeners:
            del hubs[(id(layer), group)]
