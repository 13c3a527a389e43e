"""Handshakes that arrive together are authenticated and admitted together
(``lms.asgi.ParallelAuthMiddleware``, ``workshops.admission``): each still gets
its own identity, and the room's rules still hold for each."""

import asyncio

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.factories import UserFactory
from lms.asgi import application
from workshops.models import Participant, Registration
from workshops.services.room.presence import join_many

from .conftest import ORIGIN

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def big_workshop(live_workshop):
    # Seats to spare: the batched path (a nearly full room takes the locked one).
    live_workshop.capacity = 500
    live_workshop.save(update_fields=["capacity"])
    return live_workshop


@pytest.mark.asyncio
async def test_people_arriving_at_once_are_each_welcomed_as_themselves(room, host, big_workshop):
    people = await database_sync_to_async(UserFactory.create_batch)(12)
    removed = people[-1]
    await database_sync_to_async(Participant.objects.create)(
        workshop=big_workshop, user=removed, display_name=removed.display_name, is_removed=True
    )
    clients = [room(user) for user in [host, *people]]

    results = await asyncio.gather(*(client.connect() for client in clients))

    assert [connected for connected, _code in results] == [True] * 12 + [False]
    for client in clients[:-1]:
        welcome = await client.next("welcome")
        assert welcome["you"]["name"] == client.user.display_name
        assert welcome["you"]["host"] is (client.user == host)
        while not (await client.next("history"))["complete"]:
            pass
    registered = await database_sync_to_async(
        lambda: set(
            Registration.objects.filter(workshop=big_workshop).values_list("user_id", flat=True)
        )
    )()
    assert registered == {user.pk for user in people[:-1]}, "everyone but the host and removed"
    await clients[0].send(type="ping")
    pong = await clients[0].next("pong")
    assert pong["online"] == 12


@pytest.mark.asyncio
async def test_a_bad_session_among_good_ones_is_refused_alone(
    room, learner, learner2, big_workshop
):
    good = [room(learner), room(learner2)]
    bogus = WebsocketCommunicator(
        application,
        f"/ws/workshops/{big_workshop.pk}/",
        headers=[(b"cookie", b"sessionid=not-a-session"), (b"origin", ORIGIN)],
    )

    results = await asyncio.gather(*(client.connect() for client in good), bogus.connect())

    assert [connected for connected, _code in results] == [True, True, False]
    names = {(await client.next("welcome"))["you"]["name"] for client in good}
    assert names == {"Sokha", "Vanna"}


def test_a_batch_of_joins_costs_the_same_queries_at_3_and_at_15(big_workshop):
    def queries(count: int) -> int:
        requests = [(user, "x") for user in UserFactory.create_batch(count)]
        with CaptureQueriesContext(connection) as captured:
            joined = join_many(big_workshop.pk, requests, "process")
        assert all(j is not None and j.announce is not None for j in joined)
        return len(captured)

    assert queries(3) == queries(15)


def test_a_second_tab_in_the_same_batch_is_announced_once(big_workshop, learner):
    first, second = join_many(big_workshop.pk, [(learner, "a"), (learner, "b")], "process")
    assert first.participant == second.participant
    assert first.connection != second.connection
    assert first.announce is not None and second.announce is None


def test_a_nearly_full_room_admits_the_first_up_to_its_capacity(live_workshop):
    live_workshop.capacity = 3
    live_workshop.save(update_fields=["capacity"])
    people = UserFactory.create_batch(5)
    joined = join_many(live_workshop.pk, [(user, "x") for user in people], "process")
    assert [j is not None for j in joined] == [True, True, True, False, False]


def test_a_registered_person_has_a_seat_in_a_full_room(live_workshop):
    first, second = UserFactory.create_batch(2)
    live_workshop.capacity = 1
    live_workshop.save(update_fields=["capacity"])
    Registration.objects.create(workshop=live_workshop, user=second)
    joined = join_many(live_workshop.pk, [(first, "a"), (second, "b")], "process")
    assert [j is not None for j in joined] == [False, True]
