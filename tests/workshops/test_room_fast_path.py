"""A chat message's path from its sender to the room, with the round trips cut (issue 17 §5).

Local listeners get a stored event without waiting for the layer's echo, and
get it once; a connection that just worked skips Django's health check; the
person's budget is one Redis round trip; a chat transaction does not wait
for the disk, and every other action still does.
"""

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.db import connection, connections

from accounts.factories import UserFactory
from workshops import fanout, layers, services
from workshops.consumers import protocol
from workshops.factories import WorkshopFactory
from workshops.services.room import ratelimit
from workshops.services.room.actions import RoomAction, run_action
from workshops.services.room.events import Kind


class Listener:
    def __init__(self):
        self.messages = []

    def deliver(self, message):
        self.messages.append(message)


async def _drain(layer, hub):
    """Until the layer has handed the hub everything sent to it so far."""
    for _ in range(5):  # ``publish`` sends on in a task: let it run first
        await asyncio.sleep(0)
    marker = {"type": "room.presence", "online": 1}
    await layer.group_send(hub.group, marker)
    for _ in range(100):
        if hub.online == 1:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the hub never received the marker")


@pytest.mark.asyncio
async def test_a_stored_event_reaches_local_listeners_at_once_and_once():
    layer = layers.InMemoryChannelLayer()
    listener = Listener()
    hub = await fanout.join(layer, "workshop.1", listener)
    other = await layer.new_channel()  # another process's hub, as far as the layer goes
    await layer.group_add("workshop.1", other)

    fanout.publish(layer, "workshop.1", {"type": "room.event", "seq": 1, "text": "{}"})
    assert [m["seq"] for m in listener.messages] == [1], "delivered before the layer's turn"

    await _drain(layer, hub)
    events = [m for m in listener.messages if m["type"] == "room.event"]
    assert [m["seq"] for m in events] == [1], "the layer's echo is dropped"
    sent_on = await layer.receive(other)
    assert sent_on["seq"] == 1, "the other processes still get it"
    await fanout.leave(layer, "workshop.1", listener)


@pytest.mark.asyncio
async def test_a_paused_hub_leaves_delivery_to_the_layer():
    """While the layer is down the listeners catch up from the log: no local shortcut
    that would put a later event before the ones they missed."""
    layer = layers.InMemoryChannelLayer()
    listener = Listener()
    hub = await fanout.join(layer, "workshop.2", listener)
    hub.monitor.live = False
    try:
        fanout.publish(layer, "workshop.2", {"type": "room.event", "seq": 1, "text": "{}"})
        assert listener.messages == []
    finally:
        hub.monitor.live = True
    await _drain(layer, hub)
    assert [m["seq"] for m in listener.messages if m["type"] == "room.event"] == [1]
    await fanout.leave(layer, "workshop.2", listener)


@pytest.mark.asyncio
async def test_an_event_ahead_of_its_predecessor_waits_for_it(monkeypatch):
    """This process's own event, delivered at once, does not overtake another
    process's earlier one still on its way through the layer; if that one never
    comes, the later one goes after ``HOLD`` (clients fill gaps from the log)."""
    monkeypatch.setattr(fanout, "HOLD", 0.05)
    layer = layers.InMemoryChannelLayer()
    listener = Listener()
    hub = await fanout.join(layer, "workshop.3", listener)
    event = {"type": "room.event", "text": "{}"}
    hub.take({**event, "seq": 1})
    fanout.publish(layer, "workshop.3", {**event, "seq": 3})  # 2 is still on its way
    assert [m["seq"] for m in listener.messages] == [1]
    hub.take({**event, "seq": 2})
    assert [m["seq"] for m in listener.messages] == [1, 2, 3]

    fanout.publish(layer, "workshop.3", {**event, "seq": 5})  # 4 never comes
    await asyncio.sleep(0.1)
    assert [m["seq"] for m in listener.messages] == [1, 2, 3, 5]
    await _drain(layer, hub)
    assert [m["seq"] for m in listener.messages if m["type"] == "room.event"] == [1, 2, 3, 5]
    await fanout.leave(layer, "workshop.3", listener)


