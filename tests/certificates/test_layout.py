"""Every field of a certificate is on the page, inside the frame, whatever its length.

A matrix of names and titles, from one character to the longest the forms
accept (a learner's legal name: 150; an organisation's name: 200; a course
title: 255), in Latin, Khmer, mixed scripts and as one unbroken string, for
course and mentoring certificates. Each PDF is read back with pypdf (the text
of every field) and poppler (every word's box), never with our own layout code.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
import subprocess
import tempfile
from decimal import Decimal
from pathlib import Path

import pytest
from PIL import Image

from certificates import document, khmer, rendering

from .pdf_helpers import PDFTOPPM
from .pdf_reading import (
    FRAME,
    outside_frame,
    overlapping,
    poppler_warnings,
    poppler_words,
    pypdf_runs,
    pypdf_text,
    squash,
)

LATIN = "Sokha Chanthavy Rithisak Vannareth Sreypov Dara Kimsean Bopha Pisey Chenda "
KHMER = "ស្រីមុំ ចាន់ថាវី ឫទ្ធិសក្ក វណ្ណារ៉េត ស្រីពៅ ដារ៉ា គីមសៀន បុប្ផា ពិសី ចិន្តា "
MIXED = "Chan ស្រីមុំ Sokha ការគ្រប់គ្រង Vannak "
TITLE_KM = "ការគ្រប់គ្រងហិរញ្ញវត្ថុ និងការតស៊ូមតិសម្រាប់អង្គការសង្គមស៊ីវិលថ្មីៗ "
TITLE_EN = "Financial management and advocacy for new civil-society organisations "

NAME_MAX = 150  # accounts.User.legal_name
ORGANISATION_MAX = 200  # accounts.Organisation.name_en / name_km
TITLE_MAX = 255  # a Wagtail page title


def text_of(pattern: str, length: int) -> str:
    """``length`` characters of ``pattern`` repeated, never ending in a space."""
    text = (pattern * (length // len(pattern) + 1))[:length]
    return text[:-1] + pattern[0] if text.endswith(" ") else text


SCRIPTS = {
    "latin": LATIN,
    "khmer": KHMER,
    "mixed": MIXED,
    "unbroken": "W",
}


def content(kind: str, name: str, title_km: str, title_en: str, name_alt: str = ""):
    return document.CertificateContent(
        kind=kind,
        name=name,
        name_alt=name_alt,
        title_km=title_km,
        title_en=title_en,
        hours=Decimal("12.5") if kind == "course" else None,
        issued_on=datetime.date(2026, 3, 15),
        issuer_km="បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល",
        issuer_en="CSO Academy",
        signatory_name="Sok Vannak",
        signatory_title_km="នាយកកម្មវិធីបណ្ដុះបណ្ដាល",
        signatory_title_en="Director of Training",
        code="7KQ2-MX9D",
        verify_url="https://academy.example.org/verify/Q2xK9mP4vT7wZr3sYb8nHd6fJcLaBcDe/",
        qr_content="https://academy.example.org/verify/Q2xK9mP4vT7wZr3sYb8nHd6fJcLaBcDe/#CSOA2."
        + "A" * 141,
    )


def cases():
    """(id, content): each script at each length, paired with titles short to longest."""
    name_lengths = (1, 44, 100, NAME_MAX)
    title_lengths = (1, 90, 180, TITLE_MAX)
    for script, pattern in SCRIPTS.items():
        for name_length, title_length in zip(name_lengths, title_lengths, strict=True):
            yield (
                f"course-{script}-name{name_length}-title{title_length}",
                content(
                    "course",
                    text_of(pattern, name_length),
                    text_of(TITLE_KM, title_length),
                    text_of(TITLE_EN, title_length),
                ),
            )
    for kind in ("mentee", "mentor"):
        for length in (1, 67, ORGANISATION_MAX):
            script = "mixed" if length == 67 else "latin"
            yield (
                f"{kind}-{script}-organisations{length}",
                content(
                    kind,
                    text_of(SCRIPTS[script], length),
                    text_of(TITLE_KM, length),
                    text_of(TITLE_EN, length),
                    name_alt=text_of(KHMER, length),
                ),
            )
    longest = text_of(TITLE_EN, TITLE_MAX)
    yield (
        "course-every-field-at-its-longest",
        dataclasses.replace(
            content("course", text_of(LATIN, NAME_MAX), text_of(TITLE_KM, TITLE_MAX), longest),
            signatory_name=text_of(LATIN, 200),
            signatory_title_km=text_of(KHMER, 200),
            signatory_title_en=text_of(LATIN, 200),
            issuer_km=text_of(KHMER, 200),
            issuer_en=text_of(LATIN, 200),
        ),
    )
    yield (
        "course-khmer-title-only",
        content("course", "Chan Sokha", text_of(TITLE_KM, TITLE_MAX), ""),
    )


CASES = list(cases())


def fields(c: document.CertificateContent) -> dict[str, str]:
    """The text of every field the certificate must print, as typed."""
    context = document.build_context(c)
    printed = {
        "name": c.name,
        "name_alt": c.name_alt,
        "title_km": c.title_km,
        "title_en": c.title_en,
        "facts_km": context["facts_km"],
        "facts_en": context["facts_en"],
        "issuer_km": c.issuer_km,
        "signatory": context["signatory_name"],
        "signatory_title_km": context["signatory_title_km"],
        "signatory_title_en": context["signatory_title_en"],
        "code": c.code,
        "url": context["verify_url_display"],
        "heading_km": context["heading_km"],
        "certify_en": context["certify_en"],
        "completed_en": context["completed_en"],
    }
    return {key: value for key, value in printed.items() if value}


@functools.cache
def render(case_id: str) -> bytes:
    c = dict(CASES)[case_id]
    return rendering.get_renderer().render(functools.partial(document.render_html, c))


def test_the_matrix_covers_both_scripts_both_kinds_and_every_maximum():
    """The matrix reaches every form's maximum, in each script and kind (its size is reported)."""
    ids = [case_id for case_id, _ in CASES]
    assert len(ids) == 24
    assert any("name150" in i for i in ids) and any("organisations200" in i for i in ids)
    assert {i.split("-")[0] for i in ids} == {"course", "mentee", "mentor"}


