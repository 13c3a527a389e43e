"""Two server processes share a room through Redis (channels-redis)."""

import asyncio
import json
import os
import time

import pytest
import websockets

from accounts.factories import UserFactory
from workshops.factories import WorkshopFactory

from .servers import daphne, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


def redis_url() -> str:
    """The Redis to share. Under CI (``CI=true``) it must exist; locally the test skips."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        message = "REDIS_URL is not set: the two-process test needs Redis"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        message = f"Redis at {url} is not reachable: {error}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


async def talk(base, workshop_id, cookie, texts, expected_total):
    """Connect to one server, say ``texts``, and collect events until ``expected_total``.

    Events are applied as docs/workshop-protocol.md tells a client to: by ``seq``. Across
    two processes the layer may deliver 6 before 5; a ``seq`` arriving twice fails.
    """
    url = base.replace("http://", "ws://") + f"/ws/workshops/{workshop_id}/?since=0"
    headers = {"Cookie": f"sessionid={cookie}"}
    seen = []
    async with websockets.connect(url, origin=base, additional_headers=headers) as ws:
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome"
        for n, text in enumerate(texts):
            await ws.send(
                json.dumps({"type": "chat.send", "text": text, "client_id": f"{text}-{n}"})
            )
            await asyncio.sleep(0.05)
        while len(seen) < expected_total:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 15))
            if frame["type"] == "event":
                seen.append(frame)
            elif frame["type"] == "history":
                seen.extend(frame["events"])
    seqs = [e["seq"] for e in seen]
    assert len(set(seqs)) == len(seqs), f"an event arrived twice: {seqs}"
    seen.sort(key=lambda e: e["seq"])
    return [(e["seq"], e["actor"]["name"], e["data"]["text"]) for e in seen]


def test_clients_on_two_processes_see_one_ordered_room():
    """A client on each of two Daphne processes sees the other's messages, in the same
    order, numbered by one gapless sequence."""
    url = redis_url()
    workshop = WorkshopFactory(status="live")
    dara, sokha = UserFactory(display_name="Dara"), UserFactory(display_name="Sokha")
    dara_cookie, sokha_cookie = session_cookie(dara), session_cookie(sokha)
    with daphne(redis_url=url) as first, daphne(redis_url=url) as second:

        async def scenario():
            return await asyncio.gather(
                talk(first, workshop.pk, dara_cookie, [f"Dara {n}" for n in range(5)], 10),
                talk(second, workshop.pk, sokha_cookie, [f"Sokha {n}" for n in range(5)], 10),
            )

        on_first, on_second = asyncio.run(scenario())
    assert on_first == on_second
    assert [seq for seq, _name, _text in on_first] == list(range(1, 11))
    assert {name for _seq, name, _text in on_first} == {"Dara", "Sokha"}
    for name in ("Dara", "Sokha"):
        said = [text for _seq, who, text in on_first if who == name]
        assert said == [f"{name} {n}" for n in range(5)], "each person's messages keep their order"


async def flood(base, workshop_id, cookie, count):
    """Send ``count`` chat messages at once on one connection; the answer to each."""
    url = base.replace("http://", "ws://") + f"/ws/workshops/{workshop_id}/?since=0"
    headers = {"Cookie": f"sessionid={cookie}"}
    async with websockets.connect(url, origin=base, additional_headers=headers) as ws:
        welcome = json.loads(await ws.recv())
        assert welcome["type"] == "welcome"
        for n in range(count):
            await ws.send(json.dumps({"type": "chat.send", "text": f"{base} {n}"}))
        answers = []
        while len(answers) < count:
            frame = json.loads(await asyncio.wait_for(ws.recv(), 15))
            if frame["type"] in ("ack", "error"):
                answers.append(frame.get("code", "ok"))
    return answers


def test_the_persons_budget_holds_across_processes():
    """One person on two connections to each of two processes, each within its own
    burst: together they store no more than the room budget (the counter is in the
    shared Redis); the rest are refused with rate_limited."""
    from workshops import consumers
    from workshops.models import RoomEvent
    from workshops.services.room import ratelimit

    url = redis_url()
    workshop = WorkshopFactory(status="live")
    cookie = session_cookie(UserFactory(display_name="Flood"))
    each = consumers.RATE_BURST - 1
    with daphne(redis_url=url) as first, daphne(redis_url=url) as second:

        async def scenario():
            # The budget is counted per WINDOW seconds of the clock: start early in
            # one, so that the whole flood (about a second) falls within it.
            into = time.time() % ratelimit.WINDOW
            if into > ratelimit.WINDOW / 2:
                await asyncio.sleep(ratelimit.WINDOW - into + 0.05)
            return await asyncio.gather(
                *(flood(base, workshop.pk, cookie, each) for base in (first, second) * 2)
            )

        answers = [code for one in asyncio.run(scenario()) for code in one]
    assert answers.count("ok") == ratelimit.LIMIT
    assert answers.count("rate_limited") == 4 * each - ratelimit.LIMIT
    assert RoomEvent.objects.filter(workshop=workshop, kind="chat.message").count() == (
        ratelimit.LIMIT
    )
