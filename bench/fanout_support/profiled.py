"""Run Uvicorn under cProfile (``--profile DIR`` of bench/workshop_fanout.py).

Every thread is profiled: the event loop's (fan-out, the consumers) in
``$BENCH_PROFILE``, the database threads' together in
``$BENCH_PROFILE`` with ``.threads`` added. Both are written when Uvicorn
stops (the harness sends SIGTERM). Read them with ``python -m pstats``.
"""

import cProfile
import os
import pstats
import signal
import sys
import threading

import uvicorn.main

threads: list[cProfile.Profile] = []


def _profile_thread(*_):
    sys.setprofile(None)
    profile = cProfile.Profile()
    threads.append(profile)
    profile.enable()


if __name__ == "__main__":
    profile = cProfile.Profile()
    # Uvicorn shuts down on SIGTERM, then raises it again for the handler it
    # found: make that handler an exit, so the stats are written.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    threading.setprofile(_profile_thread)
    sys.argv[0] = "uvicorn"
    try:
        profile.runcall(uvicorn.main.main, standalone_mode=False)
    finally:
        path = os.environ["BENCH_PROFILE"]
        profile.dump_stats(path)
        if threads:
            stats = pstats.Stats(threads[0])
            for other in threads[1:]:
                stats.add(other)
            stats.dump_stats(path + ".threads")
