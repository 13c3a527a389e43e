from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .geo import province_choices
from .models import Membership, Organisation, User
from .taxonomy import FocusAreaCode, LanguageCode


class SignupExtraForm(forms.Form):
    """Fields allauth's sign-up form adds to e-mail and password."""

    display_name = forms.CharField(
        label=_("Display name"),
        max_length=80,
        help_text=_("Shown to others, for example in live workshops. It may be a pseudonym."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=User.Language.choices,
        initial=User.Language.KHMER,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils.translation import get_language

        language = (get_language() or "km")[:2]
        if language in User.Language.values:
            self.fields["preferred_language"].initial = language

    def clean_display_name(self):
        value = self.cleaned_data["display_name"].strip()
        if not value:
            raise forms.ValidationError(_("Enter a display name."))
        return value

    def signup(self, request, user):
        user.display_name = self.cleaned_data["display_name"]
        user.preferred_language = self.cleaned_data["preferred_language"]
        user.save(update_fields=["display_name", "preferred_language"])


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name", "legal_name", "preferred_language"]
        widgets = {
            "display_name": forms.TextInput(attrs={"autocomplete": "nickname"}),
            "legal_name": forms.TextInput(attrs={"autocomplete": "name"}),
        }


class OrganisationForm(forms.ModelForm):
    focus_areas = forms.MultipleChoiceField(
        label=_("Focus areas"),
        choices=FocusAreaCode.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    working_languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=LanguageCode.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one working language.")},
    )
    province = forms.ChoiceField(label=_("Province"), choices=())

    class Meta:
        model = Organisation
        fields = [
            "name_km",
            "name_en",
            "kind",
            "province",
            "year_founded",
            "staff_size",
            "focus_areas",
            "working_languages",
            "description",
            "is_public",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", _("Choose a province")), *province_choices()]
        self.fields["province"].error_messages["invalid_choice"] = _(
            "Choose one of the provinces of Cambodia."
        )
        self.fields["year_founded"].widget.attrs.update({"min": 1950, "inputmode": "numeric"})
        self.fields["staff_size"].widget.attrs.update({"min": 0, "inputmode": "numeric"})
        if self.instance.pk:
            self.initial["focus_areas"] = list(
                self.instance.focus_areas.values_list("code", flat=True)
            )

    def clean_year_founded(self):
        year = self.cleaned_data["year_founded"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("The year founded cannot be in the future."))
        return year

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("name_km", "").strip() or cleaned.get("name_en", "").strip()):
            raise forms.ValidationError(
                _("Give the organisation's name in Khmer, in English or in both.")
            )
        return cleaned

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["focus_areas"] = list(data.get("focus_areas") or [])
        return data


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class DeleteAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I understand that my account and my data will be deleted for good."),
        error_messages={"required": _("Tick the box to confirm.")},
    )
