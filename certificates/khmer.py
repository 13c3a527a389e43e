"""Khmer typography for the certificate: word breaks, numerals and dates.

Khmer is written without spaces between words, and Pango finds no line-break
opportunity inside a run of Khmer letters, so a long course title would run
off the page as one unbreakable "word". ICU's dictionary-based word-break
iterator knows where Khmer words end; we insert a ZERO WIDTH SPACE there, which
Pango treats as a break opportunity and which draws nothing.
"""

from __future__ import annotations

import datetime
import unicodedata
from functools import lru_cache

from icu4py.breakers import WordBreaker

ZWSP = "\u200b"
# Signs that belong to the word before them and must never start a line:
# the repetition sign (ៗ), the full stops (។ ៕) and the colon (៖).
NO_BREAK_BEFORE = frozenset("\u17d7\u17d4\u17d5\u17d6")

KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")

KHMER_MONTHS = (
    "មករា",
    "កុម្ភៈ",
    "មីនា",
    "មេសា",
    "ឧសភា",
    "មិថុនា",
    "កក្កដា",
    "សីហា",
    "កញ្ញា",
    "តុលា",
    "វិច្ឆិកា",
    "ធ្នូ",
)

ENGLISH_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def is_khmer(char: str) -> bool:
    """True for characters of the Khmer and Khmer Symbols blocks."""
    code = ord(char)
    return 0x1780 <= code <= 0x17FF or 0x19E0 <= code <= 0x19FF


def has_khmer(text: str) -> bool:
    return any(is_khmer(c) for c in text)


@lru_cache(maxsize=512)
def segment(text: str) -> str:
    """``text`` with a zero-width space between adjacent Khmer words.

    Only boundaries with Khmer on both sides get one: existing spaces,
    punctuation and Latin text are left as they are, and so are grapheme
    clusters (ICU never breaks inside one). Idempotent: existing zero-width
    spaces are removed first.
    """
    text = unicodedata.normalize("NFC", text.replace(ZWSP, ""))
    if not has_khmer(text):
        return text
    pieces: list[str] = []
    previous = ""
    for word in WordBreaker(text, "km"):
        if (
            previous
            and is_khmer(previous[-1])
            and is_khmer(word[0])
            and word[0] not in NO_BREAK_BEFORE
        ):
            pieces.append(ZWSP)
        pieces.append(word)
        previous = word
    return "".join(pieces)


def khmer_digits(value: int | str) -> str:
    return str(value).translate(KHMER_DIGITS)


def format_date_km(day: datetime.date) -> str:
    """``ថ្ងៃទី១៥ ខែមីនា ឆ្នាំ២០២៦``: Khmer numerals and month names."""
    return (
        f"ថ្ងៃទី{khmer_digits(day.day)} ខែ{KHMER_MONTHS[day.month - 1]} ឆ្នាំ{khmer_digits(day.year)}"
    )


def format_date_en(day: datetime.date) -> str:
    """``15 March 2026``, independent of the active locale."""
    return f"{day.day} {ENGLISH_MONTHS[day.month - 1]} {day.year}"
