"""What organisations need and offer, and the pairs the matcher must never propose."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Organisation
from accounts.taxonomy import FocusAreaCode, LanguageCode

from ..querysets import MentoringOfferQuerySet, MentoringRequestQuerySet


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
    from ..explain import slot_label

    return [(slot, slot_label(slot)) for slot in AVAILABILITY_SLOTS]


class Listing(models.Model):
    """What requests and offers share: how the organisation works, whether the listing is
    open, and who published it. An organisation has at most one open listing of each kind.

    A concrete listing adds its own ``organisation`` foreign key (the reverse
    names differ: ``mentoring_requests``, ``mentoring_offers``), which the
    shared constraint uses.
    """

    working_languages = models.JSONField(_("working languages"), default=list)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.EITHER)
    availability = models.JSONField(_("availability"), default=list, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(is_open=True),
                name="%(app_label)s_one_open_%(class)s_per_organisation",
            ),
        ]

    @property
    def working_language_labels(self) -> list[str]:
        return [str(LanguageCode(code).label) for code in self.working_languages]


class MentoringRequest(Listing):
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

    objects = MentoringRequestQuerySet.as_manager()

    class Meta(Listing.Meta):
        verbose_name = _("mentoring request")
        verbose_name_plural = _("mentoring requests")

    def __str__(self) -> str:
        return str(_("Request from %(organisation)s") % {"organisation": self.organisation})

    @property
    def need_items(self) -> list[tuple[str, str]]:
        """(focus-area label, priority label), most important first."""
        order = {Priority.MUST: 0, Priority.WANT: 1, Priority.NICE: 2}
        items = sorted(self.needs.items(), key=lambda item: (order.get(item[1], 9), item[0]))
        return [(str(FocusAreaCode(code).label), str(Priority(p).label)) for code, p in items]


class MentoringOffer(Listing):
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

    objects = MentoringOfferQuerySet.as_manager()

    class Meta(Listing.Meta):
        verbose_name = _("mentoring offer")
        verbose_name_plural = _("mentoring offers")

    def __str__(self) -> str:
        return str(_("Offer from %(organisation)s") % {"organisation": self.organisation})

    @property
    def focus_area_labels(self) -> list[str]:
        return [str(FocusAreaCode(code).label) for code in self.focus_areas]


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
