"""A PDF text layer that reads back as the text that was typed, Khmer included.

A PDF font maps each character code to the text it stands for (the font's
``ToUnicode`` map), one fixed string per code. WeasyPrint uses the glyph id as
the code and maps each glyph to the slice of text it was first drawn for. That
is right for Latin, where a letter is a glyph, and wrong for shaped Khmer: in
ស្រី the coeng Ro is drawn first, before the consonant, as a glyph shared with
every other ្រ; a two-part vowel is two glyphs; a subscript consonant is a
glyph of its own. Read back glyph by glyph, ស្រីមុំ came out as សីមុំ.

Here each line of Khmer text is wrapped in a marked-content span whose
``/ActualText`` is the line as typed (poppler and Acrobat read that), and its
glyphs are re-coded so that reading them one by one gives the same text
(pypdf and simpler readers): the line's last glyph (its last few, for a line
longer than 32 characters) is mapped to the line and the others to nothing.
A glyph that needs a mapping other than the one its id already has is drawn
under a new code (above the font's glyph ids) that the font's
``CIDToGIDMap`` points back at the same glyph. The drawing is
unchanged; search, copy and paste and screen readers get the logical text.

:func:`exact_text` switches this on for the renderings inside it: the
certificate renderer uses it for every certificate; other WeasyPrint users in
the process are not affected. Pass :func:`finisher` to ``write_pdf``.
"""

from __future__ import annotations

import contextvars
import re
import unicodedata
from contextlib import contextmanager

import pydyf
from weasyprint.draw import text as draw_text_module
from weasyprint.pdf import fonts as pdf_fonts

from .khmer import has_khmer

# Extra codes start this far above a font's last glyph id, clear of the codes
# WeasyPrint itself gives glyphs missing from a font.
EXTRA_CODES_OFFSET = 1024
ZWSP = "\u200b"
MAPPING_CHARS = 32  # characters of text one glyph may stand for
_HEX_GLYPHS = re.compile(rb"<([0-9a-f]*)>")

_active: contextvars.ContextVar[dict | None] = contextvars.ContextVar(
    "certificates_exact_text", default=None
)


@contextmanager
def exact_text():
    """Within this block, WeasyPrint writes text that extracts as the logical text."""
    token = _active.set({})
    try:
        yield
    finally:
        _active.reset(token)


def _drawn_glyphs(operations, fonts_by_name, font=None):
    """``(font, glyph id)`` of every glyph the line's operations draw, in order.

    Read back from what WeasyPrint wrote (``/<font> <size> Tf`` and the hex
    strings of ``TJ``), so the codes can be rewritten one for one. ``None`` if
    the line holds something this mapping does not handle (a bitmap font, a
    glyph missing from its font). ``font`` is the one in use before the line
    (WeasyPrint writes ``Tf`` only when the font changes).
    """
    glyphs = []
    for operation in operations:
        if not isinstance(operation, bytes):
            return None
        if operation.endswith(b" Tf"):
            font = fonts_by_name.get(operation.split()[0][1:].decode())
            if font is None or font.bitmap:
                return None
        elif operation.endswith((b"TJ", b"Tj")):
            if font is None:
                return None
            for match in _HEX_GLYPHS.finditer(operation):
                digits = match.group(1)
                for at in range(0, len(digits), 4):
                    glyph = int(digits[at : at + 4], 16)
                    if glyph >= font.glyph_count:
                        return None
                    glyphs.append((font, glyph))
    return glyphs


def _code_for(codes: dict, font, glyph: int, text: str) -> int:
    """The character code that draws ``glyph`` and reads back as ``text``."""
    if font.to_unicode.get(glyph) == text:
        return glyph
    extra = codes.setdefault(font.hash, {})
    key = (glyph, text)
    if key not in extra:
        code = font.glyph_count + EXTRA_CODES_OFFSET + len(extra)
        if code > 0xFFFF:
            return glyph
        extra[key] = code
        font.to_unicode[code] = text
        font.widths[code] = font.widths[glyph]
    return extra[key]


