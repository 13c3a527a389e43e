"""The PDF's text is the text that was typed, Khmer included.

Shaped Khmer draws glyphs in another order than the letters are typed (the
coeng Ro and pre-base vowels before the consonant, two-part vowels around it,
subscripts below), so a PDF can look right and still read back as other
words. Here poppler's ``pdftotext`` and pypdf must both give back every Khmer
field exactly, after NFC, for words chosen for being hard.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import unicodedata

import pytest
from pypdf import PdfReader

from certificates import document, rendering

from .pdf_reading import poppler_lines, pypdf_text
from .test_layout import content

# Each set of words exercises one thing shaping reorders or composes.
HARD_WORDS = {
    "coeng Ro": "ស្រីមុំ ការគ្រប់គ្រង ប្រជាជន ក្រុម",
    "subscripts": "ស្ត្រី អង្គការ ហិរញ្ញវត្ថុ បណ្ឌិត្យ",
    "pre-base vowels": "កើត ខេត្ត បែបបទ ហៃណាន",
    "two-part vowels": "ពោធិ៍ ម៉ោង កៅអី ល្អឿន សៀវភៅ",
    "repetition sign": "ថ្មីៗ ផ្សេងៗ តិចៗ",
    "signs": "ការតស៊ូមតិ ព្រះរាជាណាចក្រ នាំមុខ",
}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def khmer_content(kind: str = "course"):
    words = HARD_WORDS
    return dataclasses.replace(
        content(
            kind,
            name=words["coeng Ro"],
            title_km=words["subscripts"],
            title_en="Advocacy",
            name_alt=words["two-part vowels"] if kind != "course" else "",
        ),
        issuer_km=words["pre-base vowels"],
        signatory_name=words["signs"],
        signatory_title_km=words["repetition sign"],
    )


@functools.cache
def rendered(kind: str) -> bytes:
    return rendering.get_renderer().render(
        functools.partial(document.render_html, khmer_content(kind))
    )


def expected_lines(kind: str) -> dict[str, str]:
    c = khmer_content(kind)
    context = document.build_context(c)
    lines = {
        "name": c.name,
        "title_km": c.title_km,
        "issuer_km": c.issuer_km,
        "signatory": c.signatory_name,
        "signatory_title_km": c.signatory_title_km,
        "heading_km": context["heading_km"],
        "certify_km": context["certify_km"],
        "completed_km": context["completed_km"],
        "facts_km": context["facts_km"],
        "code_label_km": context["code_label_km"],
        "scan_km": context["scan_km"],
    }
    if c.name_alt:
        lines["name_alt"] = c.name_alt
    return {key: nfc(value.replace("\u200b", "")) for key, value in lines.items()}


@pytest.mark.parametrize("kind", ["course", "mentee"])
@pytest.mark.parametrize(
    "extract",
    [
        pytest.param(poppler_lines, id="pdftotext"),
        pytest.param(lambda data: pypdf_text(data).splitlines(), id="pypdf"),
    ],
)
def test_every_khmer_field_reads_back_exactly(kind, extract):
    """Each Khmer field is in a line of the extracted text, letter for letter
    (a line may hold more: the issuer's English name follows the Khmer one)."""
    lines = [nfc(line) for line in extract(rendered(kind))]
    wrong = {
        key: value
        for key, value in expected_lines(kind).items()
        if not any(value in line for line in lines)
    }
    assert not wrong, f"not found as lines: {wrong}"


def test_the_hard_words_are_really_reordered_by_shaping():
    """The control: drawn glyph by glyph without the text layer, the words read back wrong."""
    renderer = rendering.get_renderer()
    html = document.render_html(khmer_content())
    plain = renderer.layout(html).write_pdf()  # WeasyPrint's own glyph-to-text mapping
    text = nfc(PdfReader(io.BytesIO(plain)).pages[0].extract_text())
    assert "ស្រីមុំ" not in text or "ការគ្រប់គ្រង" not in text


def test_the_metadata_carries_both_titles():
    """Title metadata names the certificate in English and in Khmer."""
    data = rendered("course")
    meta = PdfReader(io.BytesIO(data)).metadata
    assert HARD_WORDS["subscripts"] in nfc(meta.title)
    assert "Advocacy" in meta.title
