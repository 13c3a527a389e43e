"""The renderer's shortcuts draw exactly the page WeasyPrint draws without them.

The certificate renderer reads its template's output as XML, matches it
against a user-agent stylesheet cut down to the elements the template uses,
and replays the fixed pictures (ornaments, diamonds) from their first drawing.
Each certificate below is also rendered the plain way (WeasyPrint's HTML
parser and full stylesheet, every picture drawn anew) and both are compared
as a reader sees them: the page's pixels and the extracted text.
"""

from __future__ import annotations

import dataclasses

import pytest
from PIL import ImageChops
from weasyprint import HTML

from certificates import document, pdftext, rendering
from certificates.factories import sample_content
from certificates.rendering import MAX_FIT, PDF_VARIANT, CertificateHTML, get_renderer

from .pdf_helpers import page_image, pdftotext

CASES = {
    "english": {"name": "Sokha Chan"},
    "khmer, wrapping": {"name": "ស្រីមុំ ចាន់ថាវី " * 6, "title_km": "ការគ្រប់គ្រងហិរញ្ញវត្ថុ " * 4},
    "long latin": {"name": "Cambodian League for the Promotion and Defense of Human Rights " * 2},
}


def plain_render(content) -> bytes:
    """The certificate as WeasyPrint renders it without the renderer's shortcuts."""
    renderer = get_renderer()
    with pdftext.exact_text():
        for fit in range(MAX_FIT + 1):
            laid_out = HTML(
                string=document.render_html(content, fit),
                base_url=renderer.base_url,
                url_fetcher=renderer.fetcher,
            ).render(
                stylesheets=[renderer.stylesheet],
                font_config=renderer.font_config,
                pdf_variant=PDF_VARIANT,
            )
            if rendering.place(laid_out):
                break
        return renderer._write(laid_out, b"plain", [], None)


def our_render(content) -> bytes:
    return get_renderer().render(lambda fit: document.render_html(content, fit), identifier=b"ours")


@pytest.mark.parametrize("case", CASES)
def test_the_page_and_its_text_are_those_of_plain_weasyprint(case):
    """Same pixels at 100 dpi and the same extracted text, first render and replayed ones."""
    content = sample_content(**CASES[case])
    plain = plain_render(content)
    for _ in range(2):  # the second draws the pictures from their recording
        ours = our_render(content)
        difference = ImageChops.difference(page_image(plain, 100), page_image(ours, 100))
        assert difference.getbbox() is None, case
        assert pdftotext(ours) == pdftotext(plain)


def test_the_template_is_read_as_xml_and_the_pictures_are_replayed():
    """The fast paths are the ones taken (a parse error would fall back to HTML)."""
    renderer = get_renderer()
    html = document.render_html(sample_content(name="Dara"))
    parsed = CertificateHTML.from_markup(html, base_url=renderer.base_url, url_fetcher=None)
    assert parsed.etree_element.tag == "html"
    assert parsed.etree_element.find("body/main") is not None
    our_render(sample_content(name="Dara"))
    our_render(sample_content(name="Vanna"))
    recorded = [
        image for image in renderer.image_cache.values() if isinstance(image, rendering.RecordedSVG)
    ]
    assert len(recorded) == 2  # the ornaments and the diamond
    assert all(ops for image in recorded for ops in image.recorded.values())


def test_markup_that_is_not_xml_is_read_as_html():
    """A document that is not well-formed XML still renders, through WeasyPrint's parser."""
    markup = "<!DOCTYPE html><html><body><p>Unclosed <br> tag &nbsp;</body></html>"
    parsed = CertificateHTML.from_markup(markup, base_url=None, url_fetcher=None)
    assert parsed.etree_element.find("body/p") is not None


def test_the_qr_png_has_the_modules_segno_draws():
    """The QR image written here has segno's own pixels: one per module, same colours."""
    import io

    from PIL import Image

    from certificates import qr

    content = sample_content().qr_content
    ours = Image.open(io.BytesIO(qr.png(content))).convert("RGB")
    theirs = io.BytesIO()
    qr.make(content).save(theirs, kind="png", scale=1, border=0, dark="#1c2430")
    theirs = Image.open(io.BytesIO(theirs.getvalue())).convert("RGB")
    assert ours.size == theirs.size == (qr.make(content).symbol_size(scale=1, border=0))
    assert ImageChops.difference(ours, theirs).getbbox() is None


def test_a_render_leaves_no_garbage_for_the_collector():
    """Each render frees its own reference cycles when it ends, so a batch's memory stays flat.

    A laid-out document is a web of cycles (boxes, styles, Pango layouts);
    left to the collector's schedule, dozens of renders' worth piled up
    before a full collection came by and a batch's peak memory kept rising.
    """
    import gc

    renderer = get_renderer()
    our_render(sample_content(name="Dara"))
    gc.collect()
    assert gc.isenabled()
    for name in ("Vanna", "ស្រីមុំ ចាន់ថាវី"):
        our_render(sample_content(name=name))
        assert gc.isenabled()
        assert gc.collect() == 0, "a render left objects only the cyclic collector frees"
    assert renderer.image_cache  # the fixed assets are still cached


def test_streams_compressed_once_give_the_file_pydyf_writes():
    """Compressing each stream once (not again for the file identifier) changes no byte."""
    import datetime

    renderer = get_renderer()
    html = document.render_html(sample_content(name="Sokha Chan"))
    stamp = datetime.datetime(2026, 3, 15, tzinfo=datetime.UTC)
    attachment = [("credential.json", "Signed credential", '{"a": 1}')]
    with pdftext.exact_text():
        ours = renderer._write(renderer.fitted_layout(html), b"same", attachment, stamp)
    with pdftext.exact_text():
        laid_out = renderer.fitted_layout(html)
        theirs = laid_out.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_identifier=b"same",
            attachments=renderer._attachments(attachment, stamp),
            finisher=pdftext.finisher,
        )
    assert ours == theirs


def test_the_qr_code_is_made_once_for_all_fitting_steps():
    """A certificate laid out again a step smaller still fetches its QR image once."""
    renderer = get_renderer()
    renderer.fetcher.calls.clear()
    fits = sample_content(name="Sokha Chan")
    overflows = dataclasses.replace(fits, name="Sokha Chan " * 400)  # same QR code
    steps = []

    def html(fit):
        steps.append(fit)
        return document.render_html(overflows if fit < 2 else fits, fit)

    renderer.fitted_layout(html)
    assert steps == [0, 1, 2]
    assert len([call for call in renderer.fetcher.calls if "/qr/" in call.url]) == 1
    assert not [url for url in renderer.image_cache if "/qr/" in str(url)]
