"""The room while its channel layer's Redis is down, and after it comes back.

A real ``redis-server`` started by the test on its own port is killed
(SIGKILL) and started again empty: connections stay open and are told
live delivery is paused, chat is still stored, a new connection is still
accepted, and after the restart every client gets what it missed, once,
and live delivery carries on without restarting anything.
"""

import pytest
import pytest_asyncio

from tests.support.redis_server import redis_server
from workshops.models import RoomEvent

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

LAYERS = ["channels_redis.core.RedisChannelLayer", "channels_redis.pubsub.RedisPubSubChannelLayer"]


@pytest_asyncio.fixture(params=LAYERS, ids=["core", "pubsub"])
async def redis(request, settings):
    with redis_server() as server:
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": request.param,
                "CONFIG": {"hosts": [server.url], "prefix": "outage"},
            }
        }
        settings.CACHES = {
            "default": {
                "BACKEND": "lms.cache.ResilientRedisCache",
                "LOCATION": server.url,
                "KEY_PREFIX": "outage",
            }
        }
        yield server


def seqs(client) -> list[int]:
    """Every event seq a client received, live or in a history, in order."""
    found = []
    for frame in client.seen:
        if frame["type"] == "event":
            found.append(frame["seq"])
        elif frame["type"] == "history":
            found += [event["seq"] for event in frame["events"]]
    return found


async def test_the_room_pauses_while_redis_is_down_and_catches_up_after(
    redis, room, host, learner, learner2, live_workshop
):
    h = room(host)
    await h.join()
    a = room(learner)
    await a.join()
    before = await a.act(type="chat.send", text="before", client_id="c0")
    assert (await h.event("chat.message"))["seq"] == before["seq"]

    redis.kill()
    assert await h.next("live", timeout=10) == {"type": "live", "state": "paused"}
    assert await a.next("live", timeout=10) == {"type": "live", "state": "paused"}

    # Chat is still stored, and acknowledged.
    during = await a.act(type="chat.send", text="while Redis is down", client_id="c1")
    assert during["type"] == "ack"
    assert await RoomEvent.objects.filter(workshop=live_workshop, seq=during["seq"]).aexists()

    # A new connection is accepted, gets the log so far, and is told delivery is paused.
    b = room(learner2)
    _welcome, history = await b.join()
    assert [e["data"]["text"] for e in history if e["kind"] == "chat.message"] == [
        "before",
        "while Redis is down",
    ]
    assert await b.next("live", timeout=10) == {"type": "live", "state": "paused"}

    redis.start()
    for client in (h, a, b):
        assert await client.next("live", timeout=15) == {"type": "live", "state": "resumed"}
    # What each missed arrived in a history just before "resumed".
    caught_up = [f for f in h.seen if f["type"] == "history" and f["fill"]]
    assert [e["seq"] for e in caught_up[-1]["events"]] == [during["seq"]]

    # Live delivery carries on, without a restart.
    after = await h.act(type="chat.send", text="after", client_id="c2")
    for client in (a, b):
        assert (await client.event("chat.message", timeout=5))["seq"] == after["seq"]
    assert (await h.event("chat.message", timeout=5))["seq"] == after["seq"]

    # Everyone saw every event exactly once, in order.
    for client in (h, a):
        assert seqs(client) == sorted(set(seqs(client))), client.user
        assert {before["seq"], during["seq"], after["seq"]} <= set(seqs(client))
    assert seqs(b) == sorted(set(seqs(b)))
