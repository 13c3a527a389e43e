"""Certificate rendering benchmark.

Per-certificate render time (template, fitting, QR code, PDF/A-3 with the
signed credential attached, the Khmer text layer) against two baselines
measured alternately in the same run, so machine drift affects all alike:

* ``render_ratio``: a bare WeasyPrint render of a one-line page set in the
  same fonts (the certificate's five faces, each embedded and subset), reusing
  the same font configuration and parsed stylesheet (target: ≤ 4);
* ``render_ratio_same_doc``: the identical final certificate document (same
  HTML, stylesheet, images, PDF/A-3 and attachment) rendered by WeasyPrint as
  it is used out of the box: a new font configuration with the same fonts,
  stylesheet parsed again and images loaded again for every document
  (target: ≤ 0.5).

``render_ratio_plain`` is the one-line page in that out-of-the-box set-up,
fonts loaded correctly (the earlier baseline loaded none and drew tofu).
Times are the process's CPU time (median), so other work on a shared machine
does not count. Then a batch of 200 certificates (wall-clock time, reported
per 100) in a process of its own that renders nothing else (the baselines'
own peaks would hide the batch's), the peak resident memory of that process
(``VmHWM``) after 50 and after 200 (the growth must be nil) and its
memory in use at those points after a full collection, and the largest QR
version over names and titles of every length and script.

WeasyPrint itself keeps about 1.6 KB a document outside Python (measured
with an empty page, 1,000 renders, WeasyPrint 70), so the batch's growth
is printed beside ``peak_mb_growth_50_200_plain``: the same batch of the
``render_ratio`` baseline (the one-line page, bare WeasyPrint), in a process
of its own, read the same way. The renderer adds nothing when the two agree.

    .venv/bin/python bench/certificates.py

Last line: ``RESULT render_ratio=<n> render_ratio_same_doc=<n> batch_100_s=<n>
peak_mb=<n> peak_mb_growth_50_200=<n> qr_version_max=<n>
peak_mb_growth_50_200_plain=<n>``.
"""

from __future__ import annotations

import functools
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.dev")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from weasyprint import CSS, HTML, Attachment  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402

from certificates import credentials, document, fonts, qr, signing  # noqa: E402
from certificates.factories import sample_content  # noqa: E402
from certificates.rendering import (  # noqa: E402
    ASSETS_DIR,
    PDF_VARIANT,
    STYLESHEET_TEMPLATE,
    get_renderer,
)

ROUNDS = 15
BATCH = 200
BATCH_EARLY = 50
CREDENTIAL = '{"type": ["VerifiableCredential", "OpenBadgeCredential"], "proof": []}' * 20


def content(index: int):
    return sample_content(name=f"Learner {index}", code=f"B{index:03d}-TEST")


def render_ours(renderer, index: int) -> bytes:
    return renderer.render(
        functools.partial(document.render_html, content(index)),
        identifier=f"bench-{index}".encode(),
        attachments=[("credential.json", "Signed credential", CREDENTIAL)],
    )


LINE = (
    "<p>វិញ្ញាបនបត្រ <b>វិញ្ញាបនបត្រ</b> <span class=en>Certificate "
    "<span class=sb>{index}</span> <i>issued</i></span></p>"
)
LINE_CSS = (
    f' body {{ font-family: "{fonts.KHMER}"; }} .en {{ font-family: "{fonts.SERIF}"; }}'
    " .sb { font-weight: 600; }"
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
            string=fonts.font_face_css() + LINE_CSS,
            url_fetcher=renderer.fetcher,
            font_config=renderer.font_config,
        )

    def render(self, index: int) -> bytes:
        html = HTML(string=LINE.format(index=index), url_fetcher=self.renderer.fetcher)
        return html.write_pdf(stylesheets=[self.css], font_config=self.renderer.font_config)


def plain_font_faces() -> str:
    """``@font-face`` rules for the five faces as files (the Khmer weights fixed once)."""
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
    return "\n".join(rules)


