"""iCalendar (RFC 5545) files: one workshop, or a person's feed of registered workshops."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone

from .models import Workshop

PRODID = "-//CSO Academy//Workshops//EN"


def _escape(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event_lines(workshop: Workshop, base_url: str) -> list[str]:
    url = f"{base_url}{workshop.get_absolute_url()}"
    description = "\n\n".join(filter(None, [workshop.description, url]))
    return [
        "BEGIN:VEVENT",
        f"UID:{workshop.uid}@cso-academy",
        f"DTSTAMP:{_utc(workshop.updated_at or timezone.now())}",
        f"DTSTART:{_utc(workshop.starts_at)}",
        f"DTEND:{_utc(workshop.ends_at)}",
        f"SUMMARY:{_escape(workshop.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"URL:{url}",
        "STATUS:CONFIRMED",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        f"DESCRIPTION:{_escape(workshop.title)}",
        "TRIGGER:-PT1H",
        "END:VALARM",
        "END:VEVENT",
    ]


def calendar(workshops: Iterable[Workshop], name: str, base_url: str | None = None) -> str:
    base_url = (base_url or settings.SITE_URL).rstrip("/")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{_escape(name)}",
        "X-WR-TIMEZONE:Asia/Phnom_Penh",
    ]
    for workshop in workshops:
        lines += _event_lines(workshop, base_url)
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
