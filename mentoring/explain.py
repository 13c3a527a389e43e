"""Plain-language explanations of proposed pairs and unmatched requests.

The matcher (``mentoring.matcher``) returns structured reasons, stored as
JSON on proposals and pairs (``[{"kind": ..., "values": [...]}]``); this
module turns them into words in the active language, or the one asked for,
so one stored proposal reads in Khmer to one person and in English to
another (each e-mail is rendered in its recipient's language).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from accounts.geo import province_name
from accounts.taxonomy import FocusAreaCode, LanguageCode

_DAY_NAMES = {
    "mon": lambda: pgettext("weekday", "Monday"),
    "tue": lambda: pgettext("weekday", "Tuesday"),
    "wed": lambda: pgettext("weekday", "Wednesday"),
    "thu": lambda: pgettext("weekday", "Thursday"),
    "fri": lambda: pgettext("weekday", "Friday"),
    "sat": lambda: pgettext("weekday", "Saturday"),
    "sun": lambda: pgettext("weekday", "Sunday"),
}
_PART_NAMES = {
    "am": lambda: pgettext("part of day", "morning"),
    "pm": lambda: pgettext("part of day", "afternoon"),
    "eve": lambda: pgettext("part of day", "evening"),
}
_PRIORITY_NAMES = {
    "must": lambda: pgettext("priority", "must"),
    "want": lambda: pgettext("priority", "want"),
    "nice": lambda: pgettext("priority", "nice to have"),
}


def _priority_label(priority: str) -> str:
    name = _PRIORITY_NAMES.get(priority)
    return name() if name else priority


def slot_label(slot: str, language: str | None = None) -> str:
    """``"tue-am"`` → "Tuesday morning" (in ``language`` or the active one)."""
    day, _sep, part = slot.partition("-")
    if day not in _DAY_NAMES or part not in _PART_NAMES:
        return slot
    with translation.override(language or translation.get_language()):
        return _("%(day)s %(part)s") % {"day": _DAY_NAMES[day](), "part": _PART_NAMES[part]()}


def _focus_label(code: str) -> str:
    try:
        return str(FocusAreaCode(code).label)
    except ValueError:
        return code


def _language_label(code: str) -> str:
    try:
        return str(LanguageCode(code).label)
    except ValueError:
        return code


def _and(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}


def _phrase(kind: str, values: list) -> str | None:
    if kind == "focus":
        areas = [
            _("%(area)s (%(priority)s)")
            % {"area": _focus_label(code), "priority": _priority_label(p)}
            for code, p in values
        ]
        return _("shared focus: %(areas)s") % {"areas": ", ".join(areas)}
    if kind == "province":
        if values[0] == "same":
            return _("both work in %(province)s") % {"province": province_name(values[1])}
        return _("neighbouring provinces: %(first)s and %(second)s") % {
            "first": province_name(values[1]),
            "second": province_name(values[2]),
        }
    if kind == "languages":
        return _("both in %(languages)s") % {
            "languages": _and([_language_label(code) for code in values])
        }
    if kind == "mode":
        return {
            "in-person": lambda: _("can meet in person"),
            "online": lambda: _("will work online"),
            "either": lambda: _("can meet online or in person"),
        }.get(values[0], lambda: None)()
    if kind == "availability":
        return _("%(times)s free on both sides") % {
            "times": _and([slot_label(slot) for slot in values])
        }
    if kind == "experience":
        years, level = values
        parts = []
        if years:
            parts.append(
                ngettext(
                    "the mentoring organisation has %(years)d more year of experience",
                    "the mentoring organisation has %(years)d more years of experience",
                    years,
                )
                % {"years": years}
            )
        if level:
            parts.append(_("a team at least %(times)d times larger") % {"times": 2**level})
        return _and(parts) if parts else None
    return None


def reason_phrases(reasons: Iterable[dict], language: str | None = None) -> list[str]:
    """One phrase per stored reason, in ``language`` or the active one."""
    with translation.override(language or translation.get_language()):
        phrases = [_phrase(r.get("kind", ""), list(r.get("values", []))) for r in reasons]
        return [p for p in phrases if p]


def describe_pair(reasons: Iterable[dict], language: str | None = None) -> str:
    """The whole explanation as one sentence, e.g. "shared focus: financial
    management (must), fundraising (want); both work in Kampong Cham; both in
    Khmer; Tuesday morning free on both sides"."""
    with translation.override(language or translation.get_language()):
        return _("; ").join(reason_phrases(reasons))


UNMATCHED_REASONS = {
    "no-offers": lambda: _("No other organisation offers mentoring yet."),
    "no-shared-language": lambda: _("No offer shares one of its working languages."),
    "no-shared-focus": lambda: _("No offer in a shared language covers any of its needs."),
    "no-compatible-mode": lambda: _(
        "No fitting offer works the same way (online or in person), "
        "or those that meet only in person are too far away."
    ),
    "excluded": lambda: _(
        "Every fitting offer is excluded: a conflict of interest, or a match declined before."
    ),
    "offers-full": lambda: _("All fitting offers are full."),
    "removed": lambda: _("An admin removed its proposed pair from this round."),
}


def unmatched_reason_text(code: str, language: str | None = None) -> str:
    with translation.override(language or translation.get_language()):
        return UNMATCHED_REASONS.get(code, lambda: code)()


def breakdown_items(breakdown: dict) -> list[tuple[str, str]]:
    """(label, points) for a score breakdown stored in tenths of a point."""
    labels = {
        "focus": _("Needs covered"),
        "province": _("Distance"),
        "availability": _("Shared time"),
        "maturity": _("Experience gap"),
    }
    return [
        (labels[key], f"{breakdown.get(key, 0) / 10:.1f}")
        for key in ("focus", "province", "availability", "maturity")
    ]


def size_band_label(band: str) -> str:
    return {
        "1-5": _("1–5 staff"),
        "6-20": _("6–20 staff"),
        "21-50": _("21–50 staff"),
        "51+": _("51 or more staff"),
    }.get(band, band)
