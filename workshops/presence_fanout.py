"""Presence on the event loop: batched joins and leaves, and the process heartbeat.

Joins and leaves are not told to the room one by one: at 2,000 people that
is 2,000 frames to each of 2,000 connections. Each process collects its
rooms' joins and leaves for ``BATCH_INTERVAL`` and sends one
``room.presence`` message per room with everyone who joined or left and the
room's online count; each connection turns it into one frame (a list delta,
or only the count for a large room, see ``docs/workshop-protocol.md``).

The heartbeat: one task per process (per event loop) writes the process's
heartbeat row every ``BEAT_INTERVAL`` seconds, moves ``last_seen_at`` of all
its connections every ``TOUCH_EVERY`` beats in one statement, closes the
connections of processes that stopped beating (``PROCESS_TIMEOUT``), and
closes its own connections whose client stopped pinging. The cost is per
process, not per connection: an idle connection costs its pings only.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
import weakref

from channels.db import DatabaseSyncToAsync
from django.utils import timezone

from lms.batching import Batch, batch_for
from lms.dbthreads import one_thread

from . import services


def database_sync_to_async(func):
    """In a worker thread of its own (on PostgreSQL), as the consumer's queries are:
    Channels' one shared thread also resolves every handshake's user."""
    return DatabaseSyncToAsync(func, thread_sensitive=one_thread())


logger = logging.getLogger(__name__)

#: Joins and leaves in a room are sent together at most this often,
BATCH_INTERVAL = 0.25
#: and at most this often once more than LARGE_ROOM people are online. Most of
#: a large room is told only the count (protocol 2), and each batch is a frame
#: to each of them: at 2,000 people arriving, four batches a second were
#: 8,000 frame writes a second, beside the arrivals' own.
LARGE_ROOM_INTERVAL = 1.0
LARGE_ROOM = 100  # the consumer's PRESENCE_LIST_LIMIT
#: The process heartbeat; a process silent for PROCESS_TIMEOUT is dead (< 30 s in all).
BEAT_INTERVAL = 4.0
#: Attendance time (``last_seen_at``) moves every this many beats.
TOUCH_EVERY = 7
#: The most departures closed in one database call.
MAX_DEPARTURES = 500


class PresenceBatcher:
    """One room's joins and leaves on this process, sent together."""

    def __init__(self, layer, workshop_id: int):
        self.layer = layer
        self.workshop_id = workshop_id
        # pid -> presence entry (joined) or None (left); the latest change wins.
        self.changes: dict[int, dict | None] = {}
        self.task: asyncio.Task | None = None
        #: The online count of the last batch.
        self.online = 0

    def joined(self, entry: dict) -> None:
        self.changes[entry["pid"]] = entry
        self._schedule()

    def left(self, pids) -> None:
        for pid in pids:
            self.changes[pid] = None
        self._schedule()

    def _schedule(self) -> None:
        if self.task is None:
            self.task = asyncio.create_task(self._flush(), name=f"presence {self.workshop_id}")

    async def _flush(self) -> None:
        try:
            large = self.online > LARGE_ROOM
            await asyncio.sleep(LARGE_ROOM_INTERVAL if large else BATCH_INTERVAL)
            changes, self.changes = self.changes, {}
            online = await database_sync_to_async(services.online_count)(self.workshop_id)
            self.online = online
            message = {"type": "room.presence", "online": online}
            joined = [entry for entry in changes.values() if entry is not None]
            left = sorted(pid for pid, entry in changes.items() if entry is None)
            if joined:
                message["joined"] = joined
            if left:
                message["left"] = left
            await self.layer.group_send(services.group_name(self.workshop_id), message)
        except Exception as error:  # noqa: BLE001
            # Redis or the database restarting: the change is lost to live
            # delivery only; connections send a fresh list when delivery resumes.
            logger.warning("Presence for workshop %s not sent: %s", self.workshop_id, error)
        finally:
            self.task = None
            if self.changes:
                self._schedule()


async def leave(connection_id: int) -> list[int]:
    """Close the connection, with the others of this process leaving meanwhile; returns
    ``[pid]`` if its person has no other connection left (to tell the room), else ``[]``.

    When a consultation ends, thousands leave within a second. Each on its
    own was a transaction and an attendance task: two thousand of them
    queued for the database threads, while those still in the room waited
    behind them. Here the first to leave is closed at once, and those
    leaving while that call is in the database are closed by the next, in
    the same few statements (``services.leave_many``). Each is recorded as
    gone at the moment it left, not when its batch ran: attendance minutes
    do not depend on the queue.
    """
    departures = batch_for(
        "departures",
        lambda: Batch(database_sync_to_async(services.leave_many), max_size=MAX_DEPARTURES),
    )
    return await departures.submit((connection_id, timezone.now()))


class ProcessBeat:
    """This process's heartbeat, its sweep of dead processes and its silence check."""

    def __init__(self):
        self.key = secrets.token_hex(16)
        self.consumers: weakref.WeakSet = weakref.WeakSet()
        self.task: asyncio.Task | None = None
        self._started = asyncio.Lock()

    async def start(self, consumer) -> None:
        """Register ``consumer``; on return the process's heartbeat row exists, so no
        other process takes this process's new connections for dead ones."""
        self.consumers.add(consumer)
        async with self._started:
            if self.task is None or self.task.done():
                await database_sync_to_async(services.beat_process)(self.key, touch=False)
                self.task = asyncio.create_task(self._run(), name="room process beat")

    def stop(self, consumer) -> None:
        self.consumers.discard(consumer)

    async def _run(self) -> None:
        beats = 0
        while self.consumers:
            await asyncio.sleep(BEAT_INTERVAL)
            now = time.monotonic()
            for consumer in list(self.consumers):
                consumer.check_silence(now)
            beats += 1
            try:
                await database_sync_to_async(services.beat_process)(
                    self.key, touch=beats % TOUCH_EVERY == 0
                )
                await database_sync_to_async(services.sweep_dead_processes)()
            except Exception:
                # The database restarting: beat again next time.
                logger.warning("Room process heartbeat failed", exc_info=True)
        # No connections left. Nothing is awaited between the check above and
        # the end of the task, so a connection registering now finds the task
        # done and starts it again (with a fresh beat). The row goes stale and
        # another process's sweep removes it.


_batchers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_beats: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def batcher(layer, workshop_id: int) -> PresenceBatcher:
    batchers = _batchers.setdefault(asyncio.get_running_loop(), {})
    key = (id(layer), workshop_id)
    found = batchers.get(key)
    if found is None or found.layer is not layer:
        found = batchers[key] = PresenceBatcher(layer, workshop_id)
    return found


def process_beat() -> ProcessBeat:
    loop = asyncio.get_running_loop()
    beat = _beats.get(loop)
    if beat is None:
        beat = _beats[loop] = ProcessBeat()
    return beat
