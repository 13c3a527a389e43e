"""Two deployments on one Redis see nothing of each other's rooms: the channel
layer's prefix comes from the settings and the Redis database number."""

import asyncio
import os

import pytest
from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer

from lms.settings.base import _layer_prefix

needs_redis = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs a real Redis (REDIS_URL)"
)

LAYERS = [RedisChannelLayer, RedisPubSubChannelLayer]


def _url(db: int) -> str:
    base = os.environ["REDIS_URL"].rsplit("/", 1)[0]
    return f"{base}/{db}"


def _layer(backend, name: str, db: int):
    url = _url(db)
    return backend(hosts=[{"address": url}], prefix=_layer_prefix(name, url))


async def _delivered(sender, receiver) -> bool:
    """Whether a group message sent through ``sender`` reaches a channel of ``receiver``."""
    channel = await receiver.new_channel()
    await receiver.group_add("workshop.1", channel)
    try:
        await sender.group_send("workshop.1", {"type": "room.event", "text": "private chat"})
        try:
            message = await asyncio.wait_for(receiver.receive(channel), timeout=0.5)
        except TimeoutError:
            return False
        return message["text"] == "private chat"
    finally:
        await receiver.group_discard("workshop.1", channel)


def test_the_prefix_names_the_database():
    assert _layer_prefix("lms", "redis://127.0.0.1:6379/9") == "lms.db9"
    assert _layer_prefix("lms", "redis://127.0.0.1:6379") == "lms.db0"
    assert _layer_prefix("lms", "unix:///run/redis.sock?db=3") == "lms.db3"


@needs_redis
@pytest.mark.asyncio
@pytest.mark.parametrize("backend", LAYERS)
async def test_two_databases_on_one_redis_see_nothing_of_each_other(backend):
    """Configured alike but for the database number, each deployment gets its own
    events and none of the other's (pub/sub crosses databases in Redis)."""
    first, second = _layer(backend, "lms", 11), _layer(backend, "lms", 12)
    try:
        assert await _delivered(first, first)
        assert not await _delivered(first, second)
        assert not await _delivered(second, first)
    finally:
        for layer in (first, second):
            await layer.flush()


@needs_redis
@pytest.mark.asyncio
@pytest.mark.parametrize("backend", LAYERS)
async def test_two_names_on_one_database_see_nothing_of_each_other(backend):
    first, second = _layer(backend, "academy-a", 11), _layer(backend, "academy-b", 11)
    try:
        assert await _delivered(second, second)
        assert not await _delivered(first, second)
    finally:
        for layer in (first, second):
            await layer.flush()


@needs_redis
@pytest.mark.asyncio
async def test_a_fixed_prefix_would_leak_across_databases():
    """Why the number is in the prefix: with one fixed prefix, a pub/sub subscriber on
    another database receives the room's events."""
    url_a, url_b = _url(11), _url(12)
    first = RedisPubSubChannelLayer(hosts=[{"address": url_a}], prefix="lms")
    second = RedisPubSubChannelLayer(hosts=[{"address": url_b}], prefix="lms")
    try:
        assert await _delivered(first, second)
    finally:
        for layer in (first, second):
            await layer.flush()
