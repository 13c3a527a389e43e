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

import logging

from lms.batching import Batch, batch_for

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
        self.batch = Batch(database_sync_to_async(self._admit_all), max_size=MAX_BATCH)

    async def admit(self, consumer, user, process: str):
        """``consumer._admit(user, process)``, batched: ``(joined, welcome)`` or ``None``."""
        return await self.batch.submit((consumer, user, process))

    def _admit_all(self, batch) -> list:
        by_process: dict[str, list[int]] = {}
        for index, (_consumer, _user, process) in enumerate(batch):
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


def admission(workshop_id: int) -> Admission:
    return batch_for(("admission", workshop_id), lambda: Admission(workshop_id))


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
        self.batch = Batch(database_sync_to_async(self._read_all))

    async def read(self, after: int, until: int | None, limit: int) -> list[dict]:
        return await self.batch.submit((after, until, limit))

    def _read_all(self, pages: list[tuple]) -> list:
        """One read per distinct page asked for; each request gets its page's events."""
        found = {page: stored_events_after(self.workshop_id, *page) for page in set(pages)}
        return [found[page] for page in pages]


async def events_after(workshop_id: int, after: int, until: int | None, limit: int):
    """``services.events_after``, read together with the room's other waiting reads."""
    reads = batch_for(("history", workshop_id), lambda: HistoryReads(workshop_id))
    return await reads.read(after, until, limit)
