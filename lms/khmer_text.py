"""Khmer text for matching: one spelling for what looks the same, and words.

Khmer is written without spaces between words, and the same word reaches the
site in several encodings: an editor's keyboard and a learner's phone often
differ. ``normalise`` maps every spelling in the list below to one, so that
an index and a query normalised alike compare equal; ``words`` cuts text into
words with ICU's dictionary-based word breaker. Nothing here is for display:
normalised text keeps its meaning but not always its preferred encoding.

What ``normalise`` does, in order (``docs/search.md`` explains each):

1. Unicode NFC.
2. Removes invisible characters input methods insert between letters or
   words: ZERO WIDTH SPACE (U+200B), ZERO WIDTH NON-JOINER (U+200C),
   ZERO WIDTH JOINER (U+200D), WORD JOINER (U+2060), ZERO WIDTH NO-BREAK
   SPACE (U+FEFF), SOFT HYPHEN (U+00AD), and the two invisible inherent
   vowels U+17B4 and U+17B5.
3. Subscript DA (``្ដ``, COENG + U+178A) and subscript TA (``្ត``, COENG +
   U+178F) look the same and are both typed: both become subscript TA.
4. Deprecated or duplicate letters become the recommended ones: U+17A3 (ឣ)
   becomes U+17A2 (អ), U+17A4 (ឤ) becomes អា, U+17B2 (ឲ) becomes U+17B1 (ឱ),
   as in ឲ្យ / ឱ្យ, and U+17D8 (៘) becomes ។ល។.
5. Split vowels become the single vowel sign they draw: េ + ី (U+17C1
   U+17B8) becomes ើ (U+17BE), េ + ា (U+17C1 U+17B6) becomes ោ (U+17C4).
6. Signs typed in another order are put in one order inside each
   syllable: subscript consonants first (subscript RO last among them),
   then the register shifters ៉ ៊ and the robat ៌, then vowel signs, then
   the other signs (nikahit ំ, reahmuk ះ, ...), each group keeping the
   order it was typed in.
7. Khmer digits become ASCII digits; Latin letters are case-folded.
"""

from __future__ import annotations

import re
import unicodedata

from icu4py.breakers import WordBreaker

COENG = "\u17d2"
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\u17b4\u17b5"))
REPLACEMENTS = (
    (COENG + "\u178a", COENG + "\u178f"),  # subscript DA -> subscript TA
    ("\u17a3", "\u17a2"),
    ("\u17a4", "\u17a2\u17b6"),
    ("\u17b2", "\u17b1"),
    ("\u17d8", "\u17d4\u179b\u17d4"),
    ("\u17c1\u17b8", "\u17be"),
    ("\u17c1\u17b6", "\u17c4"),
)
KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
REGISTER_SHIFTERS = frozenset("\u17c9\u17ca\u17cc")  # ៉ ៊ and the robat ៌
VOWEL_SIGNS = frozenset(chr(c) for c in range(0x17B6, 0x17C6))
# A base letter followed by its combining marks (COENG pairs count as marks).
SYLLABLE = re.compile(r"([\u1780-\u17b3])((?:\u17d2[\u1780-\u17b3]|[\u17b6-\u17d1\u17d3\u17dd])+)")


def is_khmer(char: str) -> bool:
    code = ord(char)
    return 0x1780 <= code <= 0x17FF or 0x19E0 <= code <= 0x19FF


def _order_marks(match: re.Match) -> str:
    base, marks = match.group(1), match.group(2)
    subscripts, shifters, vowels, signs = [], [], [], []
    i = 0
    while i < len(marks):
        char = marks[i]
        if char == COENG and i + 1 < len(marks):
            subscripts.append(marks[i : i + 2])
            i += 2
            continue
        if char in REGISTER_SHIFTERS:
            shifters.append(char)
        elif char in VOWEL_SIGNS:
            vowels.append(char)
        else:
            signs.append(char)
        i += 1
    # Subscript RO is drawn to the left whatever its place: it goes last.
    subscripts.sort(key=lambda pair: pair == COENG + "\u179a")
    return base + "".join(subscripts + shifters + vowels + signs)


def normalise(text: str) -> str:
    """``text`` with every equivalent Khmer spelling made one (see the module's list)."""
    text = unicodedata.normalize("NFC", text).translate(INVISIBLE)
    for old, new in REPLACEMENTS:
        text = text.replace(old, new)
    text = SYLLABLE.sub(_order_marks, text)
    # Reordering can bring a split vowel together again (េ, then ៊, then ា).
    for old, new in REPLACEMENTS[-2:]:
        text = text.replace(old, new)
    return text.translate(KHMER_DIGITS).casefold()


def _is_word(piece: str) -> bool:
    return any(c.isalnum() or is_khmer(c) and unicodedata.category(c)[0] in "LN" for c in piece)


def words(text: str) -> list[str]:
    """The words of ``text``, normalised: Khmer cut by ICU's dictionary, other
    scripts at spaces and punctuation. Punctuation and spaces are dropped."""
    text = normalise(text)
    if not text.strip():
        return []
    return [piece for piece in WordBreaker(text, "km") if _is_word(piece)]
