"""Attendance: minutes present from each person's connections, and what counts as attending."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from courses.services import evaluate_completion_for_users

from ..models import Attendance, Participant, Workshop
from .access import host_ids
from .room.presence import PRESENCE_TIMEOUT

if TYPE_CHECKING:
    from accounts.models import User


def attendance_threshold_minutes(workshop: Workshop) -> int:
    """Minutes present that count as attending: half the workshop, at most
    ``WORKSHOPS_ATTENDANCE_MINUTES`` (30 by default)."""
    start = workshop.started_at or workshop.starts_at
    end = workshop.ended_at or workshop.ends_at
    half = max(1, int((end - start).total_seconds() // 120))
    return min(getattr(settings, "WORKSHOPS_ATTENDANCE_MINUTES", 30), half)


def _present_seconds(workshop: Workshop, connections, now: datetime) -> float:
    """Time covered by the union of the connections, within the live part of the workshop."""
    window_start = workshop.started_at or workshop.starts_at
    window_end = workshop.ended_at or (now if workshop.is_live else workshop.ends_at)
    intervals = []
    for c in connections:
        end = c.left_at or min(now, c.last_seen_at + PRESENCE_TIMEOUT)
        start, end = max(c.joined_at, window_start), min(end, window_end)
        if end > start:
            intervals.append((start, end))
    total, current_start, current_end = 0.0, None, None
    for start, end in sorted(intervals):
        if current_end is None or start > current_end:
            if current_end is not None:
                total += (current_end - current_start).total_seconds()
            current_start, current_end = start, end
        else:
            current_end = max(current_end, end)
    if current_end is not None:
        total += (current_end - current_start).total_seconds()
    return total


def record_attendance(workshop_id: int, user_ids: Iterable[int] | None = None) -> int:
    """Compute and store the attendance of everyone who joined (or of ``user_ids``).

    A constant number of queries whatever the number of people: the
    workshop, its hosts, the participants with their connections, and one
    upsert. Hosts are not counted as attendees. When the workshop belongs
    to a course, the courses app then re-evaluates the completion of those
    who attended (after commit). Returns how many attendances were stored.
    Runs as the ``record_workshop_attendance`` task, enqueued after commit
    by whatever changed presence, so a host ending a large workshop is not
    kept waiting for it.
    """
    workshop = Workshop.objects.select_related("course").filter(pk=workshop_id).first()
    if workshop is None:
        return 0
    hosts = host_ids(workshop)
    participants = Participant.objects.filter(workshop=workshop).exclude(user_id__in=hosts)
    if user_ids is not None:
        participants = participants.filter(user_id__in=list(user_ids))
    now = timezone.now()
    threshold = attendance_threshold_minutes(workshop)
    rows = []
    for participant in participants.prefetch_related("connections"):
        connections = list(participant.connections.all())
        if not connections:
            continue
        minutes = int(_present_seconds(workshop, connections, now) // 60)
        rows.append(
            Attendance(
                workshop=workshop,
                user_id=participant.user_id,
                first_joined_at=min(c.joined_at for c in connections),
                last_left_at=max((c.left_at or c.last_seen_at) for c in connections),
                minutes=minutes,
                attended=minutes >= threshold,
            )
        )
    if not rows:
        return 0
    with transaction.atomic():
        Attendance.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["workshop", "user"],
            update_fields=["first_joined_at", "last_left_at", "minutes", "attended", "updated_at"],
        )
        attended = [row.user_id for row in rows if row.attended]
        course_page = workshop.course
        if attended and course_page is not None:
            transaction.on_commit(lambda: evaluate_completion_for_users(attended, course_page))
    return len(rows)


def attended_workshops_count(user: User, course_page) -> int:
    """Workshops of ``course_page`` (in any language) that ``user`` attended."""
    if not user.is_authenticated:
        return 0
    return Attendance.objects.filter(
        user=user,
        attended=True,
        workshop__course__translation_key=course_page.translation_key,
    ).count()


def attendance_rows(workshop: Workshop) -> list[dict]:
    """One row per person who joined, for the host's sheet (first join order)."""
    attendances = {a.user_id: a for a in Attendance.objects.filter(workshop=workshop)}
    hosts = host_ids(workshop)
    rows = []
    now = timezone.now()
    participants = workshop.participants.select_related("user").prefetch_related("connections")
    for participant in participants:
        connections = list(participant.connections.all())
        if not connections:
            continue
        attendance = attendances.get(participant.user_id)
        minutes = (
            attendance.minutes
            if attendance
            else int(_present_seconds(workshop, connections, now) // 60)
        )
        rows.append(
            {
                "name": participant.display_name,
                "host": participant.user_id in hosts,
                "first_joined_at": min(c.joined_at for c in connections),
                "last_left_at": max((c.left_at or c.last_seen_at) for c in connections),
                "sessions": len(connections),
                "minutes": minutes,
                "attended": bool(attendance and attendance.attended),
                "removed": participant.is_removed,
            }
        )
    return sorted(rows, key=lambda r: r["first_joined_at"])
