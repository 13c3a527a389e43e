"""Each person's private calendar feed of the workshops they registered for.

The feed's address holds a secret the database does not keep (only its digest),
so the site shows an address once, when it is made; a person who lost it makes a
new one, which also revokes the old (docs/security.md, "Secrets at rest")."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils import timezone

from lms.sealed import digests

from ..models import CalendarFeed, Workshop

if TYPE_CHECKING:
    from accounts.models import User


def calendar_feed_for(user: User) -> CalendarFeed | None:
    """``user``'s feed, if they made one (without its secret: see the module)."""
    return CalendarFeed.objects.filter(user=user).first()


def reset_calendar_feed(user: User) -> CalendarFeed:
    """Give ``user`` a new feed address (its secret in ``.token``, this once); the old
    one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


def get_feed_user(token: str):
    feed = CalendarFeed.objects.select_related("user").filter(token_hash__in=digests(token)).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    return feed.user


def feed_workshops(user: User):
    return (
        Workshop.objects.registered_by(user)
        .filter(starts_at__gte=timezone.now() - timedelta(days=90))
        .select_related("host")
        .order_by("starts_at")
    )
