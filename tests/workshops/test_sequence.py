"""The stored log: gapless sequence under concurrency, broadcast only after commit,
and presence kept right when connections vanish without a goodbye."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection, transaction
from django.utils import timezone

from accounts.factories import UserFactory
from workshops import services
from workshops.factories import WorkshopFactory
from workshops.models import Connection, RoomEvent

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workshop(transactional_db):
    return WorkshopFactory(status="live")


@pytest.fixture
def listener(workshop):
    """A channel in the room's group, as a consumer would be."""
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(services.group_name(workshop.pk), channel)

    def receive():
        return async_to_sync(layer.receive)(channel)

    yield receive
    async_to_sync(layer.group_discard)(services.group_name(workshop.pk), channel)


def test_concurrent_writers_get_a_gapless_sequence(workshop):
    """Writers on separate database connections (as separate processes would be)
    never share or skip a number."""
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("SQLite's shared in-memory test database refuses concurrent writers")
    people = [services.participant_for(UserFactory(), workshop).pk for _ in range(4)]

    def write(pid):
        try:
            for n in range(8):
                services.post_chat(workshop.pk, pid, f"{pid}-{n}", client_id=f"{pid}-{n}")
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, people))
    seqs = sorted(RoomEvent.objects.filter(workshop=workshop).values_list("seq", flat=True))
    assert seqs == list(range(1, 33))
    workshop.refresh_from_db()
    assert workshop.last_seq == 32


def test_event_is_broadcast_after_commit_only(workshop, listener):
    pid = services.participant_for(UserFactory(display_name="Kanha"), workshop).pk
    with pytest.raises(RuntimeError), transaction.atomic():
        services.post_chat(workshop.pk, pid, "rolled back")
        raise RuntimeError
    services.post_chat(workshop.pk, pid, "kept", client_id="k1")
    message = listener()
    assert message["type"] == "room.event"
    frame = json.loads(message["text"])
    assert frame["seq"] == 1, "the rolled-back event used no number"
    assert frame["data"] == {"text": "kept"}
    assert frame["actor"]["name"] == "Kanha"


def test_dead_connection_is_swept_and_the_room_told(workshop, listener):
    """A phone that vanished (no close, no heartbeats) is marked gone at its last sign of
    life, and the room hears that the person left; a sweep by another process finds
    nothing more to do."""
    participant = services.participant_for(UserFactory(), workshop)
    silent_since = timezone.now() - services.PRESENCE_TIMEOUT - timedelta(seconds=5)
    dead = Connection.objects.create(
        workshop=workshop,
        participant=participant,
        channel_name="gone",
        joined_at=silent_since - timedelta(minutes=10),
        last_seen_at=silent_since,
    )
    assert services.sweep_stale_connections(workshop.pk) == [participant.pk]
    assert listener() == {"type": "room.presence", "left": [participant.pk], "online": 0}
    dead.refresh_from_db()
    assert dead.left_at == silent_since
    assert services.sweep_stale_connections(workshop.pk) == []
    assert services.presence_snapshot(workshop.pk) == []
