"""What an idle room connection costs: its heartbeats' bytes and the server's CPU.

Issue 17 §4 brings a killed process's people off the list in under 30 s
with per-process heartbeats; this measures that it stays cheap per idle
connection. One Uvicorn process (the in-memory layer; the heartbeats do not
touch the layer) holds first one idle connection, then ``--clients`` of
them, each pinging every ``limits.heartbeat`` seconds from a random offset
as the browser client does, for ``--seconds`` each. The CPU the server
spent beyond the one-connection run, divided by the extra connections, is
the per-connection cost; the bytes are the WebSocket frames each client
sent and received (payload plus frame headers, not TCP/IP). The database
side is one statement per process every ``TOUCH_EVERY`` beats: it is timed
here for as many open connections of one process.

Last line: ``RESULT clients=<n> cpu_ms_per_conn_min=<n> bytes_per_conn_min=<n>
touch_ms=<n>``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout_support.harness import (  # noqa: E402
    OUT,
    ROOT,
    Variant,
    cpu_seconds,
    free_port,
    make_people,
    make_room,
    setup_django,
    start_server,
    stop_server,
)


def frame_bytes(payload: int, *, masked: bool) -> int:
    """A WebSocket text frame on the wire: header (RFC 6455 §5.2) plus payload."""
    header = 2 if payload < 126 else 4 if payload < 65536 else 10
    return header + (4 if masked else 0) + payload


async def idle_clients(port, workshop_id, sessions, seconds, mark) -> tuple[int, int]:
    """Connect every session, stay idle (pings only) for ``seconds``, calling
    ``mark()`` as the window opens and closes; returns (bytes counted in the
    window, connections that stayed open)."""
    import websockets

    url = f"ws://127.0.0.1:{port}/ws/workshops/{workshop_id}/?protocol=2"
    origin = f"http://127.0.0.1:{port}"
    counted = [0]
    measuring = asyncio.Event()
    done = asyncio.Event()
    alive = [0]
    joined = [0]
    everyone = asyncio.Event()

    async def one(session):
        headers = {"Cookie": f"sessionid={session}"}
        async with websockets.connect(url, origin=origin, additional_headers=headers) as ws:
            heartbeat = 25
            while True:  # the welcome and the history
                frame = json.loads(await ws.recv())
                if frame["type"] == "welcome":
                    heartbeat = frame["limits"]["heartbeat"]
                if frame["type"] == "history" and frame["complete"]:
                    break
            joined[0] += 1
            if joined[0] == len(sessions):
                everyone.set()
            # Pings from the start, as the browser client; counted only in the window.
            next_ping = time.monotonic() + random.uniform(0, heartbeat)  # noqa: S311
            while not done.is_set():
                wait = min(0.5, max(0.0, next_ping - time.monotonic()))
                try:
                    text = await asyncio.wait_for(ws.recv(), wait)
                except TimeoutError:
                    if time.monotonic() >= next_ping:
                        ping = json.dumps({"type": "ping"})
                        await ws.send(ping)
                        if measuring.is_set() and not done.is_set():
                            counted[0] += frame_bytes(len(ping), masked=True)
                        next_ping += heartbeat
                    continue
                if measuring.is_set() and not done.is_set():
                    counted[0] += frame_bytes(len(text.encode()), masked=False)
            alive[0] += 1

    tasks = []
    for start in range(0, len(sessions), 50):  # 50 handshakes at a time
        batch = [asyncio.create_task(one(s)) for s in sessions[start : start + 50]]
        tasks += batch
        await asyncio.sleep(0.5)
    await asyncio.wait_for(everyone.wait(), 300)
    await asyncio.sleep(2)  # the last batched presence frames (every 0.25 s) go out
    mark()
    measuring.set()
    await asyncio.sleep(seconds)
    mark()
    done.set()
    await asyncio.wait_for(asyncio.gather(*tasks), 60)
    return counted[0], alive[0]


def run(args, port, workshop_id, sessions) -> tuple[float, int, int]:
    from django.utils import timezone

    from workshops.models import Connection, RoomProcess

    # No open rows left by an earlier run for this run's sweep to close.
    Connection.objects.filter(left_at__isnull=True).update(left_at=timezone.now())
    RoomProcess.objects.all().delete()
    process = start_server(args, Variant("uvicorn-memory", "uvicorn", "memory"), port)
    try:
        marks = []

        def mark():
            marks.append(cpu_seconds(process.pid))

        sent, alive = asyncio.run(idle_clients(port, workshop_id, sessions, args.seconds, mark))
        cpu = marks[1] - marks[0]
    finally:
        stop_server(process)
    return cpu, sent, alive


def touch_ms(count: int) -> float:
    """The process heartbeat's touch of ``count`` open connections, in ms."""
    from workshops import services
    from workshops.models import Connection, Participant, Workshop

    workshop = Workshop.objects.order_by("-pk").first()
    participants = list(Participant.objects.filter(workshop=workshop)[:1])
    if not participants:
        return float("nan")
    Connection.objects.bulk_create(
        Connection(workshop=workshop, participant=participants[0], channel_name="x", process="idle")
        for _ in range(count)
    )
    timings = []
    for _ in range(5):
        started = time.perf_counter()
        services.beat_process("idle", touch=True)
        timings.append((time.perf_counter() - started) * 1000)
    Connection.objects.filter(process="idle").delete()
    return sorted(timings)[len(timings) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0, help="idle window per run")
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
    sessions = make_people(args.clients)
    workshop_id = make_room(args.clients + 10)
    cpu_one, bytes_one, alive_one = run(args, free_port(), workshop_id, sessions[:1])
    cpu_all, bytes_all, alive_all = run(args, free_port(), workshop_id, sessions)
    extra = args.clients - 1
    minutes = args.seconds / 60
    cpu_per = (cpu_all - cpu_one) / extra / minutes * 1000
    bytes_per = bytes_all / args.clients / minutes
    touch = touch_ms(args.clients)
    print(
        f"idle window {args.seconds:.0f} s: 1 connection {cpu_one:.3f} s CPU, "
        f"{args.clients} connections {cpu_all:.3f} s CPU ({alive_one}+{alive_all} stayed open); "
        f"touching {args.clients} rows {touch:.1f} ms every 28 s"
    )
    print(
        f"RESULT clients={args.clients} cpu_ms_per_conn_min={cpu_per:.3f} "
        f"bytes_per_conn_min={bytes_per:.0f} touch_ms={touch:.1f}"
    )


if __name__ == "__main__":
    main()
