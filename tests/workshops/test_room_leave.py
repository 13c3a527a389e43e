"""People leaving together are closed together: a mass disconnect and a dead process's
sweep cost a few statements per batch, not per person, and attendance stays exact."""

import asyncio
import time
from datetime import timedelta

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.factories import UserFactory
from workshops import services
from workshops.factories import WorkshopFactory
from workshops.models import Attendance, Connection, Participant, RoomProcess

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def workshop(transactional_db):
    start = timezone.now() - timedelta(minutes=50)
    return WorkshopFactory(
        status="live",
        starts_at=start,
        started_at=start,
        ends_at=start + timedelta(minutes=60),
    )


def open_connections(workshop, count: int, *, process: str = "p", **fields) -> list[Connection]:
    """``count`` people, each on one open connection since the workshop started."""
    users = UserFactory.create_batch(count)
    participants = Participant.objects.bulk_create(
        [Participant(workshop=workshop, user=u, display_name=u.display_name) for u in users]
    )
    fields = {"joined_at": workshop.started_at, "last_seen_at": timezone.now(), **fields}
    return Connection.objects.bulk_create(
        [
            Connection(
                workshop=workshop, participant=p, channel_name="x", process=process, **fields
            )
            for p in participants
        ]
    )


def statements(run) -> list[str]:
    """The SQL ``run()`` sends, the attendance task after commit included."""
    with CaptureQueriesContext(connection) as queries:
        run()
    return [q["sql"] for q in queries.captured_queries]


def updates(sql: list[str]) -> list[str]:
    return [s for s in sql if s.startswith("UPDATE") and "workshops_connection" in s]


def test_leaving_together_costs_the_same_statements_for_3_and_for_60(workshop):
    def leave(count):
        rows = open_connections(workshop, count)
        now = timezone.now()
        sql = statements(lambda: services.leave_many([(c.pk, now) for c in rows]))
        assert not Connection.objects.filter(pk__in=[c.pk for c in rows], left_at=None).exists()
        users = [c.participant.user_id for c in rows]
        recorded = Attendance.objects.filter(workshop=workshop, user_id__in=users)
        assert recorded.count() == count, "everyone's attendance is recorded"
        return sql

    few, many = leave(3), leave(60)
    assert len(few) == len(many), "\n".join(many)
    assert len(updates(many)) == 1, "one UPDATE closes the batch"


def test_each_person_leaves_at_their_own_time_and_attendance_is_exact(workshop):
    """A batch is written when the database is free, but each connection is closed at
    the moment it went: minutes do not depend on how long the batch waited."""
    rows = open_connections(workshop, 3)
    start = workshop.started_at
    times = [start + timedelta(minutes=m, seconds=s) for m, s in ((12, 30), (29, 59), (30, 1))]
    gone = services.leave_many([(c.pk, at) for c, at in zip(rows, times, strict=True)])

    assert gone == [[c.participant_id] for c in rows]
    for c, at in zip(rows, times, strict=True):
        c.refresh_from_db()
        assert (c.left_at, c.last_seen_at) == (at, at)
    minutes = dict(Attendance.objects.values_list("user_id", "minutes"))
    assert [minutes[c.participant.user_id] for c in rows] == [12, 29, 30]


def test_a_person_still_connected_elsewhere_is_not_gone(workshop):
    (first,) = open_connections(workshop, 1)
    second = Connection.objects.create(
        workshop=workshop, participant=first.participant, channel_name="y", process="p"
    )
    now = timezone.now()
    assert services.leave_many([(first.pk, now)]) == [[]], "a second tab is still there"
    assert services.leave_many([(second.pk, now), (first.pk, now)]) == [
        [first.participant_id],
        [],
    ], "told once, and a connection closed already changes nothing"


def test_a_dead_process_is_swept_in_one_update_however_many_it_held(workshop):
    def sweep(count):
        key = f"dead{count}"
        beat = timezone.now() - services.PROCESS_TIMEOUT - timedelta(seconds=5)
        RoomProcess.objects.create(key=key, beat_at=beat)
        rows = open_connections(workshop, count, process=key, last_seen_at=beat)
        sql = statements(services.sweep_dead_processes)
        assert Connection.objects.filter(pk__in=[c.pk for c in rows], left_at=beat).count() == (
            count
        ), "closed at the process's last beat"
        return sql

    few, many = sweep(3), sweep(40)
    assert len(few) == len(many), "\n".join(many)
    assert len(updates(many)) == 1, "\n".join(many)


