"""Servers, set-up and the client harness for bench/workshop_fanout.py.

One harness process drives every client, so one clock times each message
from its send to its receipt by every *other* client. The same harness and
the same clients run against the room and against the floor (a bare
``websockets`` broadcast server).
"""

from __future__ import annotations

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

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "bench" / "out"
MARK = re.compile(r'"text": "b:(\d+)"')
SCRIPT = ROOT / "bench" / "workshop_fanout.py"

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
    expected: int = 0
    msgs_per_s: float = 0.0
    join_s: float = math.nan
    rss_per_conn_kb: float = math.nan
    cpu_s: float = math.nan
    dropped: int = 0
    #: The harness's CPU while the paced messages flowed, in cores.
    client_load: float = math.nan
    #: The machine's one-minute load average at the end of the run (2 cores, shared).
    load: float = math.nan

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

    @property
    def delivered(self) -> float:
        return 1 - self.lost / self.expected if self.expected else math.nan


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


def start_server(args, variant: Variant, port: int, clients: int = 0) -> subprocess.Popen:
    python = sys.executable
    env = server_env(args, variant)
    if variant.server == "floor":
        cmd = [python, str(SCRIPT), "--floor-server", str(port)]
    elif variant.server == "daphne":
        cmd = [python, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "-v", "1"]
        cmd += ["--access-log", os.devnull, "lms.asgi:application"]
    else:
        cmd = [
            python, "-m", "uvicorn", "lms.asgi:application", "--host", "127.0.0.1",
            "--port", str(port), "--log-level", "warning", "--no-access-log",
            "--backlog", "4096",
        ]  # fmt: skip
        if getattr(args, "profile", None):  # the same server under cProfile
            cmd[1:3] = [str(ROOT / "bench" / "fanout_support" / "profiled.py")]
            env["BENCH_PROFILE"] = str(Path(args.profile) / f"{variant.label}-{clients}.prof")
    log = open(OUT / f"server-{variant.label}.log", "w")  # noqa: SIM115
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
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


def stop_server(process: subprocess.Popen, timeout: float = 10) -> None:
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------
# Django-side set-up: users, sessions, one room per run
# ---------------------------------------------------------------------------


def setup_django(args) -> None:
    keep = (
        "DJANGO_SETTINGS_MODULE", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL",
        "REDIS_URL", "BENCH_CHANNEL_LAYER", "PYTHONPATH",
    )  # fmt: skip
    env = server_env(args, Variant("setup", "daphne"))
    os.environ.update({k: v for k, v in env.items() if k in keep})
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

    existing = {u.email: u for u in User.objects.filter(email__endswith="@bench.invalid")}
    missing = [
        User(email=f"bench{n}@bench.invalid", display_name=f"Bench {n}")
        for n in range(count)
        if f"bench{n}@bench.invalid" not in existing
    ]
    for user in missing:
        user.set_unusable_password()
    User.objects.bulk_create(missing)
    users = {u.email: u for u in User.objects.filter(email__endswith="@bench.invalid")}
    keys = []
    for n in range(count):
        user = users[f"bench{n}@bench.invalid"]
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def make_room(capacity: int) -> int:
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
        capacity=capacity,
        status=Workshop.Status.LIVE,
        started_at=now,
    )
    return workshop.pk


def close_leftovers(workshop_id: int) -> None:
    """Close what a stopped server left open (it is stopped before it has said goodbye
    to 2,000 people), so the next run's server does not sweep it while its own join."""
    from django.utils import timezone

    from workshops.models import Connection, RoomProcess

    Connection.objects.filter(workshop_id=workshop_id, left_at__isnull=True).update(
        left_at=timezone.now()
    )
    RoomProcess.objects.all().delete()


# ---------------------------------------------------------------------------
# The harness
# ---------------------------------------------------------------------------


