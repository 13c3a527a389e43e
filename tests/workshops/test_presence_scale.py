"""Presence for large rooms: batched deltas, protocol 2's count mode, constant admission."""

import gc

import pytest
from channels.db import database_sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import UserFactory
from workshops import consumers, presence_fanout
from workshops.models import Connection, Participant

from .conftest import RoomClient

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


class Version2Client(RoomClient):
    """A room client that asks for protocol 2."""

    def __init__(self, user, workshop, **kwargs):
        super().__init__(user, workshop, protocol=2, **kwargs)


async def test_joins_and_leaves_arrive_together_in_one_frame(room, host, live_workshop):
    """Ten joins and two leaves within the batch interval: one frame, not twelve."""
    h = room(host)
    await h.join()
    batcher = presence_fanout.batcher(get_channel_layer(), live_workshop.pk)
    for pid in range(1000, 1010):
        entry = {"pid": pid, "name": f"P{pid}", "host": False, "hand": False, "muted": False}
        batcher.joined(entry)
    batcher.left([1003, 2000])
    frame = await h.next("presence")
    while "left" not in frame:
        frame = await h.next("presence")  # the host's own arrival, if batched before
    joined = [e["pid"] for e in frame["joined"] if e["pid"] != h_pid(h)]
    assert joined == [p for p in range(1000, 1010) if p != 1003], (frame, h.seen)
    assert frame["left"] == [1003, 2000]
    assert frame["online"] == 1  # the count is the stored one: only the host is connected
    await h.quiet(0.4)  # nothing else: one frame for the whole batch


def h_pid(client) -> int:
    return next(f for f in client.seen if f["type"] == "welcome")["you"]["pid"]


async def test_a_large_room_sends_version_2_participants_the_count(
    room, host, learner, learner2, live_workshop, monkeypatch
):
    monkeypatch.setattr(consumers.protocol, "PRESENCE_LIST_LIMIT", 1)
    h = room(host)
    await h.join()
    a = Version2Client(learner, live_workshop)
    try:
        welcome, _history = await a.join()
        assert welcome["protocol"] == 2
        assert welcome["presence"] == "count"
        assert welcome["online"] == 2
        assert "participants" not in welcome
        assert welcome["limits"]["presence_list"] == 1

        old = room(learner2)  # without ?protocol=2: the list, as in version 1
        old_welcome, _ = await old.join()
        assert old_welcome["protocol"] == 2  # the server's version
        assert {p["name"] for p in old_welcome["participants"]} == {"Host Dara", "Sokha", "Vanna"}
        assert "presence" not in old_welcome

        count = await a.next("presence.count")
        while count["online"] != 3:
            count = await a.next("presence.count")
        # The host sees who came.
        joined = await h.next("presence")
        while "Vanna" not in [e["name"] for e in joined.get("joined", [])]:
            joined = await h.next("presence")
        assert joined["online"] == 3
        # The count-mode client never got a list delta.
        assert not [f for f in a.seen if f["type"] == "presence"]

        # The people on demand.
        await a.send(type="presence.sync")
        listed = await a.next("presence")
        assert [p["name"] for p in listed["participants"]] == ["Host Dara", "Sokha", "Vanna"]
        assert listed["online"] == 3

        await old.disconnect()
        count = await a.next("presence.count")
        assert count == {"type": "presence.count", "online": 2}

        # Events still reach everyone in count mode.
        await h.act(type="chat.send", text="hello all", client_id="h1")
        assert (await a.event("chat.message"))["data"]["text"] == "hello all"
    finally:
        await a.disconnect()


async def test_a_host_of_a_large_room_gets_the_list(
    room, host, learner, live_workshop, monkeypatch
):
    monkeypatch.setattr(consumers.protocol, "PRESENCE_LIST_LIMIT", 0)
    await room(learner).join()
    h = Version2Client(host, live_workshop)
    try:
        welcome, _ = await h.join()
        assert welcome["presence"] == "list"
        assert [p["name"] for p in welcome["participants"]] == ["Host Dara", "Sokha"]
    finally:
        await h.disconnect()


def _admission_queries(workshop, user) -> int:
    consumer = consumers.WorkshopRoomConsumer()
    consumer.workshop_id, consumer.protocol, consumer.channel_name = workshop.pk, 2, "x"
    consumer.language = "en"
    with CaptureQueriesContext(connection) as queries:
        assert consumer._admit(user, "process") is not None
    welcome = consumer._admit(user, "process")[1]
    assert welcome["presence"] == "count"
    return len(queries)


def _fill(workshop, count: int) -> None:
    for user in UserFactory.create_batch(count):
        participant = Participant.objects.create(
            workshop=workshop, user=user, display_name=user.display_name
        )
        Connection.objects.create(workshop=workshop, participant=participant, channel_name="x")


async def test_admission_costs_the_same_queries_whatever_the_room_size(live_workshop, monkeypatch):
    """Connect, register and welcome: the same number of queries at 12 and at 60 people."""
    monkeypatch.setattr(consumers.protocol, "PRESENCE_LIST_LIMIT", 10)

    @database_sync_to_async
    def measure():
        _fill(live_workshop, 12)
        small = _admission_queries(live_workshop, UserFactory())
        _fill(live_workshop, 48)
        large = _admission_queries(live_workshop, UserFactory())
        return small, large

    small, large = await measure()
    assert small == large
    assert large <= 25


async def test_people_in_the_room_leave_no_database_wrapper_each(room, live_workshop):
    """Each connection used to make a database wrapper of its own on the event loop
    (``connection.vendor`` read in its context), eight objects in a cycle: 2,000
    people were 2,000 of them for the cycle collector to walk, pausing every room
    on the process. Now only the worker threads have one each."""
    from django.db.backends.base.base import BaseDatabaseWrapper

    def wrappers() -> int:
        # type(), not isinstance(): that would set up lazy objects left by other tests.
        return sum(issubclass(type(o), BaseDatabaseWrapper) for o in gc.get_objects())

    people = await database_sync_to_async(UserFactory.create_batch)(30)
    before = wrappers()
    for person in people:
        await room(person).join()
    # The room's worker threads (six here) may each have made one.
    assert wrappers() - before <= 8
