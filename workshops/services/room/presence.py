"""Presence: who is connected now, joining and leaving, process heartbeats and the sweeper.

Each server process beats (``beat_process``) every few seconds: one row
update for the process, and every ``TOUCH_INTERVAL`` one statement moving
``last_seen_at`` for all its open connections. A connection is closed by
its own process when it leaves or stops pinging; when a process dies,
another one's ``sweep_dead_processes`` closes its connections once its
heartbeat is ``PROCESS_TIMEOUT`` old. Joins and leaves are told to the room
by the consumer's presence batcher (``workshops.presence_fanout``); the
sweeper tells the room itself, one message per room and sweep.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, DateTimeField, F, Q, Value, When
from django.db.models.functions import Greatest, Least
from django.utils import timezone

from ... import tasks
from ...models import Connection, Participant, Registration, RoomProcess, Workshop
from ..access import host_ids, is_host, may_join, seats_left
from ..registration import UNLOCKED_SEATS_MARGIN, register
from .events import broadcast, lock_room

if TYPE_CHECKING:
    from accounts.models import User

#: A connection not heard from for this long is treated as gone.
PRESENCE_TIMEOUT = timedelta(seconds=75)
#: A process whose heartbeat is this old is dead: its connections are closed.
PROCESS_TIMEOUT = timedelta(seconds=18)


@dataclass
class Joined:
    workshop: Workshop
    participant: Participant
    connection: Connection
    is_host: bool
    #: The presence entry to announce, or None if the person was already present.
    announce: dict | None = None
    #: Whether the participant was created now (so has no votes yet).
    new: bool = False


def _presence_entry(participant: Participant, hosts: set[int]) -> dict:
    return {
        "pid": participant.pk,
        "name": participant.display_name,
        "host": participant.user_id in hosts,
        "hand": participant.hand_raised,
        "muted": participant.is_muted,
    }


def online_participants(workshop_id: int, exclude_connection: int | None = None):
    cutoff = timezone.now() - PRESENCE_TIMEOUT
    live = Connection.objects.filter(
        workshop_id=workshop_id, left_at__isnull=True, last_seen_at__gte=cutoff
    )
    if exclude_connection:
        live = live.exclude(pk=exclude_connection)
    return live


_batch = threading.local()


@contextmanager
def one_admission():
    """Within the block, the room's online count and list are read once per room.

    For a batch of joins admitted together (``join_many``): their welcomes
    all describe the room as it is after the batch, so they share one count
    and one list rather than reading them again per person.
    """
    _batch.memo = {}
    try:
        yield
    finally:
        _batch.memo = None


def _memo(key, read):
    memo = getattr(_batch, "memo", None)
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def presence_snapshot(workshop_id: int, workshop: Workshop | None = None) -> list[dict]:
    """Everyone connected now, hosts first then by name."""
    return _memo(("list", workshop_id), lambda: _snapshot(workshop_id, workshop))


def _snapshot(workshop_id: int, workshop: Workshop | None) -> list[dict]:
    workshop = workshop or Workshop.objects.get(pk=workshop_id)
    hosts = host_ids(workshop)
    pids = online_participants(workshop_id).values("participant_id")
    participants = Participant.objects.filter(pk__in=pids, is_removed=False)
    entries = [_presence_entry(p, hosts) for p in participants]
    return sorted(entries, key=lambda e: (not e["host"], e["name"].lower(), e["pid"]))


def online_count(workshop_id: int) -> int:
    return _memo(
        ("count", workshop_id),
        lambda: online_participants(workshop_id).values("participant_id").distinct().count(),
    )


def join_room(user: User, workshop_id: int, channel_name: str, process: str = "") -> Joined | None:
    """Admit ``user`` to the room, or ``None`` to refuse the connection.

    Registers an audience member who has not registered (while seats are
    left) and records the connection. ``Joined.announce`` is the entry the
    caller tells the room about if the person was not already present on
    another connection. A constant number of queries, whatever the room's size.
    """
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None or not user.is_authenticated or not may_join(user, workshop):
        return None
    host = is_host(user, workshop)
    with transaction.atomic():
        participant, created = Participant.objects.get_or_create(
            workshop=workshop, user=user, defaults={"display_name": user.display_name}
        )
        if participant.display_name != user.display_name:
            participant.display_name = user.display_name
            participant.save(update_fields=["display_name"])
        if not host and not workshop.is_ended:
            try:
                register(user, workshop)
            except ValidationError:
                return None
        already_present = online_participants(workshop_id).filter(participant=participant).exists()
        connection = Connection.objects.create(
            workshop=workshop, participant=participant, channel_name=channel_name, process=process
        )
    announce = None
    if not already_present:
        announce = _presence_entry(participant, {user.pk} if host else set())
    return Joined(
        workshop=workshop,
        participant=participant,
        connection=connection,
        is_host=host,
        announce=announce,
        new=created,
    )


def join_many(
    workshop_id: int, requests: list[tuple[User, str]], process: str = ""
) -> list[Joined | None]:
    """``join_room`` for several people arriving together, in the same few queries however
    many they are (a large room's opening minute: hundreds of handshakes at once).

    A room open to everyone signed in is decided for the whole batch at
    once: with seats to spare without a lock, near its capacity under the
    room's lock, seats going to the first to arrive (as ``register`` would,
    one by one). Anything else (an invitation or course audience, an ended
    workshop) takes ``join_room`` per person, whose rules these are.
    """
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        return [None] * len(requests)
    if workshop.audience != Workshop.Audience.SIGNED_IN or workshop.is_ended:
        return [join_room(user, workshop_id, channel, process) for user, channel in requests]
    near_full = seats_left(workshop) - len(requests) <= UNLOCKED_SEATS_MARGIN
    hosts = host_ids(workshop)
    users = {user.pk: user for user, _channel in requests if user.is_authenticated}
    removed = set(
        Participant.objects.filter(
            workshop=workshop, user_id__in=users, is_removed=True
        ).values_list("user_id", flat=True)
    )
    admitted = {
        pk: user
        for pk, user in users.items()
        if pk in hosts or (user.is_active and pk not in removed)
    }
    with transaction.atomic():
        if near_full:
            _take_last_seats(workshop, admitted, hosts)
        participants = {
            p.user_id: p
            for p in Participant.objects.filter(workshop=workshop, user_id__in=admitted)
        }
        new = set(admitted) - set(participants)
        if new:
            Participant.objects.bulk_create(
                [
                    Participant(
                        workshop=workshop, user=admitted[pk], display_name=admitted[pk].display_name
                    )
                    for pk in new
                ],
                ignore_conflicts=True,
            )
            participants.update(
                (p.user_id, p)
                for p in Participant.objects.filter(workshop=workshop, user_id__in=new)
            )
        for pk, participant in participants.items():
            if participant.display_name != admitted[pk].display_name:
                participant.display_name = admitted[pk].display_name
                participant.save(update_fields=["display_name"])
        Registration.objects.bulk_create(
            [
                Registration(workshop=workshop, user=admitted[pk])
                for pk in admitted
                if pk not in hosts
            ],
            ignore_conflicts=True,
        )
        present = set(
            online_participants(workshop_id)
            .filter(participant__in=participants.values())
            .values_list("participant_id", flat=True)
        )
        rows = [
            Connection(
                workshop=workshop,
                participant=participants[user.pk],
                channel_name=channel,
                process=process,
            )
            for user, channel in requests
            if user.pk in participants
        ]
        created = iter(Connection.objects.bulk_create(rows))
    results: list[Joined | None] = []
    for user, _channel in requests:
        participant = participants.get(user.pk)
        if participant is None:
            results.append(None)
            continue
        announce = None
        if participant.pk not in present:
            present.add(participant.pk)  # a second tab in the same batch is not news
            announce = _presence_entry(participant, hosts)
        results.append(
            Joined(
                workshop=workshop,
                participant=participant,
                connection=next(created),
                is_host=user.pk in hosts,
                announce=announce,
                new=user.pk in new,
            )
        )
    return results


def _take_last_seats(workshop: Workshop, admitted: dict, hosts: set[int]) -> None:
    """Near capacity: keep in ``admitted`` the hosts, the registered, and as many others
    as seats are left, in order of arrival. Takes the room's lock (a transaction is open)."""
    lock_room(workshop.pk)
    registered = set(
        Registration.objects.filter(workshop=workshop, user_id__in=admitted).values_list(
            "user_id", flat=True
        )
    )
    seats = seats_left(workshop)
    for pk in list(admitted):
        if pk in hosts or pk in registered:
            continue
        if seats > 0:
            seats -= 1
        else:
            del admitted[pk]


