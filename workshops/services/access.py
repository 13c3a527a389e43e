"""Who may see, join, host and schedule a workshop; fetching one for a person or 404.

The audiences other apps gather (a mentoring pair's two organisations) are
answered by whoever registered them through ``lms_workshop_audiences``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q
from django.http import Http404

from courses.services import enrolled_course_keys, get_enrolment
from lms import hooks

from ..models import Participant, Registration, Workshop

if TYPE_CHECKING:
    from accounts.models import User


def is_host(user: User, workshop: Workshop) -> bool:
    if not user.is_authenticated:
        return False
    return workshop.host_id == user.pk or workshop.co_hosts.filter(pk=user.pk).exists()


def can_schedule(user: User) -> bool:
    """Mentors (the ``host_workshop`` permission) and staff schedule workshops."""
    return user.is_authenticated and (user.is_staff or user.has_perm("workshops.host_workshop"))


def mentors_group():
    """The "Mentors" group, whose members schedule and host workshops (made by a migration;
    made again here if it was removed)."""
    from django.contrib.auth.models import Group, Permission

    group, _created = Group.objects.get_or_create(name="Mentors")
    permission = Permission.objects.filter(
        content_type__app_label="workshops", codename="host_workshop"
    ).first()
    if permission is not None:
        group.permissions.add(permission)
    return group


def _enrolled_in_course(user: User, workshop: Workshop) -> bool:
    if workshop.course_id is None:
        return False
    return get_enrolment(user, workshop.course) is not None


def in_audience(user: User, workshop: Workshop) -> bool:
    """The audience rule alone (hosts aside)."""
    if not user.is_authenticated or not user.is_active:
        return False
    audience = workshop.audience
    if audience == Workshop.Audience.SIGNED_IN:
        return True
    if audience == Workshop.Audience.INVITED:
        return workshop.invitees.filter(pk=user.pk).exists()
    if audience == Workshop.Audience.COURSE:
        return _enrolled_in_course(user, workshop)
    registered = hooks.workshop_audience(audience)
    if registered is not None:
        return registered.includes(user, workshop)
    return False


def may_see(user: User, workshop: Workshop) -> bool:
    """Who may see a workshop's page: its hosts and its audience."""
    return is_host(user, workshop) or in_audience(user, workshop)


def may_join(user: User, workshop: Workshop) -> bool:
    """Who may connect to the room: hosts, and the audience unless removed or shut out by
    capacity (a registered person always has a place)."""
    if is_host(user, workshop):
        return True
    if not in_audience(user, workshop):
        return False
    if Participant.objects.filter(workshop=workshop, user=user, is_removed=True).exists():
        return False
    if Registration.objects.filter(workshop=workshop, user=user).exists():
        return True
    return workshop.is_ended or seats_left(workshop) > 0


def get_workshop_for_user(user: User, pk: int) -> Workshop:
    """The workshop if ``user`` may see it; 404 for everyone else."""
    workshop = Workshop.objects.select_related("host").filter(pk=pk).first()
    if workshop is None or not may_see(user, workshop):
        raise Http404
    return workshop


def get_workshop_for_host(user: User, pk: int) -> Workshop:
    """The workshop if ``user`` hosts it; 404 otherwise."""
    workshop = Workshop.objects.select_related("host").filter(pk=pk).first()
    if workshop is None or not is_host(user, workshop):
        raise Http404
    return workshop


def visible_upcoming_for(user: User, limit: int | None = None, course_page=None) -> list[Workshop]:
    """Upcoming workshops ``user`` may see, with their registration state.

    A constant number of queries whatever the number of workshops.
    """
    if not user.is_authenticated:
        return []
    audience = Q(audience=Workshop.Audience.SIGNED_IN) | Q(
        audience=Workshop.Audience.INVITED, invitees=user
    )
    audience |= Q(host=user) | Q(co_hosts=user)
    course_keys = enrolled_course_keys(user)
    audience |= Q(audience=Workshop.Audience.COURSE, course__translation_key__in=course_keys)
    for other in hooks.workshop_audiences():
        audience |= Q(audience=other.key, pk__in=other.workshop_ids(user))
    workshops = Workshop.objects.upcoming().filter(audience).distinct().select_related("host")
    if course_page is not None:
        workshops = workshops.filter(course_filter(course_page))
    if limit:
        workshops = workshops[:limit]
    workshops = list(workshops)
    registered = set(
        Registration.objects.filter(user=user, workshop__in=workshops).values_list(
            "workshop_id", flat=True
        )
    )
    for workshop in workshops:
        workshop.is_registered = workshop.pk in registered
    return workshops


def course_filter(course_page) -> Q:
    """Workshops of ``course_page`` or of any of its translations."""
    return Q(course__translation_key=course_page.translation_key)


def host_ids(workshop: Workshop) -> set[int]:
    """The user ids of the workshop's host and co-hosts."""
    ids = set(workshop.co_hosts.values_list("pk", flat=True))
    if workshop.host_id:
        ids.add(workshop.host_id)
    return ids


def seats_left(workshop: Workshop) -> int:
    return workshop.capacity - workshop.registrations.count()
