"""Fan-out of a live workshop room: real WebSocket clients, real server processes.

N clients (50 and 200) join one room. Messages are sent by the clients in
turn; each message's delivery is timed from its send to its receipt by every
*other* client (the harness is one process, so one clock). Beside each room
run, in the same invocation and on the same machine, the floor: a plain
``websockets`` broadcast server with no Django, driven by the same harness.

Variants: the room on Daphne with the in-memory layer, with the stock
Channels dispatch (``close_old_connections`` before every handler) for
comparison, with channels-redis core and pub/sub layers, and on Uvicorn.
Every room message is stored in the database (SQLite file by default,
``--database-url`` for PostgreSQL) before it is broadcast, as in production.

Run: ``.venv/bin/python bench/workshop_fanout.py`` (``--quick`` for 50 and 200
clients with the main variants only). Needs Redis for the Redis variants
(``REDIS_URL``, default ``redis://127.0.0.1:6379/2``). The last line is:

    RESULT clients=<n> p50_ms=<n> p99_ms=<n>
        p99_ratio_memory=<ours/floor> p99_ratio_redis=<ours/floor>
        p99_ratio_uvicorn_redis=<ours/floor>   (on one line)

The first ratios are Daphne's (the development server); the last is the
deployment the README recommends, Uvicorn with the Redis pub/sub layer.
Each paced message reaches every client at about the same moment, so one
slow message moves the p99: ``--messages 150`` steadies it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
MARK = re.compile(r'"text": "b:(\d+)"')

LAYERS = {
    "memory": "workshops.layers.InMemoryChannelLayer",  # the project's embedded default
    "memory-stock": "channels.layers.InMemoryChannelLayer",
    "redis-core": "channels_redis.core.RedisChannelLayer",
    "redis-pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}


@dataclass
class Variant:
    label: str
    server: str  # "floor", "daphne" or "uvicorn"
    layer: str = "memory"
    stock_dispatch: bool = False


@dataclass
class Result:
    variant: Variant
    clients: int
    latencies: list[float] = field(default_factory=list)
    lost: int = 0
    msgs_per_s: float = 0.0

    def pct(self, q: float) -> float:
        if not self.latencies:
            return math.nan
        data = sorted(self.latencies)
        return data[min(len(data) - 1, int(q * len(data)))] * 1000

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else math.nan

    @property
    def p99(self) -> float:
        return self.pct(0.99)


# ---------------------------------------------------------------------------
# The floor: a bare broadcast server
# ---------------------------------------------------------------------------


def run_floor_server(port: int) -> None:
    import websockets
    from websockets.asyncio.server import broadcast, serve

    connected = set()

    async def handler(ws):
        connected.add(ws)
        try:
            async for message in ws:
                broadcast(connected, message)
        except websockets.ConnectionClosed:
            pass
        finally:
            connected.discard(ws)

    async def main():
        async with serve(handler, "127.0.0.1", port, compression=None, max_queue=None):
            await asyncio.Future()

    asyncio.run(main())


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(args, variant: Variant) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "fanout_support.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
        "SECRET_KEY": "bench-only-not-secret",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "BENCH_CHANNEL_LAYER": LAYERS[variant.layer],
        "WORKSHOPS_CLOSE_OLD_CONNECTIONS_PER_HANDLER": "true"
        if variant.stock_dispatch
        else "false",
        "LOG_LEVEL": "ERROR",
        "SECURE_SSL_REDIRECT": "false",
        "PYTHONUNBUFFERED": "1",
    }


def start_server(args, variant: Variant, port: int) -> subprocess.Popen:
    python = sys.executable
    if variant.server == "floor":
        cmd = [python, __file__, "--floor-server", str(port)]
    elif variant.server == "daphne":
        cmd = [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "1"]
        cmd += ["--access-log", os.devnull, "lms.asgi:application"]
    else:
        cmd = [
            python, "-m", "uvicorn", "lms.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--log-level", "warning", "--no-access-log",
        ]  # fmt: skip
    log = open(OUT / f"server-{variant.label}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(cmd, cwd=ROOT, env=server_env(args, variant), stdout=log, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{variant.label} server exited; see {log.name}")
        try:
            if variant.server == "floor":
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            else:  # a warm application: database and channel layer answered
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5).close()  # noqa: S310
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{variant.label} server did not start")


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


# ---------------------------------------------------------------------------
# Django-side set-up: users, sessions, one room per run
# ---------------------------------------------------------------------------


def setup_django(args) -> None:
    os.environ.update(
        {
            k: v
            for k, v in server_env(args, Variant("setup", "daphne")).items()
            if k
            in (
                "DJANGO_SETTINGS_MODULE",
                "SECRET_KEY",
                "ALLOWED_HOSTS",
                "DATABASE_URL",
                "REDIS_URL",
                "BENCH_CHANNEL_LAYER",
                "PYTHONPATH",
            )
        }
    )
    sys.path.insert(0, str(ROOT))
    sys.path.append(str(ROOT / "bench"))
    subprocess.run(  # migrate (a no-op once done)
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=os.environ,
        check=True,
    )
    import django

    django.setup()


def make_people(count: int) -> list[str]:
    """``count`` bench users with live sessions; returns their session keys."""
    from django.contrib.sessions.backends.db import SessionStore

    from accounts.models import User

    keys = []
    for n in range(count):
        user, _ = User.objects.get_or_create(
            email=f"bench{n}@bench.invalid", defaults={"display_name": f"Bench {n}"}
        )
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def make_room() -> int:
    from datetime import timedelta

    from django.utils import timezone

    from accounts.models import User
    from workshops.models import Workshop

    host, _ = User.objects.get_or_create(
        email="bench-host@bench.invalid", defaults={"display_name": "Bench host"}
    )
    now = timezone.now()
    workshop = Workshop.objects.create(
        title_en="Fan-out bench",
        host=host,
        starts_at=now - timedelta(minutes=5),
        ends_at=now + timedelta(hours=2),
        capacity=1000,
        status=Workshop.Status.LIVE,
        started_at=now,
    )
    return workshop.pk


# ---------------------------------------------------------------------------
# The harness
# ---------------------------------------------------------------------------


class Harness:
    def __init__(self, clients: int):
        self.sent: dict[int, tuple[float, int]] = {}
        self.received: dict[int, int] = {}
        self.latencies: list[float] = []
        self.expected = clients - 1
        self.done: dict[int, asyncio.Event] = {}

    def on_frame(self, index: int, text: str) -> None:
        match = MARK.search(text)
        if match is None:
            return
        k = int(match.group(1))
        sent = self.sent.get(k)
        if sent is None or sent[1] == index:
            return  # the sender's own copy is not a delivery
        self.latencies.append(time.perf_counter() - sent[0])
        count = self.received.get(k, 0) + 1
        self.received[k] = count
        if count == self.expected and k in self.done:
            self.done[k].set()


async def run_clients(url_for, headers_for, origin: str, clients: int, args, ping: bool) -> tuple:
    import websockets

    harness = Harness(clients)
    sockets = []

    retries = 0

    async def connect(i):
        # A handshake can fail on a server that has just started; a real
        # client retries (the browser client backs off and reconnects).
        nonlocal retries
        for attempt in range(5):
            try:
                return await websockets.connect(
                    url_for(i),
                    origin=origin,
                    additional_headers=headers_for(i),
                    compression=None,
                    max_size=None,
                    max_queue=None,
                    open_timeout=60,
                    ping_interval=None,
                )
            except (OSError, websockets.InvalidHandshake):
                if attempt == 4:
                    raise
                retries += 1
                await asyncio.sleep(0.2 * (attempt + 1))

    # Connect in small batches, as a room fills at the start of a workshop.
    for start in range(0, clients, 20):
        sockets += await asyncio.gather(
            *(connect(i) for i in range(start, min(clients, start + 20)))
        )

    async def reader(i, ws):
        try:
            async for message in ws:
                harness.on_frame(i, message)
        except websockets.ConnectionClosed:
            pass

    async def heartbeat(ws):
        # The room closes a connection that sends nothing for 70 s; a real
        # client pings every 25 s. (The floor has no heartbeat to honour.)
        await asyncio.sleep(random.uniform(0, 25))
        while True:
            await ws.send('{"type": "ping"}')
            await asyncio.sleep(25)

    readers = [asyncio.create_task(reader(i, ws)) for i, ws in enumerate(sockets)]
    if ping:
        readers += [asyncio.create_task(heartbeat(ws)) for ws in sockets]
    await asyncio.sleep(2.0)  # let joins and presence traffic settle

    async def send(k):
        i = k % clients
        harness.done[k] = asyncio.Event()
        harness.sent[k] = (time.perf_counter(), i)
        try:
            await sockets[i].send(
                json.dumps({"type": "chat.send", "text": f"b:{k}", "client_id": f"bench-{k}"})
            )
        except websockets.ConnectionClosed:
            # The server dropped this client (it would reconnect and resume);
            # the message's deliveries count as lost.
            harness.done[k].set()

    # Latency: a steady stream at a rate a lively room could reach.
    interval = 1.0 / args.rate
    for k in range(args.messages):
        await send(k)
        await asyncio.sleep(interval)
    await wait_all(harness, range(args.messages), 20)
    latencies = list(harness.latencies)
    lost = sum(harness.expected - harness.received.get(k, 0) for k in range(args.messages))

    # Throughput: a burst, as fast as the senders can go.
    first = args.messages
    burst = range(first, first + args.burst)
    started = time.perf_counter()
    for k in burst:
        await send(k)
        if k % 10 == 0:
            await asyncio.sleep(0)
    await wait_all(harness, burst, 60)
    elapsed = time.perf_counter() - started
    if retries:
        print(f"  ({retries} handshake retries)", flush=True)
    closed = sum(1 for ws in sockets if ws.close_code is not None)
    if closed:
        print(f"  ({closed} connections dropped by the server)", flush=True)
    for ws in sockets:
        await ws.close()
    for task in readers:
        task.cancel()
    return latencies, lost, args.burst / elapsed


async def wait_all(harness, keys, timeout):
    try:
        await asyncio.wait_for(asyncio.gather(*(harness.done[k].wait() for k in keys)), timeout)
    except TimeoutError:
        pass


def measure(args, variant: Variant, clients: int, sessions: list[str]) -> Result:
    port = free_port()
    process = start_server(args, variant, port)
    try:
        origin = f"http://127.0.0.1:{port}"
        if variant.server == "floor":

            def url_for(i):
                return f"ws://127.0.0.1:{port}/"

            def headers_for(i):
                return {}

        else:
            room = make_room()

            def url_for(i):
                return f"ws://127.0.0.1:{port}/ws/workshops/{room}/?since=0"

            def headers_for(i):
                return {"Cookie": f"sessionid={sessions[i]}"}

        latencies, lost, rate = asyncio.run(
            run_clients(url_for, headers_for, origin, clients, args, variant.server != "floor")
        )
    finally:
        stop_server(process)
    return Result(variant, clients, latencies, lost, rate)


# ---------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="50,200")
    parser.add_argument("--messages", type=int, default=60, help="paced messages per run")
    parser.add_argument("--rate", type=float, default=5.0, help="paced messages per second")
    parser.add_argument("--burst", type=int, default=100, help="messages in the throughput burst")
    parser.add_argument("--quick", action="store_true", help="only the main variants")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2"
    )
    parser.add_argument("--floor-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_server:
        run_floor_server(args.floor_server)
        return

    OUT.mkdir(parents=True, exist_ok=True)
    (ROOT / "var").mkdir(exist_ok=True)
    sizes = [int(n) for n in args.clients.split(",")]
    redis_ok = redis_available(args.redis_url)
    variants = [
        Variant("floor", "floor"),
        Variant("daphne-memory", "daphne", "memory"),
        Variant("daphne-memory-stock-layer", "daphne", "memory-stock"),
        Variant("daphne-memory-stock-dispatch", "daphne", "memory", stock_dispatch=True),
        Variant("daphne-redis-core", "daphne", "redis-core"),
        Variant("daphne-redis-pubsub", "daphne", "redis-pubsub"),
        Variant("uvicorn-memory", "uvicorn", "memory"),
        Variant("uvicorn-redis-pubsub", "uvicorn", "redis-pubsub"),
    ]
    if args.quick:
        variants = [
            v
            for v in variants
            if v.label in ("floor", "daphne-memory", "daphne-redis-pubsub", "uvicorn-redis-pubsub")
        ]
    if not redis_ok:
        print(f"Redis not reachable at {args.redis_url}: Redis variants skipped")
        variants = [v for v in variants if not v.layer.startswith("redis")]

    setup_django(args)
    sessions = make_people(max(sizes))
    results: list[Result] = []
    print(
        f"{'variant':<32}{'clients':>8}{'p50 ms':>9}{'p99 ms':>9}"
        f"{'x floor':>9}{'msg/s':>9}{'lost':>6}"
    )
    for clients in sizes:
        floor = None
        for variant in variants:
            result = measure(args, variant, clients, sessions)
            results.append(result)
            if variant.server == "floor":
                floor = result
            ratio = result.p99 / floor.p99 if floor and floor.p99 else math.nan
            print(
                f"{variant.label:<32}{clients:>8}{result.p50:>9.1f}{result.p99:>9.1f}"
                f"{ratio:>9.2f}{result.msgs_per_s:>9.0f}{result.lost:>6}",
                flush=True,
            )
    (OUT / "workshop_fanout.json").write_text(
        json.dumps(
            [
                {
                    "variant": r.variant.label,
                    "clients": r.clients,
                    "p50_ms": r.p50,
                    "p99_ms": r.p99,
                    "msgs_per_s": r.msgs_per_s,
                    "lost": r.lost,
                }
                for r in results
            ],
            indent=2,
        )
    )
    top = max(sizes)

    def pick(label):
        return next((r for r in results if r.clients == top and r.variant.label == label), None)

    floor, memory = pick("floor"), pick("daphne-memory")
    redis = pick("daphne-redis-pubsub") or pick("daphne-redis-core")
    ratio_memory = memory.p99 / floor.p99
    ratio_redis = redis.p99 / floor.p99 if redis else math.nan
    # The deployment the README recommends: Uvicorn with the Redis pub/sub layer.
    recommended = pick("uvicorn-redis-pubsub")
    ratio_recommended = recommended.p99 / floor.p99 if recommended else math.nan
    print(
        f"RESULT clients={top} p50_ms={memory.p50:.1f} p99_ms={memory.p99:.1f} "
        f"p99_ratio_memory={ratio_memory:.2f} p99_ratio_redis={ratio_redis:.2f} "
        f"p99_ratio_uvicorn_redis={ratio_recommended:.2f}"
    )


def redis_available(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False


if __name__ == "__main__":
    main()
