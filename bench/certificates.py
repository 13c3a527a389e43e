"""Certificate rendering benchmark.

Per-certificate render time (template, QR code, PDF/A-3 with the signed
credential attached) against a bare WeasyPrint render of a one-line page
set in the same fonts, measured alternately in one run so machine drift
affects both alike (target: ratio ≤ 2). Times are the process's CPU time,
so other work on a shared machine does not count. Then 100 certificates in
a batch (wall-clock time) with the process's peak resident memory.

    .venv/bin/python bench/certificates.py

Last line: ``RESULT render_ratio=<ours/bare> batch_100_s=<n> peak_mb=<n>``.
"""

from __future__ import annotations

import os
import resource
import statistics
import sys
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
    """A one-line page in the same fonts, with the same reused font configuration."""

    def __init__(self, renderer):
        self.renderer = renderer
        self.css = CSS(
            string=fonts.font_face_css() + ' body { font-family: "CSOA Khmer"; }',
            url_fetcher=renderer.fetcher,
            font_config=renderer.font_config,
        )

    def render(self, index: int) -> bytes:
        html = HTML(
            string=f"<p>វិញ្ញាបនបត្រ Certificate {index}</p>", url_fetcher=self.renderer.fetcher
        )
        return html.write_pdf(stylesheets=[self.css], font_config=self.renderer.font_config)


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
    print(f"certificate render: median {ours * 1000:.0f} ms CPU over {ROUNDS} rounds")
    print(f"bare one-line render, same fonts: median {base * 1000:.0f} ms CPU")

    start = time.perf_counter()
    total_bytes = 0
    for i in range(BATCH):
        total_bytes += len(render_ours(renderer, 1000 + i))
    batch = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"batch of {BATCH}: {batch:.1f} s, {total_bytes / BATCH / 1024:.0f} KB per PDF")
    print(f"RESULT render_ratio={ours / base:.2f} batch_100_s={batch:.1f} peak_mb={peak_mb:.0f}")


if __name__ == "__main__":
    main()
