"""Taking and giving up a place in a workshop."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from ..models import Registration, Workshop
from .access import is_host, may_see, seats_left
from .room.events import lock_room

if TYPE_CHECKING:
    from accounts.models import User


#: While more seats than this are left, taking one needs no lock: far fewer
#: registrations than this are ever in flight at once (each server process
#: runs a handful of database threads), so the count cannot overshoot, and
#: 2,000 people arriving at once do not queue on the room's row lock (which
#: chat needs too). Nearer the limit the lock makes the count exact.
UNLOCKED_SEATS_MARGIN = 64


def register(user: User, workshop: Workshop) -> Registration:
    """Take a place in a workshop (idempotent). Refused when full or not in the audience."""
    if not may_see(user, workshop):
        raise Http404
    if workshop.is_ended:
        raise ValidationError(_("This workshop has ended."))
    existing = Registration.objects.filter(workshop=workshop, user=user).first()
    if existing:
        return existing
    if seats_left(workshop) > UNLOCKED_SEATS_MARGIN:
        registration, _created = Registration.objects.get_or_create(workshop=workshop, user=user)
        return registration
    with transaction.atomic():
        lock_room(workshop.pk)
        existing = Registration.objects.filter(workshop=workshop, user=user).first()
        if existing:
            return existing
        if not is_host(user, workshop) and seats_left(workshop) <= 0:
            raise ValidationError(_("This workshop is full."))
        return Registration.objects.create(workshop=workshop, user=user)


def unregister(user: User, workshop: Workshop) -> None:
    Registration.objects.filter(workshop=workshop, user=user).delete()


def is_registered(user: User, workshop: Workshop) -> bool:
    return (
        user.is_authenticated and Registration.objects.filter(workshop=workshop, user=user).exists()
    )
