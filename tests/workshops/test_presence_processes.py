"""Presence across server processes: a killed process's people leave the list in < 30 s."""

import asyncio
import json
import time

import pytest
import websockets

from accounts.factories import UserFactory
from workshops import services
from workshops.factories import WorkshopFactory
from workshops.models import Connection, RoomProcess

from .servers import daphne, session_cookie
from .test_scale_out import redis_url

pytestmark = pytest.mark.django_db(transaction=True)


def ws_url(base, workshop_id, query=""):
    return base.replace("http://", "ws://") + f"/ws/workshops/{workshop_id}/?since=0{query}"


async def frames(ws, timeout):
    while True:
        yield json.loads(await asyncio.wait_for(ws.recv(), timeout))


def test_the_people_of_a_killed_process_leave_the_list_within_30_seconds():
    url = redis_url()
    workshop = WorkshopFactory(status="live")
    host_cookie = session_cookie(workshop.host)
    people = [UserFactory(display_name=f"Person {n}") for n in range(5)]
    cookies = [session_cookie(person) for person in people]
    processes = []
    with daphne(redis_url=url) as first, daphne(redis_url=url, started=processes) as second:

        async def scenario():
            headers = {"Cookie": f"sessionid={host_cookie}"}
            async with websockets.connect(
                ws_url(first, workshop.pk, "&protocol=2"), origin=first, additional_headers=headers
            ) as host:
                listed = set()
                async for frame in frames(host, 15):
                    if frame["type"] == "welcome":
                        me = frame["you"]["pid"]
                    if frame["type"] == "history" and frame["complete"]:
                        break
                others = [
                    await websockets.connect(
                        ws_url(second, workshop.pk),
                        origin=second,
                        additional_headers={"Cookie": f"sessionid={cookie}"},
                    )
                    for cookie in cookies
                ]
                async for frame in frames(host, 15):
                    if frame["type"] == "presence":
                        listed |= {entry["pid"] for entry in frame.get("joined", [])} - {me}
                    if len(listed) == len(people):
                        break
                processes[0].kill()  # SIGKILL: no goodbye from anyone on it
                killed_at = time.monotonic()
                async for frame in frames(host, 40):
                    if frame["type"] == "presence":
                        listed -= set(frame.get("left", []))
                        if not listed:
                            assert frame["online"] == 1  # the host alone
                            break
                for ws in others:
                    await ws.close()
                return time.monotonic() - killed_at

        gone_after = asyncio.run(scenario())
    print(f"\nthe killed process's {len(people)} people left the list after {gone_after:.1f} s")
    assert gone_after < 30, f"listed for {gone_after:.1f} s after the process died"
    theirs = Connection.objects.filter(workshop=workshop, participant__user__in=people)
    assert theirs.count() == len(people)
    assert not theirs.filter(left_at__isnull=True).exists()


def test_a_dead_process_is_swept_at_its_last_beat_and_forgotten(transactional_db):
    """The sweep closes an unbeating process's connections at its last heartbeat,
    leaves a beating process's connections alone, and forgets the dead row."""
    from datetime import timedelta

    from django.utils import timezone

    from workshops.models import Participant

    workshop = WorkshopFactory(status="live")
    last_beat = timezone.now() - services.PROCESS_TIMEOUT - timedelta(seconds=1)
    RoomProcess.objects.create(key="dead", beat_at=last_beat)
    services.beat_process("alive", touch=False)
    people = [UserFactory(display_name=f"P{n}") for n in range(2)]
    rows = {}
    for person, process in zip(people, ["dead", "alive"], strict=True):
        participant = Participant.objects.create(
            workshop=workshop, user=person, display_name=person.display_name
        )
        rows[process] = Connection.objects.create(
            workshop=workshop,
            participant=participant,
            channel_name="x",
            process=process,
            last_seen_at=last_beat - timedelta(seconds=20),  # touched before the last beat
        )
    gone = services.sweep_dead_processes()
    assert gone == {workshop.pk: [rows["dead"].participant_id]}
    rows["dead"].refresh_from_db()
    rows["alive"].refresh_from_db()
    assert rows["dead"].left_at == last_beat
    assert rows["alive"].left_at is None
    assert list(RoomProcess.objects.values_list("key", flat=True)) == ["alive"]
    assert services.sweep_dead_processes() == {}


@pytest.mark.asyncio
async def test_the_room_is_told_when_another_process_died(
    room, host, learner, live_workshop, monkeypatch
):
    """In-process: a connection held by a process that stopped beating is closed by
    this process's heartbeat, and the room sees that person leave."""
    from datetime import timedelta

    from channels.db import database_sync_to_async
    from django.utils import timezone

    from workshops import presence_fanout
    from workshops.models import Participant

    monkeypatch.setattr(presence_fanout, "BEAT_INTERVAL", 0.05)

    @database_sync_to_async
    def elsewhere():
        RoomProcess.objects.create(key="gone", beat_at=timezone.now() - timedelta(minutes=1))
        participant = Participant.objects.create(
            workshop=live_workshop, user=learner, display_name=learner.display_name
        )
        Connection.objects.create(
            workshop=live_workshop, participant=participant, channel_name="x", process="gone"
        )
        return participant.pk

    h = room(host)
    await h.join()
    # Only now: a sweep that ran before the host's connection was stored would
    # rightly count no one online.
    pid = await elsewhere()
    left = await h.next("presence", timeout=5)
    while "left" not in left:
        left = await h.next("presence", timeout=5)
    assert left == {"type": "presence", "left": [pid], "online": 1}
