"""A person's notices and their choice, per kind, of how to be told."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import kinds
from .kinds import Channel


class Notice(models.Model):
    """One thing that happened that waits on one person.

    ``event`` names the event (``"certificate:42:issued"``): with the
    recipient and the kind it is unique, so that a retried task or a second
    call for the same event creates nothing. ``about`` names the object the
    notice is about (``"certificates.certificate:42"``). The words are not
    stored: ``params`` fills the kind's templates in the reader's language
    when the notice is shown (``notifications.rendering``).
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notices"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=kinds.KEY_CHOICES)
    event = models.CharField(max_length=200)
    about = models.CharField(max_length=200, blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "event"], name="notifications_notice_once_per_event"
            ),
        ]
        indexes = [
            models.Index(
                fields=["recipient", "-created_at"],
                name="notifications_notice_inbox",
            ),
            models.Index(
                fields=["recipient"],
                condition=models.Q(read_at__isnull=True),
                name="notifications_notice_unread",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id} ({self.event})"


class Preference(models.Model):
    """How a person wants to hear of one kind of notice (the kind's default otherwise)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=kinds.KEY_CHOICES)
    channel = models.CharField(_("how"), max_length=10, choices=Channel.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notifications_preference_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} → {self.channel}"
