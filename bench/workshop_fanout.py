"""Fan-out of a live workshop room: real WebSocket clients, real server processes.

N clients (200, 1,000 and 2,000 by default) join one room at once. One
message is sent every 200 ms by the clients in turn; each message's delivery
is timed from its send to its receipt by every *other* client (the harness
is one process, so one clock), then a burst measures throughput. Beside each
room run, at the same N, in the same invocation and on the same machine, the
floor: a plain ``websockets`` broadcast server with no Django, driven by the
same harness and the same clients.

**The floor is measured beside each room, interleaved** (since 2026-12-01):
both servers run and both sets of N clients are connected, and the paced
messages alternate, the floor's message k, then 100 ms later the room's
message k, each server getting one every 200 ms. The machine these figures
come from is shared, and other work comes and goes within a run: measured
one after the other, the floor and the room met different loads, and the
ratio moved with them (2.4 to 3.55 at 200 people for one build). Each
message is still alone in flight. ``--sequential`` measures them one after
the other, as before. **200 paced messages** per run (was 60): the p99 of
60 × 199 deliveries was the latency of the single slowest message's later
receivers; over 200 it is that of the slowest two or three. Both changes
apply to the floor and the room alike.

Variants (``--variants``): the room on one Uvicorn process with the
in-memory layer (``uvicorn-memory``) and with the channels-redis pub/sub
layer (``uvicorn-redis-pubsub``), the deployment the README recommends; also
available: ``daphne-memory``, ``daphne-redis-pubsub``, ``daphne-redis-core``,
``uvicorn-redis-core``, ``daphne-memory-stock-layer`` and
``daphne-memory-stock-dispatch``. Every room message is stored in the
database (``--database-url``, PostgreSQL for the figures in the docs)
before it is broadcast, as in production. Clients speak protocol 2, so a
large room sends them the online count rather than the list.

For each run: join time (all N connected, welcomed and given the history),
p50/p99 latency and the ratio of p99 to the floor's, messages delivered,
burst throughput, server CPU seconds over the messages, and server memory
per connection (resident set growth while joining, divided by N).

Run: ``.venv/bin/python bench/workshop_fanout.py --database-url postgres://...``
(``--quick`` for 200 clients only). Needs Redis for the Redis variants
(``REDIS_URL``, default ``redis://127.0.0.1:6379/2``). The last line is:

    RESULT clients=200 p99_ratio_memory=<n> p99_ratio_redis=<n>
        p99_ratio_2000_memory=<n> p99_ratio_2000_redis=<n> join_s_2000=<n>
        delivered_2000=<n>   (on one line)

where ``join_s_2000`` and ``delivered_2000`` are the worse of the two layers.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fanout_support.harness import (  # noqa: E402
    OUT,
    ROOT,
    Result,
    Variant,
    make_people,
    measure,
    redis_available,
    run_floor_server,
    setup_django,
)

VARIANTS = {
    "floor": Variant("floor", "floor"),
    "uvicorn-memory": Variant("uvicorn-memory", "uvicorn", "memory"),
    "uvicorn-redis-pubsub": Variant("uvicorn-redis-pubsub", "uvicorn", "redis-pubsub"),
    "uvicorn-redis-core": Variant("uvicorn-redis-core", "uvicorn", "redis-core"),
    "daphne-memory": Variant("daphne-memory", "daphne", "memory"),
    "daphne-redis-pubsub": Variant("daphne-redis-pubsub", "daphne", "redis-pubsub"),
    "daphne-redis-core": Variant("daphne-redis-core", "daphne", "redis-core"),
    "daphne-memory-stock-layer": Variant("daphne-memory-stock-layer", "daphne", "memory-stock"),
    "daphne-memory-stock-dispatch": Variant(
        "daphne-memory-stock-dispatch", "daphne", "memory", stock_dispatch=True
    ),
}
HEADER = (
    f"{'variant':<24}{'clients':>8}{'join s':>8}{'p50 ms':>9}{'p99 ms':>9}{'x floor':>8}"
    f"{'deliv %':>9}{'msg/s':>7}{'cpu s':>7}{'KB/conn':>8}"
)


def line(result: Result, floor: Result | None) -> str:
    ratio = result.p99 / floor.p99 if floor and floor.p99 else math.nan
    return (
        f"{result.variant.label:<24}{result.clients:>8}{result.join_s:>8.1f}{result.p50:>9.1f}"
        f"{result.p99:>9.1f}{ratio:>8.2f}{100 * result.delivered:>9.2f}"
        f"{result.msgs_per_s:>7.0f}{result.cpu_s:>7.1f}{result.rss_per_conn_kb:>8.0f}"
        f"{100 * result.client_load:>6.0f}{result.load:>6.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="200,1000,2000")
    parser.add_argument("--variants", default="floor,uvicorn-memory,uvicorn-redis-pubsub")
    parser.add_argument("--messages", type=int, default=200, help="paced messages per run")
    parser.add_argument("--rate", type=float, default=5.0, help="paced messages per second")
    parser.add_argument("--burst", type=int, default=100, help="messages in the throughput burst")
    parser.add_argument("--connect-window", type=int, default=100, help="handshakes in flight")
    parser.add_argument("--join-timeout", type=float, default=120.0)
    parser.add_argument("--quick", action="store_true", help="200 clients only")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench.sqlite3'}"),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/2"
    )
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="measure the floor and each room one after the other (before 2026-12: the only way)",
    )
    parser.add_argument("--profile", metavar="DIR", help="run Uvicorn under cProfile, stats in DIR")
    parser.add_argument("--floor-server", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor_server:
        run_floor_server(args.floor_server)
        return

    # 2,000 clients and their server need more than the usual 1,024 descriptors.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    OUT.mkdir(parents=True, exist_ok=True)
    (ROOT / "var").mkdir(exist_ok=True)
    sizes = [200] if args.quick else [int(n) for n in args.clients.split(",")]
    variants = [VARIANTS[name] for name in args.variants.split(",")]
    if not redis_available(args.redis_url):
        print(f"Redis not reachable at {args.redis_url}: Redis variants skipped")
        variants = [v for v in variants if not v.layer.startswith("redis")]

    setup_django(args)
    sessions = make_people(max(sizes))
    floor = VARIANTS["floor"]
    rooms = [v for v in variants if v.server != "floor"]
    #: (result, the floor measured beside it or before it)
    pairs: list[tuple[Result, Result | None]] = []
    print(HEADER, flush=True)
    for clients in sizes:
        if args.sequential:
            alone = None
            for variant in variants:
                (result,) = measure(args, [variant], clients, sessions)
                if variant.server == "floor":
                    alone = result
                pairs.append((result, alone if result is not alone else None))
                print(line(result, alone), flush=True)
            continue
        for variant in rooms:  # each room beside a floor of its own, interleaved
            beside, result = measure(args, [floor, variant], clients, sessions)
            pairs.append((beside, None))
            pairs.append((result, beside))
            print(line(beside, beside), flush=True)
            print(line(result, beside), flush=True)
    (OUT / "workshop_fanout.json").write_text(
        json.dumps(
            [
                {
                    "variant": r.variant.label,
                    "clients": r.clients,
                    "join_s": r.join_s,
                    "p50_ms": r.p50,
                    "p99_ms": r.p99,
                    "floor_p99_ms": f.p99 if f else None,
                    "delivered": r.delivered,
                    "msgs_per_s": r.msgs_per_s,
                    "cpu_s": r.cpu_s,
                    "rss_per_conn_kb": r.rss_per_conn_kb,
                    "dropped": r.dropped,
                    "client_load": r.client_load,
                    "load": r.load,
                }
                for r, f in pairs
            ],
            indent=2,
        )
    )
    print(result_line(pairs))


def result_line(pairs: list[tuple[Result, Result | None]]) -> str:
    def ratio(clients, label):
        for ours, floor in pairs:
            if ours.clients == clients and ours.variant.label == label and floor and floor.p99:
                return ours.p99 / floor.p99
        return math.nan

    rooms_2000 = [r for r, _f in pairs if r.clients == 2000 and r.variant.server != "floor"]
    join_2000 = max((r.join_s for r in rooms_2000), default=math.nan)
    delivered_2000 = min((r.delivered for r in rooms_2000), default=math.nan)
    return (
        f"RESULT clients=200 p99_ratio_memory={ratio(200, 'uvicorn-memory'):.2f} "
        f"p99_ratio_redis={ratio(200, 'uvicorn-redis-pubsub'):.2f} "
        f"p99_ratio_2000_memory={ratio(2000, 'uvicorn-memory'):.2f} "
        f"p99_ratio_2000_redis={ratio(2000, 'uvicorn-redis-pubsub'):.2f} "
        f"join_s_2000={join_2000:.1f} delivered_2000={delivered_2000:.4f}"
    )


if __name__ == "__main__":
    main()
