"""Notices in words, in the active language, at the moment they are read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.urls import translate_url
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from . import kinds
from .models import Notice

#: Times in notices are Cambodia's, as everywhere on the site.
LOCAL_TIME = "Asia/Phnom_Penh"


@dataclass(frozen=True)
class RenderedNotice:
    notice: Notice
    title: str
    next_step: str
    action: str
    url: str

    @property
    def is_unread(self) -> bool:
        return self.notice.read_at is None


def param_value(value, language: str) -> str:
    """One parameter in ``language``.

    A parameter is text, text per language (``{"km": ..., "en": ...}``, the
    other language when one is empty) or a moment (``{"at": iso}``, written
    in Cambodia time with the language's short date-time format) or a day
    (``{"date": iso}``).
    """
    if isinstance(value, dict):
        if "at" in value:
            moment = datetime.fromisoformat(value["at"])
            local = timezone.localtime(moment, timezone=_zone())
            written = formats.date_format(local, "SHORT_DATETIME_FORMAT")
            zone_name = gettext("Cambodia time")
            return f"{written} ({zone_name})"
        if "date" in value:
            return formats.date_format(date.fromisoformat(value["date"]), "DATE_FORMAT")
        others = [v for k, v in value.items() if k != language and v]
        return str(value.get(language) or (others[0] if others else ""))
    return str(value)


def _zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo(LOCAL_TIME)


def localised_url(url: str, language: str) -> str:
    """The notice's link in ``language`` (the site's URLs start with the language)."""
    if not url:
        return ""
    # The URL resolves only with the language it was made in active.
    made_in = url.split("/")[1] if url.startswith("/") else ""
    if made_in not in {code for code, _name in settings.LANGUAGES}:
        return url
    with translation.override(made_in):
        return translate_url(url, language)


def render(notice: Notice, language: str | None = None) -> RenderedNotice:
    """The notice's words in ``language`` (the active one by default)."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    kind = kinds.get(notice.kind)
    with translation.override(language):
        params = {name: param_value(v, language) for name, v in (notice.params or {}).items()}
        return RenderedNotice(
            notice=notice,
            title=_fill(str(kind.title), params),
            next_step=_fill(str(kind.next_step), params),
            action=str(kind.action),
            url=localised_url(notice.url, language),
        )


class _Missing(dict):
    def __missing__(self, key):
        return ""


def _fill(template: str, params: dict) -> str:
    return template % _Missing(params)
