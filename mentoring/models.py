"""Mentoring: what organisations need and offer, matching rounds, and pairs.

A new organisation publishes a :class:`MentoringRequest`; an established one
publishes a :class:`MentoringOffer`. An admin runs a :class:`MatchingRound`,
which stores one :class:`MatchProposal` per proposed pair; approving the round
turns each proposal into a :class:`MentoringPair` that both organisations
accept or decline. Every state change goes through ``mentoring.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation
from accounts.taxonomy import FocusAreaCode, LanguageCode

from .querysets import MentoringOfferQuerySet, MentoringPairQuerySet, MentoringRequestQuerySet

# ---------------------------------------------------------------------------
# Vocabularies
# ---------------------------------------------------------------------------


class Priority(models.TextChoices):
    MUST = "must", _("Must have")
    WANT = "want", _("Want")
    NICE = "nice", _("Nice to have")


class Mode(models.TextChoices):
    ONLINE = "online", _("Online")
    IN_PERSON = "in-person", _("In person")
    EITHER = "either", _("Online or in person")


WEEKDAYS = [
    ("mon", pgettext_lazy("weekday", "Monday")),
    ("tue", pgettext_lazy("weekday", "Tuesday")),
    ("wed", pgettext_lazy("weekday", "Wednesday")),
    ("thu", pgettext_lazy("weekday", "Thursday")),
    ("fri", pgettext_lazy("weekday", "Friday")),
    ("sat", pgettext_lazy("weekday", "Saturday")),
    ("sun", pgettext_lazy("weekday", "Sunday")),
]
DAY_PARTS = [
    ("am", pgettext_lazy("part of day", "morning")),
    ("pm", pgettext_lazy("part of day", "afternoon")),
    ("eve", pgettext_lazy("part of day", "evening")),
]
#: Availability is a set of slot codes such as ``"tue-am"`` (Tuesday morning).
AVAILABILITY_SLOTS = [f"{day}-{part}" for day, _day in WEEKDAYS for part, _part in DAY_PARTS]


def availability_choices() -> list[tuple[str, str]]:
    from .explain import slot_label

    return [(slot, slot_label(slot)) for slot in AVAILABILITY_SLOTS]


class Side(models.TextChoices):
    MENTEE = "mentee", _("Organisation being mentored")
    MENTOR = "mentor", _("Mentoring organisation")


# ---------------------------------------------------------------------------
# Needs and offers
# ---------------------------------------------------------------------------


class MentoringRequest(models.Model):
    """What an organisation wants to learn, and how it can work with a mentor.

    ``needs`` maps focus-area codes to priorities, for example
    ``{"financial-management": "must", "fundraising": "want"}``.
    An organisation has at most one open request.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mentoring_requests",
        verbose_name=_("organisation"),
    )
    needs = models.JSONField(_("needs"), default=dict)
    goals = models.TextField(
        _("goals"),
        max_length=2000,
        help_text=_("In your own words: what do you want to be able to do after the mentoring?"),
    )
    working_languages = models.JSONField(_("working languages"), default=list)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.EITHER)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentoringRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_open=True),
                name="mentoring_one_open_request_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Request from %(organisation)s") % {"organisation": self.organisation})

    @property
    def need_items(self) -> list[tuple[str, str]]:
        """(focus-area label, priority label), most important first."""
        order = {Priority.MUST: 0, Priority.WANT: 1, Priority.NICE: 2}
        items = sorted(self.needs.items(), key=lambda item: (order.get(item[1], 9), item[0]))
        return [(str(FocusAreaCode(code).label), str(Priority(p).label)) for code, p in items]

    @property
    def working_language_labels(self) -> list[str]:
        return [str(LanguageCode(code).label) for code in self.working_languages]


