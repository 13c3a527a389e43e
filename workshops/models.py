"""Workshops, their rooms' event logs, registrations, connections and attendance.

A room's history is the ordered list of its ``RoomEvent`` rows. Their ``seq``
numbers are allocated by ``workshops.services.record_event`` (or, for a
person's action, ``claim_next_seq`` in ``services.room.events``) under the
workshop row's lock (``Workshop.last_seq``), so they are gapless and
increasing across every server process; a unique constraint backs that up.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from lms.sealed import digest, new_secret

from .querysets import RoomEventQuerySet, WorkshopQuerySet


class Workshop(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    class Audience(models.TextChoices):
        SIGNED_IN = "signed_in", _("Anyone signed in")
        COURSE = "course", _("Learners enrolled in a course")
        # Gathered by the mentoring app, which links its pairs to their workshops
        # and says who belongs (``lms_workshop_audiences``).
        PAIR = "pair", _("The two organisations of a mentoring pair")
        INVITED = "invited", _("Invited people only")

    title_km = models.CharField(_("title in Khmer"), max_length=200, blank=True)
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    description_km = models.TextField(_("description in Khmer"), blank=True, max_length=4000)
    description_en = models.TextField(_("description in English"), blank=True, max_length=4000)
    host = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("host"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="hosted_workshops",
    )
    co_hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("co-hosts"),
        related_name="co_hosted_workshops",
        blank=True,
    )
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=50,
        help_text=_("Most people who can register, hosts not counted."),
    )
    audience = models.CharField(
        _("who may join"), max_length=20, choices=Audience.choices, default=Audience.SIGNED_IN
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="workshops",
        help_text=_(
            "Attending counts toward this course. Required when only its learners may join."
        ),
    )
    invitees = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited people"),
        related_name="workshop_invitations",
        blank=True,
    )
    video_url = models.URLField(
        _("video-call link"),
        blank=True,
        help_text=_("Optional. Shown to participants in the room only."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True, editable=False)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True, editable=False)
    pinned_notice = models.CharField(max_length=500, blank=True, editable=False)
    # The room's sequence counter: the seq of its newest event. Only
    # ``record_event`` and ``claim_next_seq`` (services.room.events) change it,
    # inside the row lock, in the transaction that stores that event.
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkshopQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("workshop")
        verbose_name_plural = _("workshops")
        permissions = [("host_workshop", _("Can schedule and host live workshops"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="workshops_workshop_ends_after_start",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("workshops:room", args=[self.pk])

    def clean(self):
        errors: dict[str, list] = {}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        if not (self.title_km.strip() or self.title_en.strip()):
            add("title_en", _("Give a title in Khmer, in English or in both."))
        if self.audience == self.Audience.COURSE and not self.course_id:
            add("course", _("Choose the course whose learners may join."))
        if self.starts_at and self.ends_at:
            if self.ends_at <= self.starts_at:
                add("ends_at", _("The end must be after the start."))
            elif self.ends_at - self.starts_at > timedelta(hours=12):
                add("ends_at", _("A workshop lasts at most 12 hours."))
        if errors:
            raise ValidationError(errors)

    @property
    def title(self) -> str:
        if (get_language() or "km").startswith("km"):
            return self.title_km or self.title_en
        return self.title_en or self.title_km

    title.fget.short_description = _("title")  # its column's heading in the admin

    @property
    def description(self) -> str:
        if (get_language() or "km").startswith("km"):
            return self.description_km or self.description_en
        return self.description_en or self.description_km

    @property
    def duration_minutes(self) -> int:
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    @property
    def is_ended(self) -> bool:
        return self.status == self.Status.ENDED

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def is_upcoming(self) -> bool:
        return self.status != self.Status.ENDED and self.ends_at > timezone.now()


class Registration(models.Model):
    """A person's place in a workshop: reminders and the calendar feed use it."""

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_registrations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    reminded_24h_at = models.DateTimeField(null=True, blank=True)
    reminded_1h_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="workshops_registration_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.workshop}"


