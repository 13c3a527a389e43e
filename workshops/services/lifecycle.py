"""Starting and ending a workshop (by its host, or automatically when nobody did)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from .. import tasks
from ..models import RoomEvent, Workshop
from .room.actions import RoomAction, run_action
from .room.errors import room_error
from .room.events import Kind, Recorded, lock_room, record_event
from .scheduling import AUTO_END_GRACE, REMINDER_OFFSETS, send_due_reminders


def start_workshop(workshop_id: int, participant_id: int, client_id: str = "") -> Recorded:
    def body(a: RoomAction):
        a.require_host()
        if a.workshop.status != Workshop.Status.SCHEDULED:
            raise room_error("bad_state")
        now = timezone.now()
        Workshop.objects.filter(pk=workshop_id).update(status=Workshop.Status.LIVE, started_at=now)
        return a.record(Kind.WORKSHOP_STARTED)

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def end_workshop(workshop_id: int, participant_id: int, client_id: str = "") -> Recorded:
    """A host ends the workshop: the room becomes read-only and attendance is recorded."""

    def body(a: RoomAction):
        a.require_host()
        if a.workshop.is_ended:
            raise room_error("ended")
        recorded = a.record(Kind.WORKSHOP_ENDED)
        _mark_ended(a.workshop)
        return recorded

    return run_action(RoomAction(workshop_id, participant_id, client_id), body)


def _mark_ended(workshop: Workshop) -> None:
    """Precondition: the room is locked in the open transaction."""
    now = timezone.now()
    Workshop.objects.filter(pk=workshop.pk).update(status=Workshop.Status.ENDED, ended_at=now)
    workshop.status = Workshop.Status.ENDED
    workshop.ended_at = now
    workshop_id = workshop.pk
    transaction.on_commit(lambda: tasks.record_workshop_attendance.enqueue(workshop_id))


def end_workshop_automatically(workshop: Workshop) -> RoomEvent | None:
    """End a workshop nobody ended, well after its scheduled end (a task or cron does this)."""
    with transaction.atomic():
        lock_room(workshop.pk)
        workshop = Workshop.objects.get(pk=workshop.pk)
        if workshop.is_ended or timezone.now() < workshop.ends_at + AUTO_END_GRACE:
            return None
        event = record_event(workshop, Kind.WORKSHOP_ENDED, actor=None, data={"automatic": True})
        _mark_ended(workshop)
        return event


def housekeeping(now: datetime | None = None) -> dict:
    """What deferred tasks do, for backends that cannot defer: due reminders, overdue ends."""
    now = now or timezone.now()
    counts = {"reminders": 0, "ended": 0}
    for which, offset in REMINDER_OFFSETS.items():
        due = Workshop.objects.upcoming().filter(starts_at__gt=now, starts_at__lte=now + offset)
        for workshop in due:
            counts["reminders"] += send_due_reminders(workshop, which, now)
    for workshop in Workshop.objects.exclude(status=Workshop.Status.ENDED).filter(
        ends_at__lte=now - AUTO_END_GRACE
    ):
        end_workshop_automatically(workshop)
        counts["ended"] += 1
    return counts
