"""Requests that arrive while a call is in progress are answered by the next call."""

import asyncio

import pytest

from lms.batching import Batch

pytestmark = pytest.mark.asyncio


async def test_requests_waiting_meanwhile_share_the_next_call():
    calls = []
    release = asyncio.Event()

    async def work(requests):
        calls.append(list(requests))
        if len(calls) == 1:
            await release.wait()
        return [r * 10 if r != 3 else ValueError("three") for r in requests]

    batch = Batch(work, max_size=2)
    first = asyncio.ensure_future(batch.submit(1))
    await asyncio.sleep(0)  # the first call starts at once, alone
    rest = [asyncio.ensure_future(batch.submit(r)) for r in (2, 3, 4)]
    await asyncio.sleep(0)
    release.set()
    assert await first == 10
    assert await rest[0] == 20 and await rest[2] == 40
    with pytest.raises(ValueError, match="three"):
        await rest[1]
    assert calls == [[1], [2, 3], [4]]  # at most max_size per call


async def test_a_failing_call_fails_its_requests_and_not_the_next():
    async def work(requests):
        if "bad" in requests:
            raise RuntimeError("down")
        return requests

    batch = Batch(work)
    with pytest.raises(RuntimeError):
        await batch.submit("bad")
    assert await batch.submit("good") == "good"
