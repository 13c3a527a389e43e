"""Plain-language explanations of proposed pairs and unmatched requests.

The matcher (``mentoring.matcher``) returns structured reasons; this module
turns them into sentences in the active language (or the one asked for), so
the same stored proposal reads in Khmer to one person and English to another.
"""

from __future__ import annotations

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

_DAY_NAMES = {
    "mon": lambda: _("Monday"),
    "tue": lambda: _("Tuesday"),
    "wed": lambda: _("Wednesday"),
    "thu": lambda: _("Thursday"),
    "fri": lambda: _("Friday"),
    "sat": lambda: _("Saturday"),
    "sun": lambda: _("Sunday"),
}
_PART_NAMES = {
    "am": lambda: pgettext("part of day", "morning"),
    "pm": lambda: pgettext("part of day", "afternoon"),
    "eve": lambda: pgettext("part of day", "evening"),
}


def slot_label(slot: str, language: str | None = None) -> str:
    """``"tue-am"`` → "Tuesday morning" (in ``language`` or the active one)."""
    day, _sep, part = slot.partition("-")
    if day not in _DAY_NAMES or part not in _PART_NAMES:
        return slot
    with translation.override(language or translation.get_language()):
        return _("%(day)s %(part)s") % {"day": _DAY_NAMES[day](), "part": _PART_NAMES[part]()}
