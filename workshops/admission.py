"""Admission on the event loop: the handshakes that arrive together are admitted together.

When a national consultation opens, hundreds of people connect within a
second. Admitting each on its own is a dozen queries per person (the
room, the host list, the participant, the registration, the connection,
the online count), so 2,000 arrivals were 25,000 queries, each one the
GIL's and the database's. Here a process admits a room's waiting
handshakes as one batch, in one database call (``services.join_many``: the
same few queries for a batch of 1 or of 200), and builds each welcome in
the same call, sharing the room's count and list (``one_admission``).

No waiting is added: the first arrival is admitted at once; those that
arrive while a batch is in the database form the next one.
"""

from __future__ import annotations

import asyncio
import logging
import weakref

from .presence_fanout import database_sync_to_async
from .services.room.events import events_after as stored_events_after
from .services.room.presence import join_many, one_admission

logger = logging.getLogger(__name__)

#: The most handshakes admitted in one database call.
MAX_BATCH = 200


class Admission:
    """One room's handshakes waiting for admission on this process."""

    def __init__(self, workshop_id: int):
        self.workshop_id = workshop_id
        self.waiting: list[tuple[object, object, str, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def admit(self, consumer, user, process: str):
        """``consumer._admit(user, process)``, batched: ``(joined, welcome)`` or ``None``."""
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((consumer, user, process, future))
        if self.task is None:
            self.task = asyncio.create_task(self._run(), name=f"admission {self.workshop_id}")
        return await future

    async def _run(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting[:MAX_BATCH], self.waiting[MAX_BATCH:]
                try:
                    results = await database_sync_to_async(self._admit_all)(batch)
                except Exception as error:  # noqa: BLE001 - each handshake fails alone
                    results = [error] * len(batch)
                for (_consumer, _user, _process, future), result in zip(
                    batch, results, strict=True
                ):
                    if future.done():
                        continue  # the handshake was cancelled meanwhile
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.task = None

    def _admit_all(self, batch) -> list:
        by_process: dict[str, list[int]] = {}
        for index, (_consumer, _user, process, _future) in enumerate(batch):
            by_process.setdefault(process, []).append(index)
        results: list = [None] * len(batch)
        with one_admission():
            for process, indexes in by_process.items():
                requests = [(batch[i][1], batch[i][0].channel_name) for i in indexes]
                for i, joined in zip(
                    indexes, join_many(self.workshop_id, requests, process), strict=True
                ):
                    if joined is None:
                        continue
                    try:
                        results[i] = (joined, batch[i][0]._welcome(joined))
                    except Exception as error:  # noqa: BLE001 - this one handshake fails
                        logger.warning("Welcome for workshop %s failed", self.workshop_id)
                        results[i] = error
        return results


_admissions: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def admission(workshop_id: int) -> Admission:
    rooms = _admissions.setdefault(asyncio.get_running_loop(), {})
    found = rooms.get(workshop_id)
    if found is None:
        found = rooms[workshop_id] = Admission(workshop_id)
    return found


async def admit(consumer, user, process: str):
    """Admit ``consumer``'s person to its room: ``(joined, welcome)``, or ``None`` to refuse."""
    return await admission(consumer.workshop_id).admit(consumer, user, process)


class HistoryReads:
    """One room's history reads on this process, answered together.

    Each arrival reads the log after the ``since`` it gave: at 2,000
    arrivals that is 2,000 identical queries (36 ms each in the database
    threads, waiting their turn), for a room whose log is the same for all
    of them. Reads waiting while a query is in the database are answered by
    the next query, one per distinct page asked for. A read never gets a
    result older than its call (the query starts after it), so an event
    stored after the caller subscribed to the room is in the page or
    arrives live (``WorkshopRoomConsumer.connect``).
    """

    def __init__(self, workshop_id: int):
        self.workshop_id = workshop_id
        self.waiting: list[tuple[tuple, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def read(self, after: int, until: int | None, limit: int) -> list[dict]:
        future = asyncio.get_running_loop().create_future()
        self.waiting.append(((after, until, limit), future))
        if self.task is None:
            self.task = asyncio.create_task(self._run(), name=f"history {self.workshop_id}")
        return await future

    async def _run(self) -> None:
        try:
            while self.waiting:
                batch, self.waiting = self.waiting, []
                pages = {page for page, _future in batch}
                try:
                    found = await database_sync_to_async(self._read_all)(pages)
                except Exception as error:  # noqa: BLE001 - each read fails alone
                    found = {page: error for page in pages}
                for page, future in batch:
                    if future.done():
                        continue
                    if isinstance(found[page], BaseException):
                        future.set_exception(found[page])
                    else:
                        future.set_result(found[page])
        finally:
            self.task = None

    def _read_all(self, pages) -> dict:
        return {page: stored_events_after(self.workshop_id, *page) for page in pages}


_history: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


async def events_after(workshop_id: int, after: int, until: int | None, limit: int):
    """``services.events_after``, read together with the room's other waiting reads."""
    rooms = _history.setdefault(asyncio.get_running_loop(), {})
    reads = rooms.get(workshop_id)
    if reads is None:
        reads = rooms[workshop_id] = HistoryReads(workshop_id)
    return await reads.read(after, until, limit)