def touch_connection(connection_id: int) -> None:
    """A heartbeat: the connection is still there."""
    Connection.objects.filter(pk=connection_id, left_at__isnull=True).update(
        last_seen_at=timezone.now()
    )


def leave_room(connection_id: int) -> list[int]:
    """Close a connection; returns ``[pid]`` if its person has no other connection left
    (for the caller to tell the room), else ``[]``."""
    return leave_many([(connection_id, timezone.now())])[0]


def leave_many(departures: list[tuple[int, datetime]]) -> list[list[int]]:
    """Close connections, each at the time it went (``(connection_id, left_at)``), in
    the same few statements however many they are; for each, the pids of the people
    it was the last connection of (for the caller to tell the room), else ``[]``.

    When 2,000 people leave a consultation at once, closing each on its own
    was a transaction and an attendance task per person; here a batch is
    one lock-and-read, one UPDATE, one read of who is still online per
    room, and one attendance task per room, after commit. A connection
    already closed (by a sweeper, or a repeat) is left as it is.
    """
    at = dict(departures)
    closed = _close(list(at), at)
    return [closed.get(connection_id, []) for connection_id, _left_at in departures]


def _close(connection_ids, at: dict) -> dict[int, list[int]]:
    """Close the open ones of ``connection_ids`` at ``at[connection_id]``; returns
    ``{connection_id: [pid]}`` for those whose person is now gone."""
    with transaction.atomic():
        rows = _lock_open(Connection.objects.filter(pk__in=connection_ids))
        if not rows:
            return {}
        when = Case(
            *[When(pk=row.pk, then=Value(at[row.pk])) for row in rows],
            output_field=DateTimeField(),
        )
        Connection.objects.filter(pk__in=[row.pk for row in rows]).update(
            left_at=when, last_seen_at=when
        )
        closed = {}
        for gone in _departures(rows).values():
            closed.update(gone)
    return closed