@pytest.mark.django_db(transaction=True)
def test_a_connection_that_just_worked_is_not_checked_again(monkeypatch):
    """With CONN_HEALTH_CHECKS, Django pings the database before each call's first query;
    the room trusts a connection that finished a call without error a moment ago."""
    wrapper = type(connections["default"])
    checks = []
    real_is_usable = wrapper.is_usable

    def counting_is_usable(self):
        checks.append(time.monotonic())
        return real_is_usable(self)

    def query():
        conn = connections["default"]  # the worker thread's own
        with conn.cursor() as cursor:
            cursor.execute("SELECT 1")
        # As in production: a persistent connection, checked before use.
        conn.health_check_enabled, conn.close_at = True, None

    monkeypatch.setattr(wrapper, "is_usable", counting_is_usable)
    call = protocol.database_sync_to_async(query)

    async def calls():
        # One worker thread, so that every call meets the same connection (the pool would
        # give some calls a fresh thread, whose new connection needs no check).
        asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=1))
        await call()  # opens the worker thread's connection
        await call()
        first = len(checks)
        await call()
        await call()
        assert len(checks) == first, "no health check right after a call that worked"
        monkeypatch.setattr(protocol, "HEALTH_CHECK_IDLE", 0.0)
        await call()
        assert len(checks) == first + 1, "an idle connection is checked as before"
        await protocol.database_sync_to_async(lambda: connections["default"].close())()

    asyncio.run(calls())
    assert checks, "the idle connection was checked"


@pytest.mark.django_db
def test_the_budget_counts_across_calls_and_expires(settings):
    workshop_id, person = 987654, 321
    assert ratelimit.spend(workshop_id, person, 29)
    assert ratelimit.spend(workshop_id, person)
    assert not ratelimit.spend(workshop_id, person), "the 31st unit is refused"
    assert ratelimit.wait_before_joining(workshop_id, person) > 0, "joining now waits"
    if hasattr(cache, "add_counter"):  # Redis: the counter was created with its expiry
        key = cache.make_and_validate_key(
            f"room-rate:{workshop_id}:{person}:{int(time.time()) // ratelimit.WINDOW}"
        )
        ttl = cache._cache.get_client(key).ttl(key)
        assert 0 < ttl <= ratelimit.WINDOW * 2


@pytest.fixture
def room(transactional_db):
    workshop = WorkshopFactory(status="live")
    pid = services.participant_for(UserFactory(), workshop).pk
    return workshop, pid


def _commit_setting_inside(workshop, pid, durable):
    seen = {}

    def body(action):
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            seen["inside"] = cursor.fetchone()[0]
        return action.record(Kind.CHAT_MESSAGE, data={"text": "hi"})

    run_action(RoomAction(workshop.pk, pid, f"c{durable}", durable=durable), body)
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        seen["after"] = cursor.fetchone()[0]
    return seen


def test_a_chat_transaction_does_not_wait_for_the_disk_and_others_do(room):
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")
    workshop, pid = room
    assert _commit_setting_inside(workshop, pid, durable=False) == {
        "inside": "off",
        "after": "on",
    }, "off for the chat transaction only"
    assert _commit_setting_inside(workshop, pid, durable=True) == {"inside": "on", "after": "on"}


def test_post_chat_is_not_durable_unless_the_setting_says_so(room, settings, monkeypatch):
    workshop, pid = room
    made = []
    real_init = RoomAction.__init__

    def recording_init(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        made.append(self.durable)

    monkeypatch.setattr(RoomAction, "__init__", recording_init)
    services.post_chat(workshop.pk, pid, "one", client_id="a")
    settings.WORKSHOPS_CHAT_WAITS_FOR_DISK = True
    services.post_chat(workshop.pk, pid, "two", client_id="b")
    services.set_hand(workshop.pk, pid, True, client_id="h")
    assert made == [False, True, True]
