"""Scheduling and changing workshops, their reminders and their automatic end."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lms import hooks

from ..models import Registration, Workshop
from . import notices
from .access import can_schedule, is_host

if TYPE_CHECKING:
    from accounts.models import User

logger = logging.getLogger(__name__)

REMINDER_OFFSETS = {"24h": timedelta(hours=24), "1h": timedelta(hours=1)}
#: A workshop nobody ended is ended this long after its scheduled end.
AUTO_END_GRACE = timedelta(minutes=30)

WORKSHOP_FIELDS = (
    "title_km",
    "title_en",
    "description_km",
    "description_en",
    "starts_at",
    "ends_at",
    "capacity",
    "audience",
    "video_url",
    "course",
)


@transaction.atomic
def schedule_workshop(
    user: User, *, co_hosts=(), invitees=(), host: User | None = None, **data
) -> Workshop:
    """A mentor or an admin schedules a workshop (``user`` hosts it unless ``host`` is given)."""
    if not can_schedule(user):
        raise PermissionDenied
    workshop = Workshop(host=host or user, **{k: data[k] for k in WORKSHOP_FIELDS if k in data})
    return _save_new(workshop, co_hosts, invitees)


@transaction.atomic
def schedule_audience_workshop(host: User, audience: str, *, co_hosts=(), **data) -> Workshop:
    """A workshop for an audience another app gathers (see ``lms_workshop_audiences``),
    hosted by ``host``.

    Precondition: the app that owns the audience checked that ``host`` may
    hold workshops for it, and links the new workshop to its group in the
    same transaction (the mentoring app does both for a pair's workshops).
    """
    if hooks.workshop_audience(audience) is None:
        raise ValueError(f"No app registered the workshop audience {audience!r}")
    fields = {k: data[k] for k in WORKSHOP_FIELDS if k in data and k not in ("audience", "course")}
    workshop = Workshop(host=host, audience=audience, **fields)
    return _save_new(workshop, co_hosts, ())


def _save_new(workshop: Workshop, co_hosts, invitees) -> Workshop:
    workshop.full_clean()
    workshop.save()
    workshop.co_hosts.set(co_hosts)
    workshop.invitees.set(invitees)
    transaction.on_commit(lambda: schedule_background_tasks(workshop))
    transaction.on_commit(lambda: notices.announce_scheduled(workshop))
    return workshop


@transaction.atomic
def update_workshop(
    user: User,
    workshop: Workshop,
    *,
    co_hosts=None,
    invitees=None,
    host: User | None = None,
    **data,
) -> Workshop:
    """A host or an admin changes a workshop that has not ended. When its start time
    moved, reminders are sent again for the new time (enqueued after commit).

    ``workshop`` is as stored: its ``starts_at`` is compared with the new one.
    """
    if not (is_host(user, workshop) or user.is_staff):
        raise PermissionDenied
    if workshop.is_ended:
        raise ValidationError(_("An ended workshop cannot be changed."))
    old_start = workshop.starts_at
    if host is not None:
        workshop.host = host
    for field in WORKSHOP_FIELDS:
        if field in data:
            setattr(workshop, field, data[field])
    workshop.full_clean()
    workshop.save()
    if co_hosts is not None:
        workshop.co_hosts.set(co_hosts)
    if invitees is not None:
        workshop.invitees.set(invitees)
    if workshop.starts_at != old_start:
        # Reminders already sent were for the old time; send again for the new one.
        workshop.registrations.update(reminded_24h_at=None, reminded_1h_at=None)
        transaction.on_commit(lambda: schedule_background_tasks(workshop))
        transaction.on_commit(lambda: notices.announce_moved(workshop))
    return workshop


@transaction.atomic
def cancel_workshop(user: User, workshop: Workshop) -> None:
    """A host or an admin cancels (deletes) a workshop. Those registered for one that
    had not started yet are told, after commit."""
    if not (is_host(user, workshop) or user.is_staff):
        raise PermissionDenied
    told = []
    if workshop.status == Workshop.Status.SCHEDULED and workshop.starts_at > timezone.now():
        told = list(workshop.registrations.values_list("user_id", flat=True))
    gone = Workshop(
        uid=workshop.uid,
        title_km=workshop.title_km,
        title_en=workshop.title_en,
        starts_at=workshop.starts_at,
        ends_at=workshop.ends_at,
    )
    workshop.delete()
    if told:
        transaction.on_commit(lambda: notices.announce_cancelled(gone, told))


def schedule_background_tasks(workshop: Workshop) -> list:
    """Enqueue the 24-hour and 1-hour reminders and the automatic end, each with a run time.

    Needs a task backend that supports deferred tasks (``supports_defer``:
    the database backend in production). The immediate backend of
    development and tests cannot defer, so nothing is enqueued there and the
    ``workshop_housekeeping`` command (run from cron) sends what is due instead.
    Every task re-checks the workshop when it runs, so a stale one (the
    workshop was moved) does nothing, and flags on each registration make a
    reminder go out at most once.
    """
    from ..tasks import end_overdue_workshop, send_workshop_reminders

    if not send_workshop_reminders.get_backend().supports_defer:
        logger.info(
            "Task backend cannot defer: workshop %s reminders rely on workshop_housekeeping",
            workshop.pk,
        )
        return []
    now = timezone.now()
    results = []
    for which, offset in REMINDER_OFFSETS.items():
        run_after = workshop.starts_at - offset
        if run_after > now:
            results.append(
                send_workshop_reminders.using(run_after=run_after).enqueue(
                    workshop.pk, which, workshop.starts_at.isoformat()
                )
            )
    results.append(
        end_overdue_workshop.using(run_after=workshop.ends_at + AUTO_END_GRACE).enqueue(workshop.pk)
    )
    return results


def send_due_reminders(workshop: Workshop, which: str, now: datetime | None = None) -> int:
    """Remind everyone registered who has not had the ``which`` reminder (a notice of
    kind ``workshop_starting``, e-mailed unless they chose otherwise). Returns how many."""
    now = now or timezone.now()
    if workshop.is_ended or workshop.starts_at <= now:
        return 0
    flag = "reminded_24h_at" if which == "24h" else "reminded_1h_at"
    sent = 0
    registrations = workshop.registrations.filter(**{f"{flag}__isnull": True}).select_related(
        "user"
    )
    for registration in registrations:
        # Claim the reminder first, so that two runs never both send it.
        claimed = Registration.objects.filter(pk=registration.pk, **{f"{flag}__isnull": True})
        if not claimed.update(**{flag: now}):
            continue
        sent += notices.remind(workshop, registration.user_id, which)
    return sent