@dataclass(frozen=True)
class _Open:
    """An open connection row, locked for closing."""

    pk: int
    workshop_id: int
    pid: int
    user_id: int


def _lock_open(connections) -> list[_Open]:
    """Lock the open ones of ``connections`` (a transaction is open), in a fixed order
    so that two closers never wait on each other; a row another closer closed
    meanwhile is not returned (PostgreSQL reads it again once the lock is free)."""
    rows = (
        connections.filter(left_at__isnull=True)
        .select_for_update(of=("self",))
        .order_by("pk")
        .values_list("pk", "workshop_id", "participant_id", "participant__user_id")
    )
    return [_Open(*row) for row in rows]


def _departures(rows: list[_Open]) -> dict[int, dict[int, list[int]]]:
    """Of the people of ``rows`` (just closed), those with no other open connection:
    ``{workshop_id: {connection_id: [pid]}}``, each person under their first row. Their
    attendance is recorded after commit, one task per room."""
    by_room: dict[int, list[_Open]] = {}
    for row in rows:
        by_room.setdefault(row.workshop_id, []).append(row)
    result = {}
    for workshop_id, closed in by_room.items():
        online = set(
            online_participants(workshop_id)
            .filter(participant__in={row.pid for row in closed})
            .values_list("participant_id", flat=True)
        )
        gone: dict[int, list[int]] = {}
        told = set()
        for row in closed:
            if row.pid not in online and row.pid not in told:
                told.add(row.pid)
                gone[row.pk] = [row.pid]
        if gone:
            user_ids = sorted({row.user_id for row in closed if row.pid in told})
            transaction.on_commit(
                lambda w=workshop_id, u=user_ids: tasks.record_workshop_attendance.enqueue(w, u)
            )
        result[workshop_id] = gone
    return result


