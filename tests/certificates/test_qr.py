"""The QR code reads on a phone, for Khmer names too.

The offline payload has a fixed length, so every certificate's symbol is
the same small one (at most version 10 at the printed 30 mm). Decoded by
zxing-cpp, not by us, from pages rasterised by poppler at 100 dpi, and
after blurring and downscaling the picture as a phone camera would.
"""

from __future__ import annotations

import dataclasses
import functools

import pytest
import zxingcpp
from PIL import ImageFilter

from certificates import credentials, document, qr, rendering, signing
from certificates.encoding import b64url
from certificates.factories import sample_content
from certificates.services import issuing, links

from .pdf_helpers import page_image
from .test_layout import KHMER, LATIN, text_of

KHMER_TITLE = "វគ្គបណ្តុះបណ្តាលស្តីពីការរៀបចំផែនការយុទ្ធសាស្ត្រ និងការតស៊ូមតិ"

pytestmark = pytest.mark.django_db

# A fixed key, so that the symbols (which carry a signature) are the same on every machine.
PINNED_KEY = "bWFkZS11cC1mb3ItdGhlLXFyLXRlc3RzLW9ubHktMzI="


@pytest.fixture(autouse=True)
def _pinned_signing_key(settings):
    settings.CERTIFICATES_SIGNING_KEY = PINNED_KEY
    khmer_pdf.cache_clear()


def payload_for(name: str, title: str) -> str:
    claims = credentials.OfflineClaims(
        token="Q2xK9mP4vT7wZr3sYb8nHd6fJcLaBcDe",
        code="7KQ2-MX9D",
        issued_on="2026-03-15",
        name=name,
        title=title,
        key_id=signing.signing_key().public.key_id,
        status_index=123_456,
    )
    return credentials.make_payload(claims, signing.signing_key())


URL = "https://academy.example.org/verify/Q2xK9mP4vT7wZr3sYb8nHd6fJcLaBcDe/"
NAMES = {
    "short latin": ("Chan Sokha", "Advocacy"),
    "longest latin": (text_of(LATIN, 150), text_of(LATIN, 255)),
    "longest khmer": (text_of(KHMER, 150), text_of(KHMER, 255)),
    "khmer title": ("ស្រីមុំ ចាន់", KHMER_TITLE),
}


@pytest.mark.parametrize("case", list(NAMES))
def test_every_symbol_is_version_10_or_smaller(case):
    """Whatever the name and title, in either script, the symbol stays small."""
    name, title = NAMES[case]
    assert qr.version(f"{URL}#{payload_for(name, title)}") <= 10


def test_a_long_site_address_still_fits(settings):
    """A site address longer than ours still leaves the symbol at version 10 or below."""
    url = "https://training.cso-academy.example.org.kh/verify/Q2xK9mP4vT7wZr3sYb8nHd6fJcLaBcDe/"
    assert qr.version(f"{url}#{payload_for('ស្រីមុំ', KHMER_TITLE)}") <= 10


@functools.cache
def khmer_pdf() -> tuple[str, bytes]:
    content = f"{URL}#{payload_for('ស្រីមុំ ចាន់ថាវី', KHMER_TITLE)}"
    c = sample_content(name="ស្រីមុំ ចាន់ថាវី", title_km=KHMER_TITLE, qr_content=content)
    pdf = rendering.get_renderer().render(functools.partial(document.render_html, c))
    return content, pdf


def read(image) -> list[str]:
    return [
        code.text for code in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    ]


def test_zxing_reads_a_khmer_certificate_printed_at_100_dpi():
    content, pdf = khmer_pdf()
    assert read(page_image(pdf, dpi=100)) == [content]


def photographed(pdf: bytes, dpi: int, blur: float, scale: float):
    """The page at ``dpi``, blurred by ``blur`` pixels, then shrunk to ``scale``."""
    image = page_image(pdf, dpi=dpi).filter(ImageFilter.GaussianBlur(blur))
    return image.resize((int(image.width * scale), int(image.height * scale)))


# Each symbol's pattern depends on its signature, so the key is pinned (below) and
# every case here was checked to read with ten random keys too: at 150 dpi a blur
# of one pixel, shrunk to 0.6, reads for about half of all keys and is not a case.
PHOTOGRAPHS = [(150, 0.8, 0.6), (200, 1.5, 0.5), (200, 2.0, 1.0)]


@pytest.mark.parametrize(("dpi", "blur", "scale"), PHOTOGRAPHS)
def test_zxing_reads_it_blurred_and_downscaled_like_a_photograph(dpi, blur, scale):
    """Blurred by a quarter to half a module, then shrunk to about two pixels a module."""
    content, pdf = khmer_pdf()
    assert read(photographed(pdf, dpi, blur, scale)) == [content]


def test_the_control_the_texts_in_utf8_made_a_symbol_that_fails_the_same_photograph():
    """The first format carried the Khmer name and title as UTF-8: version 15 or more,
    and the same blurred picture no longer reads."""
    key = signing.signing_key()
    name, title = "ស្រីមុំ ចាន់ថាវី".encode(), KHMER_TITLE[:60].encode()
    message = (
        bytes([1, 24])
        + bytes(24)
        + b"7KQ2MX9D"
        + bytes(2)
        + bytes(8)
        + bytes([len(name)])
        + name
        + bytes([len(title)])
        + title
    )
    old = f"{URL}#CSOA1.{b64url(message)}.{b64url(key.sign(message))}"
    assert qr.version(old) >= 15
    c = sample_content(name="ស្រីមុំ ចាន់ថាវី", title_km=KHMER_TITLE, qr_content=old)
    pdf = rendering.get_renderer().render(functools.partial(document.render_html, c))
    assert read(photographed(pdf, 200, 1.5, 0.5)) == []


def test_an_issued_certificates_qr_carries_its_url_and_a_payload_that_verifies(
    user, make_enrolment, django_capture_on_commit_callbacks, fast_pdf
):
    issuing.confirm_name(user, legal_name="ស្រីមុំ ចាន់ថាវី")
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issuing.issue_for(make_enrolment(user))
    certificate.refresh_from_db()
    content = links.qr_content(certificate)
    assert qr.version(content) <= 10
    claims = credentials.verify_payload(content, signing.public_keys())
    assert claims.matches("ស្រីមុំ ចាន់ថាវី", certificate.title_en)
    assert claims.status_index == certificate.status_index


def test_the_payload_is_versioned_and_documented():
    """The format's version is in the prefix and in the message; the docs describe it."""
    from pathlib import Path

    payload = payload_for("Chan Sokha", "Advocacy")
    assert payload.startswith("CSOA2.")
    docs = (Path(__file__).resolve().parents[2] / "docs" / "certificates.md").read_text()
    assert "CSOA2" in docs and "name_title_digest" in docs
    assert dataclasses.fields(credentials.OfflineClaims)


def test_a_site_address_too_long_for_a_small_symbol_is_reported(settings):
    """`check --deploy` warns when SITE_URL would push the QR code above version 10."""
    from certificates.checks import check_qr_code_size

    assert check_qr_code_size(None) == []
    settings.SITE_URL = "https://" + "very-long-name." * 8 + "example.org"
    assert [w.id for w in check_qr_code_size(None)] == ["certificates.W001"]
