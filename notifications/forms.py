from django import forms

from . import kinds
from .kinds import Channel


class PreferencesForm(forms.Form):
    """One choice per kind of notice: only on the site, by e-mail too, or in a weekly digest."""

    def __init__(self, *args, initial_channels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for kind in kinds.KINDS:
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                choices=Channel.choices,
                initial=initial_channels.get(kind.key, kind.default),
                widget=forms.RadioSelect,
            )