def _close_and_tell(stale, left_at) -> dict[int, list[int]]:
    """Close the ``stale`` connections (a query; each closed by exactly one sweeper)
    in one UPDATE, at ``left_at`` (an expression), and tell each room who went
    offline, one message per room; returns ``{workshop_id: [pid, ...]}``."""
    if not stale.filter(left_at__isnull=True).exists():
        return {}  # a sweep with nothing to close (almost every one) takes no lock
    gone = {}
    with transaction.atomic():
        rows = _lock_open(stale)
        if not rows:
            return {}
        Connection.objects.filter(pk__in=[row.pk for row in rows]).update(left_at=left_at)
        for workshop_id, closed in _departures(rows).items():
            pids = sorted(pid for pids in closed.values() for pid in pids)
            if pids:
                gone[workshop_id] = pids
                count = online_count(workshop_id)
                transaction.on_commit(
                    lambda w=workshop_id, p=pids, n=count: broadcast(
                        w, {"type": "room.presence", "left": p, "online": n}
                    )
                )
    return gone


def sweep_stale_connections(workshop_id: int) -> list[int]:
    """Close the room's connections not heard from within ``PRESENCE_TIMEOUT`` (a lost
    phone, a dead server process), when last seen. Returns the pids that went offline."""
    cutoff = timezone.now() - PRESENCE_TIMEOUT
    stale = Connection.objects.filter(workshop_id=workshop_id, last_seen_at__lt=cutoff)
    return _close_and_tell(stale, F("last_seen_at")).get(workshop_id, [])


def beat_process(key: str, *, touch: bool) -> None:
    """Process ``key`` is alive; with ``touch``, so are all its open connections."""
    now = timezone.now()
    if not RoomProcess.objects.filter(key=key).update(beat_at=now):
        RoomProcess.objects.create(key=key, beat_at=now)  # the first beat, or swept meanwhile
    if touch:
        Connection.objects.filter(process=key, left_at__isnull=True).update(last_seen_at=now)


def sweep_dead_processes() -> dict[int, list[int]]:
    """Close the connections of processes whose heartbeat is ``PROCESS_TIMEOUT`` old,
    at their last heartbeat, and forget those processes. Returns ``{workshop: [pid]}``.

    One UPDATE closes them all, however many people a dead process held."""
    now = timezone.now()
    cutoff = now - PROCESS_TIMEOUT
    dead = dict(RoomProcess.objects.filter(beat_at__lt=cutoff).values_list("key", "beat_at"))
    alive = RoomProcess.objects.filter(beat_at__gte=cutoff).values("key")
    orphaned = ~Q(process="") & ~Q(process__in=alive)
    # Rows from before processes beat: their own heartbeats, as before.
    silent = Q(process="", last_seen_at__lt=now - PRESENCE_TIMEOUT)
    stale = Connection.objects.filter(orphaned | silent)
    # Its process's last beat (now if that row is gone already): gone after that,
    # and not before it was last seen; a row without a process, when last seen.
    last_beat = Case(
        *[When(process=key, then=Value(beat_at)) for key, beat_at in dead.items()],
        default=Value(now),
        output_field=DateTimeField(),
    )
    left_at = Case(
        When(process="", then=F("last_seen_at")),
        default=Least(Greatest(last_beat, F("last_seen_at")), Value(now)),
        output_field=DateTimeField(),
    )
    gone = _close_and_tell(stale, left_at)
    if dead:
        RoomProcess.objects.filter(key__in=list(dead)).delete()
    return gone


def participant_for(user: User, workshop: Workshop) -> Participant:
    participant, _created = Participant.objects.get_or_create(
        workshop=workshop, user=user, defaults={"display_name": user.display_name}
    )
    return participant
