"""Joining a room: who gets in, what they are told, and the heartbeat."""

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from accounts.factories import UserFactory
from lms.asgi import application
from workshops.factories import WorkshopFactory
from workshops.models import Connection, Registration

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def test_member_of_audience_joins_and_is_welcomed(room, learner, live_workshop):
    """A signed-in learner connects, is registered, and gets the room's state."""
    client = room(learner)
    welcome, events = await client.join()
    assert welcome["workshop"]["id"] == live_workshop.pk
    assert welcome["you"]["name"] == "Sokha"
    assert welcome["you"]["host"] is False
    assert [p["name"] for p in welcome["participants"]] == ["Sokha"]
    assert events == []
    assert await Registration.objects.filter(user=learner, workshop=live_workshop).aexists()
    assert await Connection.objects.filter(participant__user=learner, left_at=None).aexists()


async def test_stranger_is_refused_before_accept(room, live_workshop):
    """Someone outside an invited-only workshop cannot open the socket at all."""
    live_workshop.audience = "invited"
    await live_workshop.asave(update_fields=["audience"])
    stranger = await database_sync_to_async(UserFactory)()
    connected, _code = await room(stranger).connect()
    assert connected is False
    assert not await Connection.objects.filter(participant__user=stranger).aexists()


async def test_anonymous_visitor_is_refused(live_workshop):
    """Without a session the handshake is refused."""
    communicator = WebsocketCommunicator(
        application,
        f"/ws/workshops/{live_workshop.pk}/",
        headers=[(b"origin", b"http://testserver")],
    )
    connected, _ = await communicator.connect()
    assert connected is False
    await communicator.disconnect()


async def test_foreign_origin_is_refused(room, learner):
    """A page on another site cannot open the room with the learner's cookie."""
    connected, _code = await room(learner, origin=b"https://evil.example.com").connect()
    assert connected is False


async def test_invited_person_joins_invited_only_room(room, learner, live_workshop):
    live_workshop.audience = "invited"
    await live_workshop.asave(update_fields=["audience"])
    await live_workshop.invitees.aadd(learner)
    welcome, _ = await room(learner).join()
    assert welcome["you"]["name"] == "Sokha"


async def test_full_workshop_refuses_unregistered_but_admits_registered(
    room, host, learner, learner2, live_workshop
):
    """Capacity holds places for the registered; the host always gets in."""
    live_workshop.capacity = 1
    await live_workshop.asave(update_fields=["capacity"])
    await Registration.objects.acreate(workshop=live_workshop, user=learner)
    connected, _ = await room(learner2).connect()
    assert connected is False
    welcome, _ = await room(learner).join()
    assert welcome["you"]["name"] == "Sokha"
    host_welcome, _ = await room(host).join()
    assert host_welcome["you"]["host"] is True


async def test_ping_gets_pong_with_online_count(room, learner, learner2):
    """The heartbeat answers with how many people are present."""
    a = room(learner)
    await a.join()
    await room(learner2).join()
    # The count a pong gives is the last one presence told this process.
    presence = await a.next("presence")
    while presence.get("online") != 2:
        presence = await a.next("presence")
    await a.send(type="ping")
    pong = await a.next("pong")
    assert pong == {"type": "pong", "online": 2}


async def test_unknown_workshop_is_refused(room, learner):
    workshop = WorkshopFactory.build(pk=999_999)
    connected, _ = await room(learner, workshop=workshop).connect()
    assert connected is False


async def group_size(group: str) -> int:
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    if hasattr(layer, "groups"):  # the in-memory layer
        return len(layer.groups.get(group, {}))
    return await layer.connection(0).zcard(layer._group_key(group))


async def test_a_process_listens_to_a_room_once(room, host, learner, learner2, live_workshop):
    """However many people a process serves in a room, the channel layer delivers
    each event to that process once; the last to leave ends the subscription."""
    from workshops.services import group_name

    group = group_name(live_workshop.pk)
    clients = [room(user) for user in (host, learner, learner2)]
    for client in clients:
        await client.join()
    assert await group_size(group) == 1
    ack = await clients[1].act(type="chat.send", text="Hello", client_id="c1")
    for client in clients:
        assert (await client.event("chat.message"))["seq"] == ack["seq"]
    for client in clients:
        await client.disconnect()
    assert await group_size(group) == 0
