"""Pairs and their shared work: plan, check-ins, resources, feedback and workshops."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

from ..querysets import MentoringPairQuerySet
from .listings import MentoringOffer, MentoringRequest
from .rounds import MatchingRound, MatchProposal


class Side(models.TextChoices):
    MENTEE = "mentee", _("Organisation being mentored")
    MENTOR = "mentor", _("Mentoring organisation")


class MentoringPair(models.Model):
    """An approved match between a mentee organisation and a mentor organisation.

    Lifecycle (only through ``mentoring.services.lifecycle``: ``accept_pair``,
    ``decline_pair``, ``complete_pair``, ``end_pair``)::

        proposed ──accept (both)──▶ active ──complete (both)──▶ completed
            │                         │
            └──decline (either)──▶ declined     └──end early──▶ ended
    """

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        DECLINED = "declined", _("Declined")
        ACTIVE = "active", _("Active")
        COMPLETED = "completed", _("Completed")
        ENDED = "ended", _("Ended early")

    LIVE_STATUSES = (Status.PROPOSED, Status.ACTIVE)

    round = models.ForeignKey(
        MatchingRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="pairs",
        verbose_name=_("round"),
    )
    proposal = models.OneToOneField(
        MatchProposal, on_delete=models.SET_NULL, null=True, blank=True, related_name="pair"
    )
    request = models.ForeignKey(MentoringRequest, on_delete=models.RESTRICT, related_name="pairs")
    offer = models.ForeignKey(MentoringOffer, on_delete=models.RESTRICT, related_name="pairs")
    mentee = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mentoring_pairs_as_mentee",
        verbose_name=_("organisation being mentored"),
    )
    mentor = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mentoring_pairs_as_mentor",
        verbose_name=_("mentoring organisation"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED
    )
    score = models.PositiveIntegerField(_("score"), default=0)
    breakdown = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    mentee_accepted_at = models.DateTimeField(null=True, blank=True)
    mentor_accepted_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined at"), null=True, blank=True)
    declined_by_side = models.CharField(max_length=10, choices=Side.choices, blank=True)
    decline_reason = models.TextField(_("reason for declining"), max_length=1000, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_reason = models.TextField(_("reason for ending early"), max_length=1000, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentoringPairQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mentoring pair")
        verbose_name_plural = _("mentoring pairs")
        constraints = [
            models.UniqueConstraint(
                fields=["request"],
                condition=Q(status__in=["proposed", "active"]),
                name="mentoring_one_live_pair_per_request",
            ),
            models.CheckConstraint(
                condition=~Q(mentee=models.F("mentor")), name="mentoring_pair_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor} → {self.mentee}"

    @property
    def score_display(self) -> str:
        return f"{self.score / 10:.1f}"

    score_display.fget.short_description = _("score")  # its column's heading in the admin

    def organisation_for(self, side: str) -> Organisation:
        return self.mentee if side == Side.MENTEE else self.mentor

    def accepted_at(self, side: str):
        return self.mentee_accepted_at if side == Side.MENTEE else self.mentor_accepted_at


class PairFeedback(models.Model):
    """One side's short feedback when the mentoring is completed."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="feedback")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    rating = models.PositiveSmallIntegerField(
        _("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    text = models.TextField(_("feedback"), max_length=2000, blank=True)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["side"]
        verbose_name = _("pair feedback")
        verbose_name_plural = _("pair feedback")
        constraints = [
            models.UniqueConstraint(
                fields=["pair", "side"], name="mentoring_feedback_once_per_side"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pair} – {self.get_side_display()}: {self.rating}/5"


class PlanGoal(models.Model):
    """A goal in the pair's plan, with an optional target date."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="goals")
    title = models.CharField(_("goal"), max_length=200)
    description = models.TextField(_("details"), max_length=2000, blank=True)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = [models.F("target_date").asc(nulls_last=True), "pk"]
        verbose_name = _("plan goal")
        verbose_name_plural = _("plan goals")

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    """A meeting of the pair: when, what was covered, and progress on each goal."""

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="check_ins")
    date = models.DateField(_("date"))
    covered = models.TextField(_("what was covered"), max_length=4000)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")

    def __str__(self) -> str:
        return f"{self.pair} – {self.date}"


class GoalProgress(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not-started", _("Not started")
        IN_PROGRESS = "in-progress", _("In progress")
        DONE = "done", _("Done")

    check_in = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="progress")
    goal = models.ForeignKey(PlanGoal, on_delete=models.CASCADE, related_name="progress")
    status = models.CharField(_("progress"), max_length=12, choices=Status.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["goal_id"]
        verbose_name = _("progress on a goal")
        verbose_name_plural = _("progress on goals")
        constraints = [
            models.UniqueConstraint(
                fields=["check_in", "goal"], name="mentoring_progress_once_per_goal"
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal}: {self.get_status_display()}"


class SharedResource(models.Model):
    """A link or a file shared inside a pair.

    Files live in ``STORAGES["private"]`` under ``file_name`` and are only
    streamed by a view that checks the reader belongs to the pair.
    """

    pair = models.ForeignKey(MentoringPair, on_delete=models.CASCADE, related_name="resources")
    title = models.CharField(_("title"), max_length=200)
    url = models.URLField(_("link"), max_length=500, blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("shared resource")
        verbose_name_plural = _("shared resources")
        constraints = [
            models.CheckConstraint(
                condition=(Q(url="") & ~Q(file_name="")) | (~Q(url="") & Q(file_name="")),
                name="mentoring_resource_link_or_file",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_file(self) -> bool:
        return bool(self.file_name)


class PairWorkshop(models.Model):
    """A private workshop of a pair: only members of its two organisations may join.

    Mentoring owns this link (the workshops app knows nothing of pairs) and
    answers the workshops app's question "who belongs to this audience?"
    through the ``lms_workshop_audiences`` hook.
    """

    pair = models.ForeignKey(
        MentoringPair,
        on_delete=models.CASCADE,
        related_name="workshop_links",
        verbose_name=_("mentoring pair"),
    )
    workshop = models.OneToOneField(
        "workshops.Workshop",
        on_delete=models.CASCADE,
        related_name="mentoring_link",
        verbose_name=_("workshop"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pair workshop")
        verbose_name_plural = _("pair workshops")

    def __str__(self) -> str:
        return f"{self.pair} – {self.workshop}"
