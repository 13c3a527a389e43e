"""Presence: who is connected now, joining and leaving, heartbeats and the sweeper."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from ... import tasks
from ...models import Connection, Participant, Workshop
from ..access import host_ids, is_host, may_join
from ..registration import register
from .events import broadcast

if TYPE_CHECKING:
    from accounts.models import User

#: A connection not heard from for this long is treated as gone.
PRESENCE_TIMEOUT = timedelta(seconds=75)


@dataclass
class Joined:
    workshop: Workshop
    participant: Participant
    connection: Connection
    is_host: bool


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


def presence_snapshot(workshop_id: int) -> list[dict]:
    """Everyone connected now, hosts first then by name."""
    workshop = Workshop.objects.get(pk=workshop_id)
    hosts = host_ids(workshop)
    pids = online_participants(workshop_id).values("participant_id")
    participants = Participant.objects.filter(pk__in=pids, is_removed=False)
    entries = [_presence_entry(p, hosts) for p in participants]
    return sorted(entries, key=lambda e: (not e["host"], e["name"].lower(), e["pid"]))


def online_count(workshop_id: int) -> int:
    return online_participants(workshop_id).values("participant_id").distinct().count()


def join_room(user: User, workshop_id: int, channel_name: str) -> Joined | None:
    """Admit ``user`` to the room, or ``None`` to refuse the connection.

    Registers an audience member who has not registered (while seats are
    left), records the connection, and tells the room if they were not
    already present on another connection.
    """
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None or not user.is_authenticated or not may_join(user, workshop):
        return None
    host = is_host(user, workshop)
    with transaction.atomic():
        participant = participant_for(user, workshop)
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
            workshop=workshop, participant=participant, channel_name=channel_name
        )
        if not already_present:
            entry = _presence_entry(participant, host_ids(workshop))
            transaction.on_commit(
                lambda: broadcast(workshop_id, {"type": "room.presence", "joined": [entry]})
            )
    return Joined(workshop=workshop, participant=participant, connection=connection, is_host=host)


def touch_connection(connection_id: int) -> None:
    """A heartbeat: the connection is still there."""
    Connection.objects.filter(pk=connection_id, left_at__isnull=True).update(
        last_seen_at=timezone.now()
    )


def leave_room(connection_id: int) -> None:
    """Close a connection; tell the room if its person has no other connection left."""
    connection = Connection.objects.select_related("participant").filter(pk=connection_id).first()
    if connection is None:
        return
    now = timezone.now()
    with transaction.atomic():
        closed = Connection.objects.filter(pk=connection_id, left_at__isnull=True).update(
            left_at=now, last_seen_at=now
        )
        if closed:
            _after_departure(connection.workshop_id, [connection.participant])


def _after_departure(workshop_id: int, participants: list[Participant]) -> None:
    online = set(online_participants(workshop_id).values_list("participant_id", flat=True))
    gone = [p for p in participants if p.pk not in online]
    if gone:
        pids = sorted({p.pk for p in gone})
        transaction.on_commit(
            lambda: broadcast(workshop_id, {"type": "room.presence", "left": pids})
        )
    if gone:
        user_ids = sorted({p.user_id for p in gone})
        transaction.on_commit(
            lambda: tasks.record_workshop_attendance.enqueue(workshop_id, user_ids)
        )


def sweep_stale_connections(workshop_id: int) -> list[int]:
    """Close connections not heard from within ``PRESENCE_TIMEOUT`` (a lost phone, a dead
    server process). Each stale connection is closed by exactly one sweeper, which then
    tells the room. Returns the participant ids that went offline."""
    cutoff = timezone.now() - PRESENCE_TIMEOUT
    stale = list(
        Connection.objects.filter(
            workshop_id=workshop_id, left_at__isnull=True, last_seen_at__lt=cutoff
        ).select_related("participant")
    )
    closed = []
    with transaction.atomic():
        for connection in stale:
            if Connection.objects.filter(pk=connection.pk, left_at__isnull=True).update(
                left_at=connection.last_seen_at
            ):
                closed.append(connection.participant)
        if closed:
            _after_departure(workshop_id, closed)
    return sorted({p.pk for p in closed})


def participant_for(user: User, workshop: Workshop) -> Participant:
    participant, _created = Participant.objects.get_or_create(
        workshop=workshop, user=user, defaults={"display_name": user.display_name}
    )
    return participant
