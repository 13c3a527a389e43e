"""Forms for mentors scheduling workshops, and for posting without JavaScript."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

from accounts.models import User

from . import services
from .models import Workshop

# How many addresses a person may look up in the co-host and invitee fields an
# hour (addresses already on the workshop are not counted). Past it, the form
# says so whether or not the addresses have accounts: the field must not become
# a way to learn, address after address, who uses the platform.
ADDRESS_LOOKUPS_PER_HOUR = 40
MAX_ADDRESSES = 50


class PeopleByEmailField(forms.CharField):
    """E-mail addresses, one per line or comma-separated; the form finds their people."""

    widget = forms.Textarea(attrs={"rows": 3})

    def to_python(self, value):
        value = super().to_python(value) or ""
        emails = list(
            dict.fromkeys(e.strip() for e in value.replace(",", "\n").splitlines() if e.strip())
        )
        if len(emails) > MAX_ADDRESSES:
            raise ValidationError(
                _("Give at most %(count)s addresses."), params={"count": MAX_ADDRESSES}
            )
        return emails


def lookups_exhausted(request, count: int) -> bool:
    """Count ``count`` address lookups for the person signed in; True past the limit."""
    limited = False
    for _i in range(count):
        limited |= is_ratelimited(
            request,
            group="workshops.address_lookup",
            key="user",
            rate=f"{ADDRESS_LOOKUPS_PER_HOUR}/h",
            increment=True,
        )
    return limited


def https_url_fields(db_field, **kwargs):
    """Model fields to form fields, with links typed without a scheme taken as https
    (Django 6's default; saying so now also silences 5.2's deprecation warning)."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class WorkshopForm(forms.ModelForm):
    co_host_emails = PeopleByEmailField(
        label=_("Co-hosts"),
        required=False,
        help_text=_("E-mail addresses of people who host with you, one per line."),
    )
    invitee_emails = PeopleByEmailField(
        label=_("Invited people"),
        required=False,
        help_text=_("For an invited-only workshop: e-mail addresses, one per line."),
    )

    class Meta:
        model = Workshop
        formfield_callback = https_url_fields
        fields = [
            "title_km",
            "title_en",
            "description_km",
            "description_en",
            "starts_at",
            "ends_at",
            "capacity",
            "audience",
            "video_url",
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "ends_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description_km": forms.Textarea(attrs={"rows": 4}),
            "description_en": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"starts_at": _("Cambodia time (Asia/Phnom_Penh).")}

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if self.instance.pk:
            self.fields["co_host_emails"].initial = "\n".join(
                self.instance.co_hosts.values_list("email", flat=True)
            )
            if "invitee_emails" in self.fields:
                self.fields["invitee_emails"].initial = "\n".join(
                    self.instance.invitees.values_list("email", flat=True)
                )
        # Course and pair audiences are chosen in the admin, where the course or
        # pair is picked too.
        if "audience" not in self.fields:
            return
        self.fields["audience"].choices = [
            c
            for c in Workshop.Audience.choices
            if c[0] in (Workshop.Audience.SIGNED_IN, Workshop.Audience.INVITED)
            or c[0] == self.instance.audience
        ]

    def clean_co_host_emails(self):
        current = self.instance.co_hosts.all() if self.instance.pk else User.objects.none()
        return self._people("co_host_emails", current)

    def clean_invitee_emails(self):
        current = self.instance.invitees.all() if self.instance.pk else User.objects.none()
        return self._people("invitee_emails", current)

    def _people(self, name: str, current) -> list[User]:
        """The active accounts of the typed addresses. Looking up addresses not
        already on the workshop is rate-limited per person (see above)."""
        emails = self.cleaned_data[name]
        known = {email.lower() for email in current.values_list("email", flat=True)}
        new = [e for e in emails if e.lower() not in known]
        if new and lookups_exhausted(self.request, len(new)):
            raise ValidationError(
                _(
                    "You looked up many addresses in a short time. Try again in an hour, "
                    "or ask an administrator to add these people in the admin."
                )
            )
        users = list(User.objects.filter(email__in=emails, is_active=True))
        found = {u.email.lower() for u in users}
        missing = [e for e in emails if e.lower() not in found]
        if missing:
            raise ValidationError(
                _("No account uses these addresses: %(emails)s"),
                params={"emails": ", ".join(missing)},
            )
        return users

    def save_with(self, user):
        """Create or update through the services (which check permissions and schedule
        reminders)."""
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        extra = {
            "co_hosts": self.cleaned_data["co_host_emails"],
            "invitees": self.cleaned_data["invitee_emails"],
        }
        if self.instance.pk:
            return services.update_workshop(user, self.instance, **extra, **data)
        return services.schedule_workshop(user, **extra, **data)


class AudienceWorkshopForm(WorkshopForm):
    """A workshop for an audience another app gathers (a mentoring pair's two
    organisations): the app that owns the audience saves it with ``workshop_data()``."""

    invitee_emails = None

    class Meta(WorkshopForm.Meta):
        fields = [f for f in WorkshopForm.Meta.fields if f != "audience"]

    def workshop_data(self) -> dict:
        """Keyword arguments for ``services.schedule_audience_workshop``."""
        data = {f: self.cleaned_data[f] for f in self.Meta.fields}
        return {"co_hosts": self.cleaned_data["co_host_emails"], **data}


class RoomPostForm(forms.Form):
    """Writing to the room from the page, for a browser without JavaScript."""

    KIND_CHOICES = [("message", _("Message")), ("question", _("Question"))]

    text = forms.CharField(
        label=_("Your message"),
        max_length=services.MAX_TEXT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    kind = forms.ChoiceField(label=_("Send as"), choices=KIND_CHOICES, required=False)