@pytest.mark.parametrize("case_id", [case_id for case_id, _ in CASES])
def test_every_field_is_printed_inside_the_frame(case_id):
    """pypdf finds every field's text; poppler finds every word inside the frame, on one
    page, with no word drawn over another."""
    data = render(case_id)
    c = dict(CASES)[case_id]
    text = squash(pypdf_text(data))
    missing = [key for key, value in fields(c).items() if squash(value) not in text]
    assert not missing, f"{case_id}: {missing} not in the PDF text"

    pages, words = poppler_words(data)
    assert pages == 1
    assert poppler_warnings(data) == []
    assert squash(c.name)[:40] in squash("".join(w.text for w in words))
    assert not outside_frame(words), outside_frame(words)[:5]
    assert not overlapping(words), overlapping(words)[:3]
    left, top, right, bottom = FRAME
    for run, x, y in pypdf_runs(data):
        assert left <= x <= right and top <= y <= bottom, (run, x, y)


def test_a_short_certificate_keeps_its_full_size_and_sits_in_the_middle():
    """A typical name is printed at the largest size, and the text block is centred."""
    data = render("course-latin-name44-title90")
    words = [w for w in poppler_words(data)[1] if w.top < 150 * 72 / 25.4]
    heights = {w.text: w.bottom - w.top for w in words}
    assert max(heights.values()) > 30  # the heading and the name at their full sizes
    top = min(w.top for w in words)
    bottom = max(w.bottom for w in words)
    above, below = top - FRAME[1], 161 * 72 / 25.4 - bottom
    assert abs(above - below) < 40, (above, below)


def test_a_certificate_without_a_signatory_is_signed_by_the_issuer():
    """Issued before a signatory was configured, it prints the issuer rather than a blank."""
    c = dataclasses.replace(dict(CASES)["course-latin-name1-title1"], signatory_name="")
    data = rendering.get_renderer().render(functools.partial(document.render_html, c))
    lines = [line.strip() for line in pypdf_text(data).splitlines()]
    assert "CSO Academy" in lines
    assert "Director of Training" not in lines  # the title belonged to a person who never signed
    assert khmer.has_khmer(document.build_context(c)["signatory_title_km"])


def _rule_rows(data: bytes, dpi: int = 100) -> list[float]:
    """The heights (pt) of the page's long orange rules (80 mm or more), from its pixels."""
    with tempfile.TemporaryDirectory() as folder:
        pdf = Path(folder) / "c.pdf"
        pdf.write_bytes(data)
        subprocess.run(  # noqa: S603 - our arguments
            [PDFTOPPM, "-png", "-r", str(dpi), "-singlefile", str(pdf), str(Path(folder) / "p")],
            check=True,
        )
        image = Image.open(Path(folder) / "p.png").convert("RGB")
    width, height = image.size
    pixels = image.load()
    rows = []
    for y in range(height):
        orange = 0
        for x in range(0, width, 2):
            r, g, b = pixels[x, y]
            orange += r > 150 and 60 < g < 140 and b < 60
        if orange * 2 > 80 * dpi / 25.4:
            rows.append(y * 72 / dpi)
    return rows


def test_the_rule_goes_under_both_names_of_an_organisation():
    """An organisation's Khmer name sits with its English name, above the rule under the name."""
    c = content(
        "mentee",
        "Prey Veng Community Safeguarding Network",
        "បណ្ដាញស្ត្រីទន្លេសាប",
        "Tonle Sap Women's Network",
        name_alt="បណ្ដាញការពារសហគមន៍ព្រៃវែង",
    )
    data = rendering.get_renderer().render(functools.partial(document.render_html, c))
    words = poppler_words(data)[1]
    alt = [w for w in words if khmer.has_khmer(w.text) and "ព្រៃវែង" in w.text]
    english = [w for w in words if w.text == "Network" and w.bottom - w.top > 14]
    lead = [w for w in words if w.text == "mentoring"]
    assert alt and english and lead
    rules = [y for y in _rule_rows(data) if english[0].top < y < lead[0].top]
    assert rules, "no rule between the organisation's name and the sentence after it"
    assert min(rules) > max(w.bottom for w in alt) - 2  # under the Khmer name, not between
