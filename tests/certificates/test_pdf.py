"""The certificate PDF, read back the way a person or a verifier would."""

from __future__ import annotations

import dataclasses
import datetime
import json
import re

import pytest
from weasyprint.formatting_structure.boxes import BlockBox, LineBox, TextBox

from certificates import credentials, document, fonts, khmer, qr, rendering, signing
from certificates.rendering import RestrictedURLFetcher, get_renderer

from .conftest import ENGLISH_TITLE, KHMER_TITLE, pdf_bytes
from .pdf_helpers import attachments, decode_qr, embedded_fonts, pdftotext, reader

pytestmark = pytest.mark.django_db

LONG_KHMER_TITLE = (
    "វគ្គបណ្តុះបណ្តាលស្តីពីការរៀបចំផែនការយុទ្ធសាស្ត្រ ការតស៊ូមតិ "
    "និងការគ្រប់គ្រងហិរញ្ញវត្ថុសម្រាប់អង្គការសង្គមស៊ីវិលថ្មីៗ"
    "នៅតាមបណ្តាខេត្តនានាទូទាំងព្រះរាជាណាចក្រកម្ពុជា"
)


@pytest.fixture
def pdf(certificate):
    assert certificate.render_state == "ready", certificate.render_error
    return pdf_bytes(certificate)


def test_text_carries_the_name_the_english_title_and_the_code(certificate, pdf):
    """pdftotext finds the name, both titles, letter for letter, and the code."""
    text = pdftotext(pdf)
    assert "Chan Sokha" in text
    assert ENGLISH_TITLE in " ".join(text.split())
    assert certificate.code in text
    assert KHMER_TITLE in "".join(text.split())


def test_dates_are_written_in_each_language(certificate, pdf):
    text = pdftotext(pdf)
    day = certificate.issued_at.astimezone(datetime.UTC)
    local = day.astimezone(datetime.timezone(datetime.timedelta(hours=7))).date()
    assert khmer.format_date_en(local) in " ".join(text.split())
    assert khmer.format_date_km(local) in text


def test_every_font_is_embedded_and_comes_from_the_packages(pdf):
    """Fonts are embedded subsets of the packaged families, never a system font."""
    found = embedded_fonts(pdf)
    assert found and all(found.values()), found
    for name in found:
        assert re.fullmatch(r"/[A-Z]{6}\+CSOA-(Khmer|Serif)(-[A-Za-z-]+)?", name), name


def test_metadata_is_set(certificate, pdf):
    pdf_reader = reader(pdf)
    meta = pdf_reader.metadata
    assert "Chan Sokha" in meta.title and ENGLISH_TITLE in meta.title
    assert meta.author == "CSO Academy"
    assert "Certificate of Completion" in meta.subject
    assert certificate.code in meta["/Keywords"]
    assert pdf_reader.trailer["/Root"]["/Lang"] == "km"


def test_it_is_pdf_a_3_with_the_signed_credential_embedded(certificate, pdf):
    """The document carries its own proof: a credential that verifies with the platform key."""
    xmp = reader(pdf).xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    files = attachments(pdf)
    assert set(files) == {"credential.json"}
    embedded = json.loads(files["credential.json"])
    assert embedded == json.loads(certificate.credential)
    unsigned = credentials.verify_credential(embedded, signing.public_keys())
    subject = unsigned["credentialSubject"]
    assert subject["identifier"][0]["identityHash"] == "Chan Sokha"
    assert subject["achievement"]["name"] == ENGLISH_TITLE
    assert unsigned["humanCode"] == certificate.code


def test_qr_code_decodes_to_the_verification_url(certificate, pdf):
    """A phone scanning the printed QR code opens the public verification page."""
    decoded = decode_qr(pdf)
    assert len(decoded) == 1
    url, _, payload = decoded[0].partition("#")
    assert url == f"https://academy.example.org/verify/{certificate.token}/"
    claims = credentials.verify_payload(decoded[0], signing.public_keys())
    assert payload == certificate.payload
    assert claims.code == certificate.code and claims.matches("Chan Sokha", ENGLISH_TITLE)