class Harness:
    def __init__(self, clients: int, room: bool):
        self.sent: dict[int, tuple[float, int]] = {}
        self.received: dict[int, int] = {}
        self.latencies: list[float] = []
        self.expected = clients - 1
        self.done: dict[int, asyncio.Event] = {}
        self.room = room
        self.joined = 0
        self.all_joined = asyncio.Event()
        self.clients = clients
        self.presence_frames = 0

    def on_joined(self) -> None:
        self.joined += 1
        if self.joined == self.clients:
            self.all_joined.set()

    def on_frame(self, index: int, text: str, state: dict) -> None:
        if self.room and not state.get("joined"):
            # Joined: the welcome and the whole history are in.
            if text.startswith('{"type": "history"') and '"complete": true' in text[-40:]:
                state["joined"] = True
                self.on_joined()
        if text.startswith('{"type": "presence'):
            self.presence_frames += 1
            return
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


class Side:
    """One server and its N clients: joining, sending the paced messages, the burst."""

    def __init__(self, url_for, headers_for, origin, clients, args, room, pid):
        self.url_for, self.headers_for, self.origin = url_for, headers_for, origin
        self.clients, self.args, self.room, self.pid = clients, args, room, pid
        self.harness = Harness(clients, room)
        self.sockets: list = [None] * clients
        self.readers: list = []
        self.retries = 0
        self.figures: dict = {}

    async def join(self) -> None:
        from websockets.exceptions import InvalidHandshake

        from .client import connect as ws_connect

        harness, args = self.harness, self.args
        window = asyncio.Semaphore(args.connect_window)

        async def connect(i):
            # A handshake can fail on a busy server; a real client retries (the
            # browser client backs off and reconnects).
            state = {}
            async with window:
                for attempt in range(8):
                    try:
                        ws = await ws_connect(
                            self.url_for(i),
                            origin=self.origin,
                            headers=self.headers_for(i),
                            on_text=lambda text: harness.on_frame(i, text, state),
                        )
                        break
                    except (OSError, InvalidHandshake, TimeoutError):
                        if attempt == 7:
                            raise
                        self.retries += 1
                        await asyncio.sleep(0.2 * (attempt + 1))
            self.sockets[i] = ws
            if self.room:
                self.readers.append(asyncio.create_task(heartbeat(ws)))
            else:
                harness.on_joined()

        async def heartbeat(ws):
            # The room closes a connection that sends nothing for 70 s; a real
            # client pings every 25 s from the moment it connects. (The floor has
            # no heartbeat to honour.)
            await asyncio.sleep(random.uniform(0, 25))
            while True:
                await ws.send('{"type": "ping"}')
                await asyncio.sleep(25)

        rss_before = rss_kb(self.pid)
        started = time.perf_counter()
        # Everyone arrives at once, as at the start of a national consultation;
        # at most ``connect_window`` handshakes are in flight.
        await asyncio.gather(*(connect(i) for i in range(self.clients)))
        try:
            await asyncio.wait_for(harness.all_joined.wait(), args.join_timeout)
        except TimeoutError:
            print(f"  (only {harness.joined} of {self.clients} joined)", flush=True)
        self.figures["join_s"] = time.perf_counter() - started
        await asyncio.sleep(2.0)  # let joins and presence traffic settle
        self.figures["rss_per_conn_kb"] = (rss_kb(self.pid) - rss_before) / self.clients
        self.cpu_before = cpu_seconds(self.pid)

    async def send(self, k) -> None:
        harness = self.harness
        i = k % self.clients
        harness.done[k] = asyncio.Event()
        harness.sent[k] = (time.perf_counter(), i)
        try:
            await self.sockets[i].send(
                json.dumps({"type": "chat.send", "text": f"b:{k}", "client_id": f"bench-{k}"})
            )
        except ConnectionError:
            # The server dropped this client (it would reconnect and resume);
            # the message's deliveries count as lost.
            harness.done[k].set()

    async def paced_done(self) -> None:
        await wait_all(self.harness, range(self.args.messages), 30)
        self.latencies = list(self.harness.latencies)

    async def burst(self) -> None:
        # Throughput: a burst, as fast as the senders can go.
        args = self.args
        first = args.messages
        burst = range(first, first + args.burst)
        started = time.perf_counter()
        for k in burst:
            await self.send(k)
            if k % 10 == 0:
                await asyncio.sleep(0)
        await wait_all(self.harness, burst, 60)
        self.figures["msgs_per_s"] = args.burst / (time.perf_counter() - started)
        self.figures["cpu_s"] = cpu_seconds(self.pid) - self.cpu_before

    async def close(self, client_load: float) -> dict:
        harness, args = self.harness, self.args
        total = args.messages + args.burst
        lost = sum(harness.expected - harness.received.get(k, 0) for k in range(total))
        if self.retries:
            print(f"  ({self.retries} handshake retries)", flush=True)
        dropped = sum(1 for ws in self.sockets if ws.close_code is not None)
        if dropped:
            print(f"  ({dropped} connections dropped by the server)", flush=True)
        for ws in self.sockets:
            await ws.close()
        for task in self.readers:
            task.cancel()
        return {
            **self.figures,
            "latencies": self.latencies,
            "lost": lost,
            "expected": harness.expected * total,
            "dropped": dropped,
            "client_load": client_load,
        }


