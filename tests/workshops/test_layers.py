"""The embedded in-memory layer: same delivery, clean-up at most once a second."""

import asyncio

import pytest

from workshops import layers

pytestmark = pytest.mark.asyncio


async def test_group_messages_reach_every_member():
    layer = layers.InMemoryChannelLayer()
    channels = [await layer.new_channel() for _ in range(3)]
    for channel in channels:
        await layer.group_add("workshop.1", channel)
    await layer.group_send("workshop.1", {"type": "room.event", "seq": 1})
    received = [await layer.receive(channel) for channel in channels]
    assert received == [{"type": "room.event", "seq": 1}] * 3


async def test_expired_messages_are_still_dropped(monkeypatch):
    layer = layers.InMemoryChannelLayer(expiry=0.01)
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "old"})
    await asyncio.sleep(0.05)
    layer._clean_expired()
    assert channel not in layer.channels, "a sweep that is due runs"


async def test_sweeps_are_throttled(monkeypatch):
    layer = layers.InMemoryChannelLayer(expiry=0.01)
    layer._clean_expired()
    channel = await layer.new_channel()
    await layer.send(channel, {"type": "old"})
    await asyncio.sleep(0.05)
    layer._clean_expired()
    assert channel in layer.channels, "no second sweep within the interval"
    monkeypatch.setattr(layers, "CLEAN_INTERVAL", 0.0)
    layer._clean_expired()
    assert channel not in layer.channels


async def test_redis_layer_outwaits_its_own_blocking_pop(settings):
    """A quiet room's consumers block on Redis for up to 5 s at a time; the socket
    must not time out first (redis-py 8's default would drop them every 5 s)."""
    from channels_redis.core import RedisChannelLayer

    if not settings.REDIS_URL:
        pytest.skip("no REDIS_URL: the embedded default has no Redis connection")
    layer = RedisChannelLayer(**settings.CHANNEL_LAYERS["default"]["CONFIG"])
    pool = layer.connection(0).connection_pool
    try:
        assert pool.connection_kwargs["socket_timeout"] > layer.brpop_timeout
        channel = await layer.new_channel()
        started = asyncio.get_running_loop().time()
        receiving = asyncio.create_task(layer.receive(channel))
        await asyncio.sleep(0.2)
        await layer.send(channel, {"type": "room.event", "seq": 1})
        assert await asyncio.wait_for(receiving, 5) == {"type": "room.event", "seq": 1}
        assert asyncio.get_running_loop().time() - started < 5
    finally:
        await layer.flush()
        await layer.close_pools()
