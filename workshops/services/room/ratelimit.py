"""Limits per person and room, across all their connections and server processes.

The counters live in Django's cache: Redis in production (shared by every
process), the local-memory cache in the embedded default (one process).
Each connection also keeps its own token bucket (``consumers``), the cheap
first line; these counters are what a person cannot escape by opening more
connections or by reconnecting.

* **Budget**: at most ``LIMIT`` units per ``WINDOW`` seconds per person and
  room. An action, a ``fetch`` or a ``presence.sync`` costs one unit; history
  sent costs one unit per ``HISTORY_UNIT_BYTES`` (so pulling the log again
  and again runs out too).
* **Back-off**: a connection closed for flooding or garbage (4429, 4400)
  makes the next connections of that person to that room wait: 2 s after the
  first close, doubling up to 5 minutes, forgotten after ``FORGET`` seconds
  without another.

If the cache cannot be reached, the limits let everything through: the room
keeps working on the per-connection buckets alone.
"""

from __future__ import annotations

import logging
import math
import time

from django.core.cache import cache

logger = logging.getLogger(__name__)

WINDOW = 10
LIMIT = 30
HISTORY_UNIT_BYTES = 64 * 1024
BACKOFF_FIRST = 2
BACKOFF_MAX = 300
FORGET = 600


def _budget_key(workshop_id: int, person: int, window: int) -> str:
    return f"room-rate:{workshop_id}:{person}:{window}"


def _backoff_key(workshop_id: int, person: int) -> str:
    return f"room-backoff:{workshop_id}:{person}"


def _add(key: str, delta: int, timeout: int) -> int:
    """Add ``delta`` to the counter at ``key`` (created with ``timeout``); its new value.

    On Redis (``lms.cache``) one round trip; this is on every action's path.
    """
    add_counter = getattr(cache, "add_counter", None)
    if add_counter is not None:
        return add_counter(key, delta, timeout)
    try:
        return cache.incr(key, delta)
    except ValueError:  # no counter yet in this window
        if cache.add(key, delta, timeout):
            return delta
        return cache.incr(key, delta)


def spend(workshop_id: int, person: int, cost: int = 1, *, check: bool = True) -> bool:
    """Spend ``cost`` units of the person's budget in this room.

    Returns False when this spending goes over the budget (an action about to
    run is then refused; refused attempts count too, so hammering stays
    refused). Without ``check`` (history that was already sent) it only
    counts. ``person`` is the user's id.
    """
    key = _budget_key(workshop_id, person, int(time.time()) // WINDOW)
    try:
        total = _add(key, cost, WINDOW * 2)
    except Exception as error:  # the cache is down: the per-connection limit still holds
        logger.warning("Room rate limit unavailable: %s", error)
        return True
    return not check or total <= LIMIT


def history_cost(size: int) -> int:
    """Units spent for ``size`` bytes of history: nothing below one unit's worth."""
    return size // HISTORY_UNIT_BYTES


def penalise(workshop_id: int, person: int) -> int:
    """A connection of this person was closed for abuse: the wait before the next one
    may open (seconds), doubling with each close."""
    key = _backoff_key(workshop_id, person)
    try:
        level = (cache.get(key) or {}).get("level", -1) + 1
        wait = min(BACKOFF_MAX, BACKOFF_FIRST * 2**level)
        cache.set(key, {"level": level, "until": time.time() + wait}, FORGET + wait)
    except Exception as error:
        logger.warning("Room back-off unavailable: %s", error)
        return 0
    return wait


def wait_before_joining(workshop_id: int, person: int) -> int:
    """Seconds this person must still wait before connecting to this room (0: none).

    Connecting while the budget is spent (by replaying history again and
    again, say) counts as a limit close. The back-off and the budget are read
    in one round trip: this is on every join's path.
    """
    backoff = _backoff_key(workshop_id, person)
    budget = _budget_key(workshop_id, person, int(time.time()) // WINDOW)
    try:
        found = cache.get_many([backoff, budget])
    except Exception as error:
        logger.warning("Room back-off unavailable: %s", error)
        return 0
    state = found.get(backoff)
    if state and (wait := math.ceil(state["until"] - time.time())) > 0:
        return wait
    if (found.get(budget) or 0) >= LIMIT:
        return penalise(workshop_id, person)
    return 0
