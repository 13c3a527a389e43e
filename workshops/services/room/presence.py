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
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
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
    connection = Connection.objects.select_related("participant").filter(pk=connection_id).first()
    if connection is None:
        return []
    now = timezone.now()
    with transaction.atomic():
        closed = Connection.objects.filter(pk=connection_id, left_at__isnull=True).update(
            left_at=now, last_seen_at=now
        )
        if closed:
            return _after_departure(connection.workshop_id, [connection.participant])
    return []


def _after_departure(workshop_id: int, participants: list[Participant]) -> list[int]:
    """Record the attendance of those of ``participants`` now gone; return their pids."""
    online = set(online_participants(workshop_id).values_list("participant_id", flat=True))
    gone = [p for p in participants if p.pk not in online]
    if gone:
        user_ids = sorted({p.user_id for p in gone})
        transaction.on_commit(
            lambda: tasks.record_workshop_attendance.enqueue(workshop_id, user_ids)
        )
    return sorted({p.pk for p in gone})


def _close_and_tell(stale: list[Connection], left_at) -> dict[int, list[int]]:
    """Close ``stale`` connections (each by exactly one sweeper) at ``left_at(connection)``,
    tell each room who went offline; returns ``{workshop_id: [pid, ...]}``."""
    closed: dict[int, list[Participant]] = {}
    with transaction.atomic():
        for connection in stale:
            if Connection.objects.filter(pk=connection.pk, left_at__isnull=True).update(
                left_at=left_at(connection)
            ):
                closed.setdefault(connection.workshop_id, []).append(connection.participant)
        gone = {}
        for workshop_id, participants in closed.items():
            pids = _after_departure(workshop_id, participants)
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
    phone, a dead server process). Returns the participant ids that went offline."""
    cutoff = timezone.now() - PRESENCE_TIMEOUT
    stale = list(
        Connection.objects.filter(
            workshop_id=workshop_id, left_at__isnull=True, last_seen_at__lt=cutoff
        ).select_related("participant")
    )
    return _close_and_tell(stale, lambda c: c.last_seen_at).get(workshop_id, [])


def beat_process(key: str, *, touch: bool) -> None:
    """Process ``key`` is alive; with ``touch``, so are all its open connections."""
    now = timezone.now()
    RoomProcess.objects.update_or_create(key=key, defaults={"beat_at": now})
    if touch:
        Connection.objects.filter(process=key, left_at__isnull=True).update(last_seen_at=now)


def sweep_dead_processes() -> dict[int, list[int]]:
    """Close the connections of processes whose heartbeat is ``PROCESS_TIMEOUT`` old,
    at their last heartbeat, and forget those processes. Returns ``{workshop: [pid]}``."""
    now = timezone.now()
    cutoff = now - PROCESS_TIMEOUT
    dead = dict(RoomProcess.objects.filter(beat_at__lt=cutoff).values_list("key", "beat_at"))
    alive = RoomProcess.objects.filter(beat_at__gte=cutoff).values("key")
    orphaned = ~Q(process="") & ~Q(process__in=alive)
    # Rows from before processes beat: their own heartbeats, as before.
    silent = Q(process="", last_seen_at__lt=now - PRESENCE_TIMEOUT)
    stale = list(
        Connection.objects.filter(left_at__isnull=True)
        .filter(orphaned | silent)
        .select_related("participant")
    )

    def left_at(connection):
        if not connection.process:
            return connection.last_seen_at
        # Its process's last beat: gone after that, and not before it was last seen.
        return min(max(dead.get(connection.process, now), connection.last_seen_at), now)

    gone = _close_and_tell(stale, left_at)
    RoomProcess.objects.filter(key__in=list(dead)).delete()
    return gone


def participant_for(user: User, workshop: Workshop) -> Participant:
    participant, _created = Participant.objects.get_or_create(
        workshop=workshop, user=user, defaults={"display_name": user.display_name}
    )
    return participant
