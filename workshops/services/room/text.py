"""Text people write in a room, made safe to store, print and show.

Everything a client sends is stored in a PostgreSQL ``jsonb`` column and
later printed in a transcript or a terminal, so a stored text holds no
character that breaks one of those: NUL (refused by ``jsonb``), lone
surrogates (not encodable as UTF-8), C0 and C1 control characters (raw
escape sequences in ``transcript.txt``) and the bidirectional embeddings,
overrides and isolates that make a text read differently from what it holds.
Line breaks and tabs are kept; ``\\r\\n`` and a bare ``\\r`` become ``\\n``.

Zero-width characters stay inside a text (Khmer separates words with
U+200B ZERO WIDTH SPACE and shapes with U+200C/U+200D), but a text made of
nothing else is empty.
"""

from __future__ import annotations

import re
import unicodedata

#: What is removed: C0 controls but tab and line feed, DEL, C1 controls,
#: bidi embeddings/overrides (U+202A-U+202E) and isolates (U+2066-U+2069),
#: lone surrogates, and the noncharacters U+FFFE/U+FFFF.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_NEWLINES = re.compile("\r\n?")

#: Characters that show nothing on their own (beyond ``str.isspace``):
#: Unicode format characters (category Cf: zero-width space, joiners, marks,
#: the byte-order mark, soft hyphen...) and Khmer's two invisible vowels.
_INVISIBLE_EXTRA = frozenset("\u17b4\u17b5\u115f\u1160\u3164\uffa0")


def sanitise(text: str) -> str:
    """``text`` without the characters no stored text may hold (see the module)."""
    return _UNSAFE.sub("", _NEWLINES.sub("\n", text))


def is_blank(text: str) -> bool:
    """True when ``text`` shows nothing: only whitespace and zero-width characters."""
    return all(
        ch.isspace() or ch in _INVISIBLE_EXTRA or unicodedata.category(ch) == "Cf" for ch in text
    )


def is_safe_token(value: str) -> bool:
    """True when ``value`` (an identifier a client chose) holds only printable characters."""
    return value.isprintable() and not _UNSAFE.search(value)
