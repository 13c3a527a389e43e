from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


class NameConfirmationForm(forms.Form):
    legal_name = forms.CharField(
        label=_("Name to print on your certificates"),
        max_length=150,
        required=False,
        help_text=_(
            "Your full name as you want employers and donors to read it. "
            "Leave it empty to use your display name. Nobody else sees it."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    confirm = forms.BooleanField(
        label=_("I confirm this name is correct. It cannot be changed without reissuing."),
        required=True,
    )


class CodeLookupForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=20,
        help_text=_("The code printed on the certificate, for example 7KQ2-MX9D."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


def too_large_message() -> str:
    limit = settings.CERTIFICATES_UPLOAD_MAX_BYTES
    return _("This file is larger than %(limit)s; a certificate is much smaller.") % {
        "limit": filesizeformat(limit)
    }


class PdfCheckForm(forms.Form):
    pdf = forms.FileField(
        label=_("Certificate PDF"),
        help_text=_("We compare its fingerprint (SHA-256) with the certificates we issued."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if upload.size > settings.CERTIFICATES_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(too_large_message())
        return upload


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Shown on the public verification page."),
    )


class ReissueForm(forms.Form):
    name = forms.CharField(label=_("Corrected name"), max_length=150)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Shown on the old certificate's verification page."),
    )
