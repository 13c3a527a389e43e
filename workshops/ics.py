"""iCalendar (RFC 5545) files: one workshop, or a person's feed of registered workshops.

Written with the ``icalendar`` package, which escapes TEXT values and folds long
lines at 75 octets, so nothing a host types (a comma, a semicolon, a bare carriage
return, Khmer text) can end a property early or start a new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar, Event, vText

from .models import Workshop

PRODID = "-//CSO Academy//Workshops//EN"
TIMEZONE = "Asia/Phnom_Penh"

# Control characters other than tab and line feed may not appear in a TEXT
# value (RFC 5545 section 3.3.11); line breaks are normalised to LF first, which
# the library writes as the escape ``\n``.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def _text(value: str) -> vText:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return vText(_CONTROL.sub("", value))


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _event(workshop: Workshop, base_url: str) -> Event:
    url = f"{base_url}{workshop.get_absolute_url()}"
    description = "\n\n".join(filter(None, [workshop.description, url]))
    event = Event()
    event.add("uid", f"{workshop.uid}@cso-academy")
    event.add("dtstamp", _utc(workshop.updated_at or timezone.now()))
    event.add("dtstart", _utc(workshop.starts_at))
    event.add("dtend", _utc(workshop.ends_at))
    event.add("summary", _text(workshop.title))
    event.add("description", _text(description))
    event.add("url", url)
    event.add("status", "CONFIRMED")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", _text(workshop.title))
    alarm.add("trigger", timedelta(hours=-1))
    event.add_component(alarm)
    return event


def calendar(workshops: Iterable[Workshop], name: str, base_url: str | None = None) -> str:
    """The calendar of ``workshops``, named ``name``, as text with CRLF line ends."""
    base_url = (base_url or settings.SITE_URL).rstrip("/")
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    # Extension properties are written verbatim unless typed: as TEXT they are escaped.
    cal.add("x-wr-calname", _text(name))
    cal.add("x-wr-timezone", vText(TIMEZONE))
    for workshop in workshops:
        cal.add_component(_event(workshop, base_url))
    return cal.to_ical().decode()