class Plain:
    """The one-line page as WeasyPrint is used out of the box, fonts loaded correctly:
    a new font configuration and a freshly parsed stylesheet for every document."""

    def __init__(self):
        self.css_text = plain_font_faces() + LINE_CSS

    def render(self, index: int) -> bytes:
        font_config = FontConfiguration()
        css = CSS(string=self.css_text, font_config=font_config)
        html = HTML(string=LINE.format(index=index))
        return html.write_pdf(stylesheets=[css], font_config=font_config)


class PlainSameDocument:
    """The identical final certificate document, rendered by WeasyPrint out of the box:
    per document a new font configuration, the stylesheet parsed, the images loaded."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.css_text = plain_font_faces() + "\n" + render_to_string(STYLESHEET_TEMPLATE)
        for asset in ASSETS_DIR.iterdir():
            if asset.is_file():
                (folder / asset.name).write_bytes(asset.read_bytes())

    def html(self, index: int) -> str:
        c = content(index)
        html = document.render_html(c)
        qr_file = self.folder / f"qr-{index}.png"
        qr_file.write_bytes(qr.png(c.qr_content))
        return html.replace(qr.image_url(c.qr_content), qr_file.name)

    def render(self, index: int) -> bytes:
        html = self.html(index)  # as ours does: the HTML and the QR image, then the PDF
        font_config = FontConfiguration()
        css = CSS(string=self.css_text, font_config=font_config)
        document_ = HTML(string=html, base_url=self.folder.as_uri() + "/")
        return document_.write_pdf(
            stylesheets=[css],
            font_config=font_config,
            pdf_variant=PDF_VARIANT,
            pdf_identifier=f"bench-{index}".encode(),
            attachments=[
                Attachment(string=CREDENTIAL, name="credential.json", relationship="Source")
            ],
        )


def median_cpu(render, rounds: int = ROUNDS) -> float:
    times = []
    for i in range(rounds):
        start = time.process_time()
        render(i)
        times.append(time.process_time() - start)
    return statistics.median(times)


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB.

    On Linux, the peak of this process's own memory (``VmHWM``): its
    ``ru_maxrss`` starts at its parent's resident size when it was started
    (the kernel keeps the peak across ``execve``), which here is the
    baselines' peak, not the batch's. Elsewhere ``ru_maxrss`` (KB on Linux,
    bytes on macOS: an approximation).
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def in_use_mb() -> float | None:
    """Resident memory now, after a full collection (Linux only; else None)."""
    gc.collect()
    try:
        resident_pages = int(Path("/proc/self/statm").read_text().split()[1])
    except OSError:
        return None
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def batch(kind: str = "ours") -> dict:
    """Render the batch in this process (started for it) and report time and memory:
    the certificate (``ours``) or the ``Bare`` one-line page (``bare``)."""
    renderer = get_renderer()
    render = functools.partial(render_ours, renderer) if kind == "ours" else Bare(renderer).render
    for i in range(3):  # warm up, as the parent does: fonts, stylesheet, image cache
        render(i)
    start = time.perf_counter()
    total_bytes = 0
    readings = {}
    for i in range(BATCH):
        total_bytes += len(render(1000 + i))
        if i + 1 in (BATCH_EARLY, BATCH):
            seconds = time.perf_counter() - start
            readings[i + 1] = {"peak_mb": peak_mb(), "in_use_mb": in_use_mb()}
            start = time.perf_counter() - seconds  # the readings are not the batch's time
    return {"seconds": seconds, "kb_per_pdf": total_bytes / BATCH / 1024, "readings": readings}


def batch_in_own_process(kind: str = "ours") -> dict:
    result = subprocess.run(  # noqa: S603 - this very script, by the running interpreter
        [sys.executable, __file__, "--batch", kind], capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def qr_version_max() -> int:
    """The largest QR symbol over names and titles of every length and script."""
    token = "Q2xK9mP4vT7wZr3sYb8nHd6fJcLaBcDe"  # noqa: S105 - a made-up verification token
    key = signing.signing_key()
    url = f"{settings.SITE_URL.rstrip('/')}/verify/{token}/"
    versions = []
    for pattern in ("Sokha Chanthavy ", "ស្រីមុំ ចាន់ថាវី ", "W"):
        for length in (1, 44, 150, 255):
            text = (pattern * length)[:length]
            claims = credentials.OfflineClaims(
                token=token,
                code="7KQ2-MX9D",
                issued_on="2026-03-15",
                name=text,
                title=text,
                key_id=key.public.key_id,
                status_index=131_071,
            )
            versions.append(qr.version(f"{url}#{credentials.make_payload(claims, key)}"))
    return max(versions)


def main() -> None:
    renderer = get_renderer()
    bare = Bare(renderer)
    plain = Plain()
    with tempfile.TemporaryDirectory() as folder:
        same = PlainSameDocument(Path(folder))
        for i in range(3):  # warm up: font instances, parsed stylesheets, image cache
            render_ours(renderer, i)
            bare.render(i)
            plain.render(i)
            same.render(i)

        ours_times, bare_times, same_times = [], [], []
        for i in range(ROUNDS):
            for times, render in (
                (bare_times, bare.render),
                (ours_times, functools.partial(render_ours, renderer)),
                (same_times, same.render),
            ):
                start = time.process_time()
                render(i)
                times.append(time.process_time() - start)
    ours = statistics.median(ours_times)
    base = statistics.median(bare_times)
    same_doc = statistics.median(same_times)
    plain_line = median_cpu(plain.render)
    print(f"certificate render: median {ours * 1000:.1f} ms CPU over {ROUNDS} rounds")
    print(f"bare one-line render, same five faces, reused set-up: {base * 1000:.1f} ms CPU")
    print(
        f"the same certificate as plain WeasyPrint (set up per document): {same_doc * 1000:.1f} ms"
    )
    print(
        f"the one-line page as plain WeasyPrint (set up per document): {plain_line * 1000:.1f} ms"
    )

    measured = batch_in_own_process()
    batch_s = measured["seconds"]
    early, late = measured["readings"][str(BATCH_EARLY)], measured["readings"][str(BATCH)]
    early_peak, late_peak = early["peak_mb"], late["peak_mb"]
    print(
        f"batch of {BATCH} (own process): {batch_s:.1f} s, {measured['kb_per_pdf']:.0f} KB per PDF;"
        f" peak memory {early_peak:.1f} MB after {BATCH_EARLY}, {late_peak:.1f} MB after {BATCH}"
    )
    if early["in_use_mb"] is not None:
        print(
            f"memory in use after a full collection: {early['in_use_mb']:.1f} MB after "
            f"{BATCH_EARLY}, {late['in_use_mb']:.1f} MB after {BATCH}"
        )
    plain_batch = batch_in_own_process("bare")["readings"]
    plain_growth = plain_batch[str(BATCH)]["peak_mb"] - plain_batch[str(BATCH_EARLY)]["peak_mb"]
    print(
        f"the bare one-line page, the same batch in a process of its own: peak "
        f"grows {plain_growth:.1f} MB from {BATCH_EARLY} to {BATCH} (WeasyPrint's own)"
    )
    print(
        f"RESULT render_ratio={ours / base:.2f} render_ratio_same_doc={ours / same_doc:.2f} "
        f"batch_100_s={batch_s * 100 / BATCH:.1f} peak_mb={late_peak:.0f} "
        f"peak_mb_growth_50_200={late_peak - early_peak:.1f} qr_version_max={qr_version_max()} "
        f"peak_mb_growth_50_200_plain={plain_growth:.1f}"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--batch"]:
        print(json.dumps(batch(*sys.argv[2:3])))
    else:
        main()
