"""What it costs when a room's people leave at once (the end of a national consultation).

Two measurements, both on the database given (PostgreSQL, as in production):

1. In this process, ``--leavers`` open connections are closed one by one (a
   transaction and an attendance task per person, as every disconnect did
   before) and then, with the same number of fresh connections, in batches
   (``services.leave_many``, as ``workshops.presence_fanout.leave`` groups
   the departures arriving together, up to ``MAX_DEPARTURES`` a call). The
   attendance task runs in the same thread (the immediate backend), so the
   time is what a departure costs the database threads; each variant is
   timed on the wall (the thread is busy or waiting for PostgreSQL) and in
   CPU, with the statements counted.
2. Against one Uvicorn process (unless ``--no-server``): ``--clients``
   people join, chat flows, and all of them close at once; reported are the
   seconds until every connection is closed in the database, the server's
   CPU for it per person, and the tracebacks in the server's log (there
   should be none).

Last line: ``RESULT leavers=<n> ms_per_leaver=<n> ms_per_leaver_one_by_one=<n>
statements_per_batch=<n> statements_per_leaver_one_by_one=<n> server_clients=<n>
server_close_s=<n> server_cpu_ms_per_leaver=<n> tracebacks=<n>``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout_support.harness import (  # noqa: E402
    OUT,
    ROOT,
    Variant,
    close_leftovers,
    cpu_seconds,
    free_port,
    make_people,
    make_room,
    setup_django,
    start_server,
    stop_server,
)


def open_connections(workshop_id: int, count: int) -> list[int]:
    """``count`` bench people on one open connection each, since 40 minutes ago."""
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from workshops.models import Connection, Participant

    people = User.objects.filter(email__endswith="@bench.invalid").exclude(
        email="bench-host@bench.invalid"  # the room's host: no attendance of their own
    )
    users = list(people.order_by("pk")[:count])
    participants = {
        p.user_id: p for p in Participant.objects.filter(workshop_id=workshop_id, user__in=users)
    }
    Participant.objects.bulk_create(
        [
            Participant(workshop_id=workshop_id, user=u, display_name=u.display_name)
            for u in users
            if u.pk not in participants
        ]
    )
    participants = Participant.objects.filter(workshop_id=workshop_id, user__in=users)
    since = timezone.now() - timedelta(minutes=40)
    rows = Connection.objects.bulk_create(
        [
            Connection(
                workshop_id=workshop_id,
                participant=p,
                channel_name="bench",
                process="bench",
                joined_at=since,
                last_seen_at=timezone.now(),
            )
            for p in participants
        ]
    )
    return [row.pk for row in rows]


def timed(run) -> tuple[float, float, int]:
    """(wall ms, this thread's CPU ms, statements) of ``run()``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()  # it keeps 9,000: counting past that reads 0
    with CaptureQueriesContext(connection) as queries:
        wall, cpu = time.perf_counter(), time.thread_time()
        run()
        cpu, wall = time.thread_time() - cpu, time.perf_counter() - wall
    return wall * 1000, cpu * 1000, len(queries)


def in_process(workshop_id: int, leavers: int) -> dict:
    from django.utils import timezone

    from workshops import services
    from workshops.models import Attendance, Connection
    from workshops.presence_fanout import MAX_DEPARTURES

    results = {}
    ids = open_connections(workshop_id, leavers)
    wall = cpu = statements = 0.0
    for pk in ids:  # one by one: a transaction and an attendance task each
        w, c, s = timed(lambda pk=pk: services.leave_many([(pk, timezone.now())]))
        wall, cpu, statements = wall + w, cpu + c, statements + s
    results["one_by_one"] = (wall / leavers, cpu / leavers, statements / leavers)

    ids = open_connections(workshop_id, leavers)
    wall = cpu = statements = 0.0
    batches = 0
    for start in range(0, leavers, MAX_DEPARTURES):
        now = timezone.now()
        batch = [(pk, now) for pk in ids[start : start + MAX_DEPARTURES]]
        w, c, s = timed(lambda batch=batch: services.leave_many(batch))
        wall, cpu, statements, batches = wall + w, cpu + c, statements + s, batches + 1
    results["batched"] = (wall / leavers, cpu / leavers, statements / batches)
    assert not Connection.objects.filter(pk__in=ids, left_at__isnull=True).exists()
    results["attendances"] = Attendance.objects.filter(workshop_id=workshop_id).count()
    return results


async def crowd_leaves(port: int, workshop_id: int, sessions: list[str], mark) -> float:
    """Everyone joins, a few chat, then all close at once; returns the seconds until the
    database shows every connection closed. ``mark()`` is called as they close."""
    import websockets
    from channels.db import database_sync_to_async

    from workshops.models import Connection

    url = f"ws://127.0.0.1:{port}/ws/workshops/{workshop_id}/?protocol=2"
    origin = f"http://127.0.0.1:{port}"

    async def join(session):
        ws = await websockets.connect(
            url, origin=origin, additional_headers={"Cookie": f"sessionid={session}"}
        )
        while True:
            frame = json.loads(await ws.recv())
            if frame["type"] == "history" and frame["complete"]:
                return ws

    clients = []
    for start in range(0, len(sessions), 50):  # 50 handshakes at a time
        clients += await asyncio.gather(*(join(s) for s in sessions[start : start + 50]))
    open_rows = database_sync_to_async(
        lambda: Connection.objects.filter(workshop_id=workshop_id, left_at__isnull=True).count()
    )
    # Chat in flight while they go: writes pending for connections that are leaving.
    for n, ws in enumerate(clients[:10]):
        await ws.send(json.dumps({"type": "chat.send", "text": f"bye {n}", "client_id": f"b{n}"}))
    mark()
    started = time.monotonic()
    await asyncio.gather(*(ws.close() for ws in clients))
    while await open_rows():
        if time.monotonic() - started > 120:
            raise RuntimeError("connections still open after 120 s")
        await asyncio.sleep(0.05)
    closed_after = time.monotonic() - started
    mark()
    return closed_after


def with_server(args, workshop_id: int, sessions: list[str]) -> tuple[float, float, int]:
    close_leftovers(workshop_id)
    variant = Variant("room-leave", "uvicorn", "memory")
    port = args.port or free_port()
    process = start_server(args, variant, port)
    try:
        marks = []
        closed_after = asyncio.run(
            crowd_leaves(
                port, workshop_id, sessions, lambda: marks.append(cpu_seconds(process.pid))
            )
        )
        time.sleep(1)  # what the server has left to log
    finally:
        stop_server(process)
    log = (OUT / f"server-{variant.label}.log").read_text()
    cpu_ms = (marks[1] - marks[0]) * 1000 / len(sessions)
    return closed_after, cpu_ms, log.count("Traceback")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leavers", type=int, default=1000, help="in-process departures")
    parser.add_argument("--clients", type=int, default=300, help="people on the server")
    parser.add_argument("--no-server", action="store_true", help="skip the Uvicorn run")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2"
    )
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    setup_django(args)
    people = max(args.leavers, 0 if args.no_server else args.clients)
    sessions = make_people(people)
    workshop_id = make_room(people + 10)

    nan = float("nan")
    one_wall = one_statements = wall = per_batch = nan
    if args.leavers:  # 0: the server run only (as against a checkout from before batching)
        found = in_process(workshop_id, args.leavers)
        one_wall, one_cpu, one_statements = found["one_by_one"]
        wall, cpu, per_batch = found["batched"]
        print(
            f"{args.leavers} leavers one by one: {one_wall:.2f} ms each on the wall "
            f"({one_cpu:.2f} ms CPU), {one_statements:.1f} statements each"
        )
        print(
            f"{args.leavers} leavers in batches: {wall:.2f} ms each on the wall "
            f"({cpu:.2f} ms CPU), {per_batch:.0f} statements per batch; "
            f"{found['attendances']} attendances stored"
        )
    server = (nan, nan, -1)
    if not args.no_server:
        server = with_server(args, make_room(args.clients + 10), sessions[: args.clients])
        print(
            f"{args.clients} people closing at once on Uvicorn: all closed in the database "
            f"after {server[0]:.2f} s, {server[1]:.2f} ms server CPU each, "
            f"{server[2]} tracebacks in its log"
        )
    print(
        f"RESULT leavers={args.leavers} ms_per_leaver={wall:.2f} "
        f"ms_per_leaver_one_by_one={one_wall:.2f} statements_per_batch={per_batch:.0f} "
        f"statements_per_leaver_one_by_one={one_statements:.1f} "
        f"server_clients={args.clients} server_close_s={server[0]:.2f} "
        f"server_cpu_ms_per_leaver={server[1]:.2f} tracebacks={server[2]}"
    )


if __name__ == "__main__":
    main()
