"""Telling people about workshops through the notifications service: scheduled in
their course or pair, moved, cancelled, starting soon. Each call names the event,
so a retried task tells nobody twice."""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from courses.services import enrolled_user_ids
from notifications.services import moment, notify, per_language

from ..models import Workshop


def _params(workshop: Workshop) -> dict:
    return {
        "title": per_language(workshop.title_km, workshop.title_en),
        "when": moment(workshop.starts_at),
    }


def _about(workshop: Workshop) -> str:
    return f"workshops.workshop:{workshop.pk}"


def announce_workshop(workshop: Workshop, user_ids: Iterable[int]) -> int:
    """Tell ``user_ids`` (its hosts aside) that ``workshop`` was scheduled for them."""
    hosts = {workshop.host_id, *workshop.co_hosts.values_list("pk", flat=True)}
    return notify(
        "workshop_scheduled",
        [pk for pk in user_ids if pk not in hosts],
        event=f"workshop:{workshop.pk}:scheduled",
        about=_about(workshop),
        params=_params(workshop),
        url=workshop.get_absolute_url(),
    )


def announce_scheduled(workshop: Workshop) -> int:
    """A new course workshop to the course's learners; an invitation-only one to its
    invitees. (The app that gathers another audience tells it: mentoring for a pair.)"""
    if workshop.audience == Workshop.Audience.COURSE and workshop.course_id:
        return announce_workshop(workshop, enrolled_user_ids(workshop.course.specific))
    if workshop.audience == Workshop.Audience.INVITED:
        return announce_workshop(workshop, workshop.invitees.values_list("pk", flat=True))
    return 0


def _registrants(workshop: Workshop) -> list[int]:
    return list(workshop.registrations.values_list("user_id", flat=True))


def announce_moved(workshop: Workshop) -> int:
    """Tell the people registered that the workshop starts at another time."""
    return notify(
        "workshop_changed",
        _registrants(workshop),
        event=f"workshop:{workshop.pk}:moved:{workshop.starts_at.isoformat()}",
        about=_about(workshop),
        params=_params(workshop),
        url=workshop.get_absolute_url(),
    )


def announce_cancelled(workshop: Workshop, user_ids: list[int]) -> int:
    """Tell the people who were registered that the workshop will not take place."""
    return notify(
        "workshop_cancelled",
        user_ids,
        event=f"workshop:{workshop.uid}:cancelled",
        about=f"workshops.workshop:{workshop.uid}",
        params=_params(workshop),
        url=reverse("workshops:list"),
    )


def remind(workshop: Workshop, user_id: int, which: str) -> int:
    """The 24-hour or 1-hour reminder to one person registered."""
    return notify(
        "workshop_starting",
        [user_id],
        event=f"workshop:{workshop.pk}:starting:{which}:{workshop.starts_at.isoformat()}",
        about=_about(workshop),
        params=_params(workshop),
        url=workshop.get_absolute_url(),
    )
