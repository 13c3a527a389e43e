"""Certificate rendering benchmark.

Per-certificate render time (template, QR code, PDF/A-3 with the signed
credential attached) against a bare WeasyPrint render of a one-line page
set in the same fonts (the certificate's five faces, each embedded and
subset as in the certificate), measured alternately in one run so machine
drift affects both alike (target: ratio ≤ 2). Both reuse one font
configuration and parsed stylesheet, so the ratio is what the certificate
adds, not start-up. Times are the process's CPU time (median), so other
work on a shared machine does not count. Where the time goes is shown by
rendering the certificate again without its QR code, without its
ornaments, and without both: that last figure, the certificate's text
alone, is the floor no choice about drawing the QR code or the ornaments
can go below. Then 100 certificates in a batch (wall-clock time) with the
process's peak resident memory.

    .venv/bin/python bench/certificates.py

Last line: ``RESULT render_ratio=<ours/bare> batch_100_s=<n> peak_mb=<n>``.
"""

from __future__ import annotations

import os
import re
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

import django  # noqa: E402

django.setup()

from weasyprint import CSS, HTML  # noqa: E402

from certificates import document, fonts  # noqa: E402
from certificates.factories import sample_content  # noqa: E402
from certificates.rendering import get_renderer  # noqa: E402

ROUNDS = 15
QR = r"<svg.*?</svg>"
ORNAMENTS = r'<img [^>]*\.svg"[^>]*>'
BATCH = 100
CREDENTIAL = '{"type": ["VerifiableCredential", "OpenBadgeCredential"], "proof": {}}' * 20


def render_ours(renderer, index: int) -> bytes:
    content = sample_content(name=f"Learner {index}", code=f"B{index:03d}-TEST")
    html = document.render_html(content)
    return renderer.render(
        html,
        identifier=f"bench-{index}".encode(),
        attachments=[("credential.json", "Signed credential", CREDENTIAL)],
    )


class Bare:
    """A one-line page in the same fonts, with the same reused font configuration.

    The line uses each face the certificate uses (Khmer regular and bold,
    the serif's regular, semibold and italic), so the PDF embeds the same
    five subset fonts.
    """

    def __init__(self, renderer):
        self.renderer = renderer
        self.css = CSS(
            string=fonts.font_face_css()
            + f' body {{ font-family: "{fonts.KHMER}"; }} .en {{ font-family: "{fonts.SERIF}"; }}'
            + " .sb { font-weight: 600; }",
            url_fetcher=renderer.fetcher,
            font_config=renderer.font_config,
        )

    def render(self, index: int) -> bytes:
        html = HTML(
            string=f"<p>វិញ្ញាបនបត្រ <b>វិញ្ញាបនបត្រ</b> <span class=en>Certificate "
            f"<span class=sb>{index}</span> <i>issued</i></span></p>",
            url_fetcher=self.renderer.fetcher,
        )
        return html.write_pdf(stylesheets=[self.css], font_config=self.renderer.font_config)


class Plain(Bare):
    """The same one-line page as WeasyPrint is used out of the box: a new font
    configuration and a freshly parsed stylesheet for every document (the
    Khmer faces as the fixed-weight files the certificate embeds)."""

    def __init__(self, renderer):
        self.renderer = renderer
        rules = []
        for face in fonts.FACES:
            fragment = face.url.partition("#")[2]
            path = face.path
            if fragment:
                path = Path(tempfile.gettempdir()) / f"bench-{fonts.KHMER}-{face.weight}.ttf"
                path.write_bytes(fonts.font_bytes(face.path, fragment))
            rules.append(
                f'@font-face {{ font-family: "{face.family}"; src: url("{path.as_uri()}");'
                f" font-weight: {face.weight}; font-style: {face.style}; }}"
            )
        self.css_text = "\n".join(rules) + (
            f' body {{ font-family: "{fonts.KHMER}"; }} .en {{ font-family: "{fonts.SERIF}"; }}'
            " .sb { font-weight: 600; }"
        )

    def render(self, index: int) -> bytes:
        html = HTML(
            string=f"<p>វិញ្ញាបនបត្រ <b>វិញ្ញាបនបត្រ</b> <span class=en>Certificate "
            f"<span class=sb>{index}</span> <i>issued</i></span></p>"
        )
        return html.write_pdf(stylesheets=[CSS(string=self.css_text)])


def median_cpu(render, rounds: int = ROUNDS) -> float:
    times = []
    for i in range(rounds):
        start = time.process_time()
        render(i)
        times.append(time.process_time() - start)
    return statistics.median(times)


def render_without(renderer, pattern: str, index: int) -> bytes:
    content = sample_content(name=f"Learner {index}", code=f"B{index:03d}-TEST")
    html = re.sub(pattern, "", document.render_html(content), flags=re.S)
    return renderer.render(html, identifier=f"bench-{index}".encode())


def main() -> None:
    renderer = get_renderer()
    bare = Bare(renderer)
    for i in range(3):  # warm up: font instances, parsed stylesheets, image cache
        render_ours(renderer, i)
        bare.render(i)

    ours_times, bare_times = [], []
    for i in range(ROUNDS):
        start = time.process_time()
        bare.render(i)
        bare_times.append(time.process_time() - start)
        start = time.process_time()
        render_ours(renderer, i)
        ours_times.append(time.process_time() - start)
    ours = statistics.median(ours_times)
    base = statistics.median(bare_times)
    print(f"certificate render: median {ours * 1000:.1f} ms CPU over {ROUNDS} rounds")
    print(f"bare one-line render, same five faces: median {base * 1000:.1f} ms CPU")
    plain = median_cpu(Plain(renderer).render)
    print(f"the same line as plain WeasyPrint (fonts loaded per document): {plain * 1000:.1f} ms")
    no_qr = median_cpu(lambda i: render_without(renderer, QR, i))
    no_ornaments = median_cpu(lambda i: render_without(renderer, ORNAMENTS, i))
    text_only = median_cpu(lambda i: render_without(renderer, f"{QR}|{ORNAMENTS}", i))
    qr = ours - no_qr
    print(f"  of which the QR code (version 13, signed payload): {qr * 1000:.1f} ms")
    ornaments = (ours - no_ornaments) * 1000
    print(f"  of which the six ornaments (corners, seal, watermark): {ornaments:.1f} ms")
    print(
        f"the certificate's text alone (no QR code, no ornaments): {text_only * 1000:.1f} ms, "
        f"{text_only / base:.2f}x the bare page; the QR code alone is {qr / base:.2f}x it"
    )

    start = time.perf_counter()
    total_bytes = 0
    for i in range(BATCH):
        total_bytes += len(render_ours(renderer, 1000 + i))
    batch = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"batch of {BATCH}: {batch:.1f} s, {total_bytes / BATCH / 1024:.0f} KB per PDF")
    print(
        f"RESULT render_ratio={ours / base:.2f} batch_100_s={batch:.1f} peak_mb={peak_mb:.0f} "
        f"render_ms={ours * 1000:.1f} bare_ms={base * 1000:.1f} "
        f"render_ratio_plain={ours / plain:.2f} text_only_ratio={text_only / base:.2f} "
        f"qr_ms={qr * 1000:.1f}"
    )


if __name__ == "__main__":
    main()