def test_a_quiet_sweep_writes_nothing(workshop):
    open_connections(workshop, 5)
    services.beat_process("p", touch=False)
    assert updates(statements(services.sweep_dead_processes)) == []


@pytest.mark.asyncio
async def test_people_leaving_at_once_are_told_to_the_room_together(
    room, host, live_workshop, monkeypatch
):
    """Fifteen people close their tabs at once: the host sees them go, in one
    presence frame, and their departures took fewer database calls than people."""
    calls = []
    leave_many = services.leave_many

    def counted(departures):
        calls.append(len(departures))
        return leave_many(departures)

    monkeypatch.setattr(services, "leave_many", counted)
    live_workshop.capacity = 100
    await database_sync_to_async(live_workshop.save)(update_fields=["capacity"])
    people = await database_sync_to_async(UserFactory.create_batch)(15)
    h = room(host)
    await h.join()
    clients = [room(person) for person in people]
    for client in clients:
        await client.join()
    while (await h.next("presence")).get("online") != 16:
        pass

    await asyncio.gather(*(client.communicator.disconnect() for client in clients))

    frame = await h.next("presence", timeout=5)
    while "left" not in frame:
        frame = await h.next("presence", timeout=5)
    pids = await database_sync_to_async(
        lambda: set(Participant.objects.filter(user__in=people).values_list("pk", flat=True))
    )()
    assert (set(frame["left"]), frame["online"]) == (pids, 1)
    assert sum(calls) == 15 and len(calls) < 15, calls


def test_a_crowd_leaving_at_once_over_uvicorn_is_told_and_logs_no_traceback():
    """Forty people leave at once while chat is in flight, some closing cleanly and
    some cut off: the host sees all of them go, every connection is closed with its
    attendance stored, and the server logs no traceback."""
    import json

    import websockets

    from .servers import require_shared_database, session_cookie
    from .test_room_uvicorn import uvicorn

    require_shared_database()
    workshop = WorkshopFactory(status="live", capacity=100)
    people = UserFactory.create_batch(40)
    host_cookie = session_cookie(workshop.host)
    cookies = [session_cookie(person) for person in people]

    async def scenario(port):
        async def join(cookie):
            ws = await websockets.connect(
                f"ws://127.0.0.1:{port}/ws/workshops/{workshop.pk}/?since=0",
                additional_headers={"Cookie": f"sessionid={cookie}"},
                origin=f"http://127.0.0.1:{port}",
            )
            welcome = json.loads(await ws.recv())
            while json.loads(await ws.recv())["type"] != "history":
                pass
            return ws, welcome["you"]["pid"]

        host, host_pid = await join(host_cookie)
        crowd = await asyncio.gather(*(join(cookie) for cookie in cookies))
        pids = {pid for _ws, pid in crowd}
        for n, (ws, _pid) in enumerate(crowd[:10]):
            await ws.send(json.dumps({"type": "chat.send", "text": f"bye {n}"}))
        clean, cut = crowd[:30], crowd[30:]
        for ws, _pid in cut:
            ws.transport.abort()  # a phone losing its network
        await asyncio.gather(*(ws.close() for ws, _pid in clean))
        left = set()
        async with asyncio.timeout(15):
            while not pids <= left:
                frame = json.loads(await host.recv())
                if frame["type"] == "presence":
                    left |= set(frame.get("left", []))
        await host.close()
        return host_pid

    with uvicorn() as (port, log):
        host_pid = asyncio.run(scenario(port))
        time.sleep(0.5)  # let the server write what it has to say
        text = log.read_text()
    assert "Traceback" not in text, text
    crowd_rows = Connection.objects.filter(workshop=workshop).exclude(participant_id=host_pid)
    assert crowd_rows.count() == 40
    assert not crowd_rows.filter(left_at=None).exists()
    assert Attendance.objects.filter(workshop=workshop).count() == 40
