"""Reusable queries for mentoring models."""

from django.db import models
from django.db.models import Q


class MentoringRequestQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)

    def eligible(self):
        """Open requests without a proposed or active pair: the ones a round may match."""
        return self.open().exclude(pairs__status__in=["proposed", "active"])


class MentoringOfferQuerySet(models.QuerySet):
    def open(self):
        return self.filter(is_open=True)

    def with_load(self):
        """Annotate ``load``: pairs that are proposed or active and use a place."""
        return self.annotate(
            load=models.Count("pairs", filter=Q(pairs__status__in=["proposed", "active"]))
        )


class MentoringPairQuerySet(models.QuerySet):
    def for_member(self, user):
        """Pairs in which ``user`` belongs to either organisation."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            Q(mentee__memberships__user=user) | Q(mentor__memberships__user=user)
        ).distinct()

    def live(self):
        return self.filter(status__in=["proposed", "active"])