def _draw_first_line(stream, textbox, *args, **kwargs):
    codes = _active.get()
    if codes is None or not has_khmer(textbox.text):
        return _original_draw_first_line(stream, textbox, *args, **kwargs)
    before = len(stream.stream)
    current = stream._current_font  # (font name, size) already set, if any
    result = _original_draw_first_line(stream, textbox, *args, **kwargs)
    operations = stream.stream[before:]
    fonts_by_name = {font.hash: font for font in stream._fonts.values()}
    font = fonts_by_name.get(current[0]) if current else None
    glyphs = _drawn_glyphs(operations, fonts_by_name, font) if operations else None
    if not glyphs:
        return result  # not the shape we expect: leave WeasyPrint's mapping alone
    shown = [
        index for index, operation in enumerate(operations) if operation.endswith((b"TJ", b"Tj"))
    ]
    # The line's text rides on its last glyphs; the others read as nothing. Shaped
    # Khmer positions marks with pen moves that a reader taking the text glyph by
    # glyph would mistake for word gaps; with nothing read before the end of the
    # line, there is no gap to mistake. One mapping holds at most MAPPING_CHARS
    # (poppler refuses 64 or more), so a long line is spread over its last few.
    text = unicodedata.normalize("NFC", textbox.text.replace(ZWSP, ""))
    chunks = [text[at : at + MAPPING_CHARS] for at in range(0, len(text), MAPPING_CHARS)]
    if len(chunks) > len(glyphs):
        return result
    silent = len(glyphs) - len(chunks)
    new_codes = iter(
        [f"{_code_for(codes, font, glyph, ''):04x}".encode() for font, glyph in glyphs[:silent]]
        + [
            f"{_code_for(codes, font, glyph, chunk):04x}".encode()
            for (font, glyph), chunk in zip(glyphs[silent:], chunks, strict=True)
        ]
    )

    def recode(match):
        count = len(match.group(1)) // 4
        return b"<" + b"".join(next(new_codes) for _ in range(count)) + b">"

    for index in shown:
        operations[index] = _HEX_GLYPHS.sub(recode, operations[index])
    # Readers that honour marked content (poppler, Acrobat) take the line whole.
    actual = text.encode("utf-16-be").hex().encode()
    stream.stream[before:] = [
        b"/Span <</ActualText <feff" + actual + b">>> BDC",
        *operations,
        b"EMC",
    ]
    return result


def _clean(self, to_unicode, hinting):
    """Subset the font to its real glyphs (the extra codes are not glyphs).

    Codes that read as nothing keep their empty mapping: without one, readers
    fall back to the code itself and print a stray letter.
    """
    real = {code: text for code, text in to_unicode.items() if code < self.glyph_count}
    return _original_clean(self, real, hinting)


def finisher(document, pdf) -> None:
    """Point each font's extra codes at their glyphs (a ``CIDToGIDMap`` stream)."""
    codes = _active.get()
    if not codes:
        return
    by_name = {}
    for font in _fonts_of(pdf):
        by_name.setdefault(font["BaseFont"], font)
    for font_hash, extra in codes.items():
        font_object = _find_font(document, font_hash)
        if font_object is None or not extra:
            continue
        descendant = by_name.get(font_object.name)
        if descendant is None:
            continue
        highest = max(extra.values())
        table = bytearray(2 * (highest + 1))
        for code in range(min(font_object.glyph_count, highest + 1)):
            table[2 * code : 2 * code + 2] = code.to_bytes(2, "big")
        for (glyph, _text), code in extra.items():
            table[2 * code : 2 * code + 2] = glyph.to_bytes(2, "big")
        stream = pydyf.Stream([bytes(table)], compress=True)
        pdf.add_object(stream)
        descendant["CIDToGIDMap"] = stream.reference


def _fonts_of(pdf):
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Dictionary) and obj.get("Subtype") == "/CIDFontType2":
            yield obj


def _find_font(document, font_hash):
    for font in document.fonts.values():
        if font.hash == font_hash:
            return font
    return None


_original_draw_first_line = draw_text_module.draw_first_line
_original_clean = pdf_fonts.Font.clean


def install() -> None:
    """Hook into WeasyPrint once per process; inert outside :func:`exact_text`."""
    if draw_text_module.draw_first_line is not _draw_first_line:
        draw_text_module.draw_first_line = _draw_first_line
        pdf_fonts.Font.clean = _clean
