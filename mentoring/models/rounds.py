"""Matching rounds and the pairs they propose."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .listings import MentoringOffer, MentoringRequest


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