def test_names_are_text_and_make_the_renderer_fetch_nothing(user, issue, monkeypatch):
    """Markup and CSS in a name are printed literally; only our own files are read."""
    hostile = "<img src=x> url(file:///etc/passwd)"
    from certificates.services import issuing, links

    issuing.confirm_name(user, legal_name=hostile)
    renderer = rendering.CertificateRenderer()  # fresh: every fetch, fonts included, is recorded
    monkeypatch.setattr(rendering, "get_renderer", lambda: renderer)
    certificate = issue(user)
    assert certificate.render_state == "ready", certificate.render_error
    text = " ".join(pdftotext(pdf_bytes(certificate)).split())
    assert "<img src=x> url(file:///etc/passwd)" in text
    calls = list(renderer.fetcher.calls)
    assert all(call.allowed for call in calls), calls
    fetched = {call.url for call in calls}
    assets = {
        f"{rendering.ASSETS_DIR.as_uri()}/{name}" for name in ("ornaments.svg", "diamond.svg")
    }
    qr_image = {qr.image_url(links.qr_content(certificate))}
    assert fetched == assets | qr_image | {face.url for face in fonts.FACES}


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://example.org/logo.png",
        "data:image/svg+xml,<svg/>",
        "ftp://example.org/x",
        f"{rendering.ASSETS_DIR.as_uri()}/../../../../../lms/settings/base.py",
        f"{rendering.ASSETS_DIR.as_uri()}/ornaments.svg?x=1",
    ],
)
def test_fetcher_refuses_everything_but_our_files(url):
    fetcher = RestrictedURLFetcher(
        allowed_files=fonts.font_files(), allowed_dirs=rendering.static_dirs()
    )
    with pytest.raises(rendering.FetchRefused):
        fetcher.fetch(url)
    assert fetcher.calls[-1].allowed is False


def test_fetcher_serves_our_assets_and_fonts():
    fetcher = RestrictedURLFetcher(
        allowed_files=fonts.font_files(), allowed_dirs=rendering.static_dirs()
    )
    assert (
        fetcher.fetch(f"{rendering.ASSETS_DIR.as_uri()}/ornaments.svg").read().startswith(b"<svg")
    )
    face = fonts.FACES[0]
    assert len(fetcher.fetch(face.url).read()) > 10_000


def _content(**overrides) -> document.CertificateContent:
    base = document.CertificateContent(
        kind="course",
        name="Chan Sokha",
        title_km=LONG_KHMER_TITLE,
        title_en="Strategic planning, advocacy and financial management",
        issued_on=datetime.date(2026, 3, 15),
        issuer_km="បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល",
        issuer_en="CSO Academy",
        code="7KQ2-MX9D",
        verify_url="https://academy.example.org/verify/abc/",
        qr_content="https://academy.example.org/verify/abc/",
    )
    return dataclasses.replace(base, **overrides)


def _walk(box):
    yield box
    for child in getattr(box, "children", []):
        yield from _walk(child)


def _title_overflow(html: str) -> tuple[int, float]:
    """(lines, how far the widest Khmer title line sticks out of its box, in px)."""
    page = get_renderer().layout(html).pages[0]._page_box
    title = next(
        box
        for box in _walk(page)
        if isinstance(box, BlockBox)
        and box.element is not None
        and "course__km" in (box.element.get("class") or "")
    )
    left = title.content_box_x()
    right = left + title.width
    lines = [box for box in _walk(title) if isinstance(box, LineBox)]
    overflow = max(
        max(0.0, left - text.position_x, text.position_x + text.width - right)
        for text in _walk(title)
        if isinstance(text, TextBox)
    )
    return len(lines), overflow


def test_a_long_khmer_title_wraps_inside_its_box():
    """Segmented into words, the title wraps over several lines and stays in its box."""
    lines, overflow = _title_overflow(document.render_html(_content()))
    assert lines >= 2
    assert overflow < 0.5


def test_without_segmentation_the_same_title_breaks_anywhere_rather_than_overflow(monkeypatch):
    """Pango finds no break in unsegmented Khmer; the title then breaks between
    letters, still inside its box, instead of running off the page."""
    monkeypatch.setattr(khmer, "segment", lambda text: text.replace(khmer.ZWSP, ""))
    html = document.render_html(_content(title_km=LONG_KHMER_TITLE.replace(" ", "")))
    lines, overflow = _title_overflow(html)
    assert lines >= 2
    assert overflow < 0.5
