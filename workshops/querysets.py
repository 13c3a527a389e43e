"""Reusable queries for workshops and room events."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone


class WorkshopQuerySet(models.QuerySet):
    def upcoming(self):
        """Not ended and not yet past their end time, soonest first."""
        return self.exclude(status="ended").filter(ends_at__gt=timezone.now()).order_by("starts_at")

    def past(self):
        return self.filter(Q(status="ended") | Q(ends_at__lte=timezone.now())).order_by(
            "-starts_at"
        )

    def hosted_by(self, user):
        return self.filter(Q(host=user) | Q(co_hosts=user)).distinct()

    def registered_by(self, user):
        return self.filter(registrations__user=user)

    def with_registration_count(self):
        return self.annotate(registration_count=models.Count("registrations", distinct=True))


class RoomEventQuerySet(models.QuerySet):
    def after(self, seq: int):
        return self.filter(seq__gt=seq).order_by("seq")

    def for_payload(self):
        return self.select_related("actor")