async def run_sides(sides: list[Side], args) -> list[dict]:
    """Join every side, then send the paced messages to the sides in turn, then each
    side's burst.

    With two sides (the floor and a room), the paced messages alternate: the
    floor's message k, half an interval later the room's message k, and so
    on, each server at ``args.rate``. Both are measured over the same
    seconds, so load from elsewhere on the machine, which comes and goes
    within a run, weighs on both alike. Each message is still alone in
    flight (one every half interval, delivered in a few ms).
    """
    for side in sides:
        await side.join()
    # Latency: one sender every 1/rate seconds per server, a rate a lively room
    # reaches. The harness's own CPU over it says whether the clients could keep
    # up (near 100 % of a core, they set the figures, not the server).
    step = 1.0 / args.rate / len(sides)
    paced_started, client_cpu = time.perf_counter(), time.process_time()
    for k in range(args.messages):
        for side in sides:
            await side.send(k)
            await asyncio.sleep(step)
    for side in sides:
        await side.paced_done()
    client_load = (time.process_time() - client_cpu) / (time.perf_counter() - paced_started)
    for side in sides:
        await side.burst()
    return [await side.close(client_load) for side in sides]


async def wait_all(harness, keys, timeout):
    try:
        await asyncio.wait_for(asyncio.gather(*(harness.done[k].wait() for k in keys)), timeout)
    except TimeoutError:
        pass


def _side_for(args, variant, clients, sessions, port, process, workshop) -> Side:
    origin = f"http://127.0.0.1:{port}"
    room = variant.server != "floor"
    if not room:

        def url_for(i):
            return f"ws://127.0.0.1:{port}/"

        def headers_for(i):
            return {}

    else:

        def url_for(i):
            return f"ws://127.0.0.1:{port}/ws/workshops/{workshop}/?since=0&protocol=2"

        def headers_for(i):
            return {"Cookie": f"sessionid={sessions[i]}"}

    return Side(url_for, headers_for, origin, clients, args, room, process.pid)


def measure(args, variants: list[Variant], clients: int, sessions: list[str]) -> list[Result]:
    """Run ``variants`` side by side at ``clients`` (see ``run_sides``): the floor and one
    room, interleaved, or a single variant."""
    servers = []
    try:
        for variant in variants:
            port = free_port()
            workshop = make_room(capacity=clients + 10) if variant.server != "floor" else None
            servers.append((variant, port, workshop, start_server(args, variant, port, clients)))
        sides = [
            _side_for(args, variant, clients, sessions, port, process, workshop)
            for variant, port, workshop, process in servers
        ]
        figures = asyncio.run(run_sides(sides, args))
    finally:
        for _variant, _port, workshop, process in servers:
            stop_server(process, 120 if getattr(args, "profile", None) else 10)
            if workshop is not None:
                close_leftovers(workshop)
    load = os.getloadavg()[0]
    return [
        Result(variant, clients, **figure, load=load)
        for (variant, *_rest), figure in zip(servers, figures, strict=True)
    ]


def redis_available(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not available"
        return False
