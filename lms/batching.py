"""Work that arrives together, done together: one call for every request waiting.

When 2,000 people join a room at once, each handshake would look up its user,
be admitted and read the room's log on its own: thousands of identical round
trips queued for a few database threads. A ``Batch`` runs its work at once for
the first request and, while that call is in progress, gathers the requests
arriving meanwhile into the next call. Nothing waits for a timer.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

T = TypeVar("T")


class Batch:
    """Requests answered together by ``work``, which takes a list of requests and
    returns one result per request, in order (an exception in place of a result
    fails that request alone; one raised by ``work`` fails the whole call's)."""

    def __init__(self, work: Callable[[list], Awaitable[Sequence]], *, max_size: int | None = None):
        self.work = work
        self.max_size = max_size
        self.waiting: list[tuple[object, asyncio.Future]] = []
        self.task: asyncio.Task | None = None

    async def submit(self, request):
        future = asyncio.get_running_loop().create_future()
        self.waiting.append((request, future))
        if self.task is None:
            self.task = asyncio.create_task(self._run())
        return await future

    async def _run(self) -> None:
        try:
            while self.waiting:
                size = self.max_size or len(self.waiting)
                batch, self.waiting = self.waiting[:size], self.waiting[size:]
                try:
                    results = await self.work([request for request, _future in batch])
                except Exception as error:  # noqa: BLE001 - the requests fail, not the loop
                    results = [error] * len(batch)
                for (_request, future), result in zip(batch, results, strict=True):
                    if future.done():
                        continue  # the caller was cancelled meanwhile
                    if isinstance(result, BaseException):
                        future.set_exception(result)
                    else:
                        future.set_result(result)
        finally:
            self.task = None


_batches: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def batch_for(key, make: Callable[[], T]) -> T:
    """The running event loop's batcher for ``key`` (a ``Batch`` or an object holding
    one), made by ``make`` the first time: a batch's futures belong to one loop."""
    batches = _batches.setdefault(asyncio.get_running_loop(), {})
    found = batches.get(key)
    if found is None:
        found = batches[key] = make()
    return found
