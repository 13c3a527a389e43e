"""Each person's private calendar feed of the workshops they registered for."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from django.http import Http404
from django.utils import timezone

from ..models import CalendarFeed, Workshop

if TYPE_CHECKING:
    from accounts.models import User


def calendar_feed_for(user: User) -> CalendarFeed:
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


def reset_calendar_feed(user: User) -> CalendarFeed:
    """Give ``user`` a new feed address; the old one stops working at once."""
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


def get_feed_user(token: str):
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
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
