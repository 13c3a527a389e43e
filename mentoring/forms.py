"""Forms for needs, offers, answers and the pair's shared page.

Forms only parse and check the shape of what was typed; the services in
``mentoring.services`` decide what is allowed and write.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.taxonomy import FocusAreaCode, LanguageCode

from .models import (
    DAY_PARTS,
    WEEKDAYS,
    GoalProgress,
    MatchingRound,
    Mode,
    Priority,
    availability_choices,
)

NEED_PREFIX = "need_"


class DateInput(forms.DateInput):
    input_type = "date"


class _WorkingFields(forms.Form):
    """Languages, mode and availability, shared by requests and offers."""

    working_languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=LanguageCode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one working language.")},
    )
    mode = forms.ChoiceField(
        label=_("How do you want to work?"),
        choices=Mode.choices,
        widget=forms.RadioSelect,
        initial=Mode.EITHER,
        help_text=_("In person is only proposed within the same or a neighbouring province."),
    )
    availability = forms.MultipleChoiceField(
        label=_("When are you usually free?"),
        choices=(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Tick the parts of the week that usually suit you."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["availability"].choices = availability_choices()

    def availability_grid(self):
        """Rows of (day label, [(part label, checkbox)]) for a compact week table."""
        boxes = {box.data["value"]: box for box in self["availability"]}
        return [
            (
                day_label,
                [(part_label, boxes.get(f"{day}-{part}")) for part, part_label in DAY_PARTS],
            )
            for day, day_label in WEEKDAYS
        ]

    def day_part_labels(self) -> list[str]:
        return [label for _part, label in DAY_PARTS]

    def common_data(self) -> dict:
        return {
            "working_languages": list(self.cleaned_data["working_languages"]),
            "mode": self.cleaned_data["mode"],
            "availability": list(self.cleaned_data.get("availability") or []),
        }


class RequestForm(_WorkingFields):
    goals = forms.CharField(
        label=_("Your goals"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In your own words: what do you want to be able to do after the mentoring?"),
    )

    field_order = ["goals"]

    def __init__(self, *args, instance=None, organisation=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if instance is not None:
            initial.update(
                {
                    "goals": instance.goals,
                    "working_languages": instance.working_languages,
                    "mode": instance.mode,
                    "availability": instance.availability,
                    **{f"{NEED_PREFIX}{code}": p for code, p in instance.needs.items()},
                }
            )
        elif organisation is not None:
            initial.setdefault("working_languages", organisation.working_languages)
        super().__init__(*args, initial=initial, **kwargs)
        for code, label in FocusAreaCode.choices:
            self.fields[f"{NEED_PREFIX}{code}"] = forms.ChoiceField(
                label=label,
                choices=[("", _("Not needed")), *Priority.choices],
                required=False,
            )

    def need_fields(self):
        return [self[f"{NEED_PREFIX}{code}"] for code in FocusAreaCode.values]

    def clean(self):
        cleaned = super().clean()
        if not any(cleaned.get(f"{NEED_PREFIX}{code}") for code in FocusAreaCode.values):
            raise forms.ValidationError(
                _("Choose at least one focus area you need help with, and how much.")
            )
        return cleaned

    def service_kwargs(self) -> dict:
        needs = {
            code: self.cleaned_data[f"{NEED_PREFIX}{code}"]
            for code in FocusAreaCode.values
            if self.cleaned_data.get(f"{NEED_PREFIX}{code}")
        }
        return {"needs": needs, "goals": self.cleaned_data["goals"], **self.common_data()}


class OfferForm(_WorkingFields):
    focus_areas = forms.MultipleChoiceField(
        label=_("Focus areas you can mentor in"),
        choices=FocusAreaCode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one focus area you can mentor in.")},
    )
    mentors = forms.ModelMultipleChoiceField(
        label=_("Mentors"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Members of your organisation who will mentor."),
        error_messages={"required": _("Name at least one mentor from your organisation.")},
    )
    capacity = forms.IntegerField(
        label=_("How many organisations can you mentor at the same time?"),
        min_value=1,
        max_value=20,
        initial=1,
        error_messages={
            "min_value": _("Capacity must be between 1 and 20 organisations."),
            "max_value": _("Capacity must be between 1 and 20 organisations."),
        },
    )
    description = forms.CharField(
        label=_("What you offer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: how you learned it, what you can share, how often you can meet."),
    )

    field_order = ["focus_areas", "mentors", "capacity", "description"]

    def __init__(self, *args, organisation, instance=None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if instance is not None:
            initial.update(
                {
                    "focus_areas": instance.focus_areas,
                    "mentors": list(instance.mentors.all()),
                    "capacity": instance.capacity,
                    "description": instance.description,
                    "working_languages": instance.working_languages,
                    "mode": instance.mode,
                    "availability": instance.availability,
                }
            )
        else:
            initial.setdefault("working_languages", organisation.working_languages)
        super().__init__(*args, initial=initial, **kwargs)
        from accounts.models import User

        self.fields["mentors"].queryset = User.objects.filter(
            memberships__organisation=organisation
        ).order_by("display_name")
        self.fields["mentors"].label_from_instance = lambda user: user.display_name
        self.fields["capacity"].widget.attrs.update({"inputmode": "numeric"})

    def service_kwargs(self) -> dict:
        return {
            "focus_areas": list(self.cleaned_data["focus_areas"]),
            "mentors": list(self.cleaned_data["mentors"]),
            "capacity": self.cleaned_data["capacity"],
            "description": self.cleaned_data.get("description", ""),
            **self.common_data(),
        }


class ConflictForm(forms.Form):
    other_organisation = forms.ModelChoiceField(
        label=_("Never pair us with"), queryset=None, empty_label=_("Choose an organisation")
    )
    reason = forms.CharField(
        label=_("Reason (only admins see it)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other_organisation"].queryset = candidates
        self.fields["other_organisation"].label_from_instance = lambda o: o.display_name


class DeclineForm(forms.Form):
    prefix = "decline"  # several forms share the pair page; keep their ids apart
    reason = forms.CharField(
        label=_("Why do you decline? (optional)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("You will not be proposed to this organisation again."),
    )


class EndForm(forms.Form):
    prefix = "end"
    reason = forms.CharField(
        label=_("Why does the mentoring end early?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason for ending the mentoring early.")},
    )


class CompleteForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How useful was the mentoring?"),
        choices=[
            (5, _("5 – very useful")),
            (4, _("4 – useful")),
            (3, _("3 – somewhat useful")),
            (2, _("2 – not very useful")),
            (1, _("1 – not useful")),
        ],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Give a rating from 1 to 5.")},
    )
    feedback = forms.CharField(
        label=_("What worked, and what would you change?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class GoalForm(forms.Form):
    prefix = "goal"
    title = forms.CharField(label=_("Goal"), max_length=200)
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DateInput)
    description = forms.CharField(
        label=_("Details"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


PROGRESS_PREFIX = "progress_"


class CheckInForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=DateInput)
    covered = forms.CharField(
        label=_("What did you cover?"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, goals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.goals = list(goals)
        for goal in self.goals:
            self.fields[f"{PROGRESS_PREFIX}{goal.pk}"] = forms.ChoiceField(
                label=goal.title,
                choices=[("", _("No update")), *GoalProgress.Status.choices],
                required=False,
            )

    def progress_fields(self):
        return [self[f"{PROGRESS_PREFIX}{goal.pk}"] for goal in self.goals]

    def service_kwargs(self) -> dict:
        progress = {
            goal.pk: (self.cleaned_data[f"{PROGRESS_PREFIX}{goal.pk}"], "")
            for goal in self.goals
            if self.cleaned_data.get(f"{PROGRESS_PREFIX}{goal.pk}")
        }
        return {
            "date": self.cleaned_data["date"],
            "covered": self.cleaned_data["covered"],
            "progress": progress,
        }


class ResourceForm(forms.Form):
    prefix = "resource"
    title = forms.CharField(label=_("Title"), max_length=200)
    url = forms.URLField(
        label=_("Link"),
        required=False,
        assume_scheme="https",
        help_text=_("Share a link, or attach a file below."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        help_text=_("PDF, office documents, images, audio or ZIP; at most 10 MB."),
    )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("url")) == bool(cleaned.get("file")):
            raise forms.ValidationError(_("Share either a link or a file."))
        return cleaned


# ---------------------------------------------------------------------------
# Admin
# ---------------------------------------------------------------------------


class RoundForm(forms.ModelForm):
    class Meta:
        model = MatchingRound
        fields = [
            "name",
            "weight_focus",
            "weight_province",
            "weight_availability",
            "weight_maturity",
            "notes",
        ]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "weight_focus": _("0–10. How much covering the needs counts."),
            "weight_province": _(
                "0–10. How much being in the same or a neighbouring province counts."
            ),
            "weight_availability": _("0–10. How much shared free time counts."),
            "weight_maturity": _("0–10. How much the mentor's extra experience counts."),
        }

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)
