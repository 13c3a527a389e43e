"""Numbers, percentages and period labels as a reader of each language expects them.

Khmer readers get Khmer digits (០–៩) with CLDR's Khmer separators (``.``
between thousands, ``,`` before decimals); English readers get ``12,345.6``.
Everything takes the language explicitly or reads the active one, so the same
figures print correctly in the admin, the exports' labels and the donor PDF.
"""

from __future__ import annotations

import datetime
import functools
from decimal import Decimal

from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext as _

KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
#: Khmer digits, and CLDR's Khmer separators swapped in: ``.`` between thousands, ``,`` decimals.
KHMER_NUMBER = str.maketrans("0123456789,.", "០១២៣៤៥៦៧៨៩.,")
#: Fewer people than this in a breakdown cell are shown as "< 5" in the donor report.
SMALL_CELL = 5
DASH = "–"


def is_khmer(language: str | None = None) -> bool:
    return (language or get_language() or "km").startswith("km")


def digits(text: str, language: str | None = None) -> str:
    """``text`` with its ASCII digits written in the script of ``language``."""
    return text.translate(KHMER_DIGITS) if is_khmer(language) else text


def number(value, places: int = 0, language: str | None = None) -> str:
    """``value`` grouped by thousands, with ``places`` decimals; ``None`` is a dash."""
    if value is None:
        return DASH
    if isinstance(value, Decimal):
        value = float(value)
    text = f"{value:,.{places}f}"
    return text.translate(KHMER_NUMBER) if is_khmer(language) else text


def percent(value, places: int = 0, language: str | None = None) -> str:
    """``value`` (0–100) as a percentage; ``None`` (nothing to divide by) is a dash."""
    if value is None:
        return DASH
    return number(value, places, language) + "%"


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` in percent, or ``None`` when ``whole`` is zero."""
    return 100 * part / whole if whole else None


def small(value: int | None, language: str | None = None) -> str:
    """A count of people for a published breakdown: fewer than five reads "< 5"."""
    if value is None:
        return DASH
    if 0 < value < SMALL_CELL:
        return digits(f"< {SMALL_CELL}", language)
    return number(value, 0, language)


def days(value: datetime.timedelta | None, language: str | None = None) -> str:
    """A duration in days with one decimal, or a dash."""
    if value is None:
        return DASH
    return number(value.total_seconds() / 86400, 1, language)


def period_label(start: datetime.date, period: str, language: str | None = None) -> str:
    """The axis label of the week or month beginning on ``start``."""
    return _date_text(start, "j M" if period == "week" else "M Y", get_language(), language)


def date_label(value: datetime.date, language: str | None = None) -> str:
    return _date_text(value, "DATE_FORMAT", get_language(), language)


@functools.lru_cache(maxsize=4096)
def _date_text(value: datetime.date, format_name: str, active: str | None, language: str | None):
    """``value`` in the ``active`` language's format, with ``language``'s digits.

    Remembered: a table repeats its dates, and Django's date formatting looks
    the format and every month name up again on each call.
    """
    return digits(formats.date_format(value, format_name), language or active)


def range_label(start: datetime.date, end: datetime.date, language: str | None = None) -> str:
    return _("%(start)s to %(end)s") % {
        "start": date_label(start, language),
        "end": date_label(end, language),
    }