class MentoringOffer(models.Model):
    """What an established organisation can mentor in, who mentors, and for how many."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mentoring_offers",
        verbose_name=_("organisation"),
    )
    focus_areas = models.JSONField(_("focus areas"), default=list)
    mentors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="mentoring_offers_as_mentor",
        verbose_name=_("mentors"),
        blank=True,
    )
    capacity = models.PositiveSmallIntegerField(
        _("capacity"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
        help_text=_("How many organisations you can mentor at the same time."),
    )
    description = models.TextField(
        _("what you offer"),
        max_length=2000,
        blank=True,
        help_text=_("For example: how you learned it, what you can share, how often you can meet."),
    )
    working_languages = models.JSONField(_("working languages"), default=list)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.EITHER)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MentoringOfferQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mentoring offer")
        verbose_name_plural = _("mentoring offers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_open=True),
                name="mentoring_one_open_offer_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Offer from %(organisation)s") % {"organisation": self.organisation})

    @property
    def focus_area_labels(self) -> list[str]:
        return [str(FocusAreaCode(code).label) for code in self.focus_areas]

    @property
    def working_language_labels(self) -> list[str]:
        return [str(LanguageCode(code).label) for code in self.working_languages]


class MentoringExclusion(models.Model):
    """Two organisations the matcher must never pair, in either direction.

    Declared as a conflict of interest by either side (or an admin), or
    recorded automatically when one side declines a proposed pair.
    """

    class Kind(models.TextChoices):
        CONFLICT = "conflict", _("Conflict of interest")
        DECLINED = "declined", _("Declined before")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="mentoring_exclusions",
        verbose_name=_("declared by"),
    )
    other_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("never pair with"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.CONFLICT)
    reason = models.TextField(_("reason"), max_length=1000, blank=True)
    pair = models.ForeignKey(
        "MentoringPair", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("mentoring exclusion")
        verbose_name_plural = _("mentoring exclusions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "other_organisation", "kind"],
                name="mentoring_exclusion_unique",
            ),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("other_organisation")),
                name="mentoring_exclusion_not_self",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ≠ {self.other_organisation} ({self.get_kind_display()})"


# ---------------------------------------------------------------------------
# Matching rounds
# ---------------------------------------------------------------------------


def _weight_field(label, default):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )


class MatchingRound(models.Model):
    """One run of the matcher over every open request and offer, reviewed by an admin."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Open, not run yet")
        PROPOSED = "proposed", _("Proposals under review")
        APPROVED = "approved", _("Approved and published")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    weight_focus = _weight_field(_("weight: shared focus"), 5)
    weight_province = _weight_field(_("weight: same or adjacent province"), 2)
    weight_availability = _weight_field(_("weight: shared availability"), 2)
    weight_maturity = _weight_field(_("weight: experience gap"), 1)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    #: ``[{"request": id, "reason": code}]`` from the last run.
    unmatched = models.JSONField(default=list, blank=True)
    #: The fairness report of the last run (see ``mentoring.matcher.Fairness``).
    fairness = models.JSONField(default=dict, blank=True)
    #: ``[[request_id, offer_id], ...]`` pairs the admin removed; re-runs avoid them.
    removed_pairs = models.JSONField(default=list, blank=True)
    run_count = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    run_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("matching round")
        verbose_name_plural = _("matching rounds")
        permissions = [("run_matching", _("Can open, run and approve matching rounds"))]

    def __str__(self) -> str:
        return self.name

    @property
    def weights(self) -> dict[str, int]:
        return {
            "focus": self.weight_focus,
            "province": self.weight_province,
            "availability": self.weight_availability,
            "maturity": self.weight_maturity,
        }

    @property
    def is_editable(self) -> bool:
        return self.status in {self.Status.DRAFT, self.Status.PROPOSED}


class MatchProposal(models.Model):
    """A pair the matcher (or an admin) proposes in a round, with its score and reasons.

    ``score`` is in tenths of a point (0–1000 means 0–100); ``breakdown`` holds
    each component in the same unit; ``reasons`` is the structured explanation
    that ``mentoring.explain`` renders in either language.
    """

    round = models.ForeignKey(
        MatchingRound, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("round")
    )
    request = models.ForeignKey(
        MentoringRequest, on_delete=models.CASCADE, related_name="proposals"
    )
    offer = models.ForeignKey(MentoringOffer, on_delete=models.CASCADE, related_name="proposals")
    score = models.PositiveIntegerField(_("score"), default=0)
    breakdown = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    locked = models.BooleanField(
        _("locked"), default=False, help_text=_("Kept as it is when the round is run again.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score", "request_id"]
        verbose_name = _("match proposal")
        verbose_name_plural = _("match proposals")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "request"], name="mentoring_one_proposal_per_request"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.request.organisation} ← {self.offer.organisation}"

    @property
    def score_display(self) -> str:
        return f"{self.score / 10:.1f}"

    score_display.fget.short_description = _("score")  # its column's heading in the admin


# ---------------------------------------------------------------------------
# Pairs and their shared work
# ---------------------------------------------------------------------------


class MentoringPair(models.Model):
    """An approved match between a mentee organisation and a mentor organisation.

    Lifecycle (only through ``mentoring.services.transition``)::

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