class Participant(models.Model):
    """A person in a room: the name others see and the host's decisions about them.

    Created on first connection. Its ``pk`` is the participant id of the
    protocol, so user ids are never sent to other people.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_participations"
    )
    display_name = models.CharField(max_length=80)
    is_muted = models.BooleanField(default=False)
    is_removed = models.BooleanField(default=False)
    hand_raised = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="workshops_participant_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name


class RoomEvent(models.Model):
    """One stored event of a room. Never updated: later events refer to it by ``seq``."""

    class Kind(models.TextChoices):
        CHAT_MESSAGE = "chat.message", _("Chat message")
        CHAT_DELETED = "chat.deleted", _("Message deleted")
        HAND_RAISED = "hand.raised", _("Hand raised")
        HAND_LOWERED = "hand.lowered", _("Hand lowered")
        QUESTION_ASKED = "question.asked", _("Question asked")
        QUESTION_UPVOTED = "question.upvoted", _("Question upvoted")
        QUESTION_ANSWERED = "question.answered", _("Question answered")
        POLL_OPENED = "poll.opened", _("Poll opened")
        POLL_VOTED = "poll.voted", _("Poll vote")
        POLL_CLOSED = "poll.closed", _("Poll closed")
        PARTICIPANT_MUTED = "participant.muted", _("Participant muted")
        PARTICIPANT_UNMUTED = "participant.unmuted", _("Participant unmuted")
        PARTICIPANT_REMOVED = "participant.removed", _("Participant removed")
        WORKSHOP_STARTED = "workshop.started", _("Workshop started")
        WORKSHOP_ENDED = "workshop.ended", _("Workshop ended")
        NOTICE_PINNED = "notice.pinned", _("Notice pinned")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=32, choices=Kind.choices)
    actor = models.ForeignKey(
        Participant, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    client_id = models.CharField(max_length=64, blank=True)
    # Refers to an earlier event (the message deleted, the question upvoted,
    # the poll voted in), so that state queries stay indexed.
    target_seq = models.PositiveBigIntegerField(null=True, blank=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(default=timezone.now)

    objects = RoomEventQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "seq"]
        verbose_name = _("room event")
        verbose_name_plural = _("room events")
        constraints = [
            models.UniqueConstraint(fields=["workshop", "seq"], name="workshops_event_seq_unique"),
            models.UniqueConstraint(
                fields=["workshop", "actor", "client_id"],
                condition=~Q(client_id=""),
                name="workshops_event_client_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["workshop", "kind", "target_seq"])]

    def __str__(self) -> str:
        return f"{self.workshop_id}#{self.seq} {self.kind}"


class Connection(models.Model):
    """One WebSocket connection to a room: presence and attendance come from these.

    ``process`` names the server process (its :class:`RoomProcess`) holding
    the connection. That process moves ``last_seen_at`` for all its open
    connections at once (attendance counts from it) and its own heartbeat
    row says it is alive: when the row goes stale, another process closes
    its connections (see ``workshops.services.room.presence``). A connection
    whose person stopped pinging is closed by its own process.
    """

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="connections")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="connections"
    )
    channel_name = models.CharField(max_length=200)
    joined_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    left_at = models.DateTimeField(null=True, blank=True)
    process = models.CharField(max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("connection")
        verbose_name_plural = _("connections")
        indexes = [
            models.Index(fields=["workshop", "left_at", "last_seen_at"]),
            models.Index(
                fields=["process"],
                condition=Q(left_at__isnull=True),
                name="workshops_open_conn_process",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.joined_at:%Y-%m-%d %H:%M}"


class RoomProcess(models.Model):
    """A server process holding room connections, and when it last said it was alive."""

    key = models.CharField(max_length=32, primary_key=True)
    beat_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("room server process")
        verbose_name_plural = _("room server processes")

    def __str__(self) -> str:
        return self.key


class Attendance(models.Model):
    """A person's attendance of one workshop, computed from their connections."""

    workshop = models.ForeignKey(
        Workshop,
        verbose_name=_("workshop"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="workshop_attendances",
    )
    first_joined_at = models.DateTimeField(_("first joined at"))
    last_left_at = models.DateTimeField(_("last left at"))
    minutes = models.PositiveIntegerField(_("minutes present"), default=0)
    attended = models.BooleanField(
        _("attended"), default=False, help_text=_("Present long enough to count toward a course.")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "user"], name="workshops_attendance_unique"
            ),
        ]

    def __str__(self) -> str:
        return _("%(user)s – %(workshop)s (%(minutes)s min)") % {
            "user": self.user,
            "workshop": self.workshop,
            "minutes": self.minutes,
        }


def _feed_token() -> str:
    # Only the first migration refers to it (the token column it made is gone).
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A private calendar address for one person. Replacing the token revokes the old one.

    The address's secret is not kept: only its digest (``lms.sealed.digest``). The
    instance that made it carries it as ``token``, to show it to its owner once.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="workshop_calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"{self.user}"

    def save(self, *args, **kwargs):
        if not self.token_hash:
            self.new_token()
        super().save(*args, **kwargs)

    def new_token(self) -> str:
        """A new secret for the address (set as ``self.token``); the row keeps its digest."""
        self.token = new_secret()
        self.token_hash = digest(self.token)
        return self.token
