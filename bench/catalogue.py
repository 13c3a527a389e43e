"""Benchmark the course catalogue against a bare view on the same server.

Seeds a fresh database with 500 courses (topics, languages, covers), then:

* counts the queries of an uncached catalogue render with 5 and with 500
  courses (they must be equal);
* serves the site with uvicorn (one worker, the test settings: DEBUG off,
  the same middleware as production) and measures requests per second of
  the catalogue's first page for an anonymous visitor against a bare view
  that returns a 20-byte text response through the same middleware, both
  over one keep-alive connection, back to back in each of several rounds;
  the ratio is the median of the rounds' ratios;
* measures what a first visit transfers: the HTML with its CSS and JS, and
  separately the images the page refers to.

The last line is::

    RESULT throughput_ratio=<catalogue/bare> first_visit_kb=<n> images_kb=<n>
        queries_small=<n> queries_large=<n>

(on one line).

Targets: ``throughput_ratio`` ≥ 0.5 (anonymous pages are cached, and every
publish bumps the cache version, so caching never serves stale content),
``first_visit_kb`` ≤ 100, ``queries_small == queries_large``.

Run: ``.venv/bin/python bench/catalogue.py [--courses 500] [--seconds 2]``.
Uses a temporary SQLite database unless ``BENCH_DATABASE_URL`` is set.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CATALOGUE_PATH = "/km/courses/"
BARE_PATH = "/bench/bare/"
BARE_BODY = b"ok: bare view 20 B.\n"
assert len(BARE_BODY) == 20


def _environment(tmp: Path) -> dict:
    return {
        "DJANGO_SETTINGS_MODULE": "lms.settings.test",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.sqlite3'}"),
        "MEDIA_ROOT": str(tmp / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp / "private"),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", ""),
    }


def _install_bench_urls() -> None:
    """The site's URLs plus the bare view, installed as the root URLconf."""
    import types

    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import path

    def bare(request):
        return HttpResponse(BARE_BODY, content_type="text/plain")

    module = types.ModuleType("bench_catalogue_urls")
    from lms import urls as site_urls

    module.urlpatterns = [path(BARE_PATH.strip("/") + "/", bare), *site_urls.urlpatterns]
    sys.modules[module.__name__] = module
    settings.ROOT_URLCONF = module.__name__


# ---------------------------------------------------------------------------
# The server (a child process)
# ---------------------------------------------------------------------------


def serve(port: int) -> None:
    import django

    django.setup()
    _install_bench_urls()
    from django.conf import settings

    # As in production: WhiteNoise indexes static files once, at start-up.
    settings.WHITENOISE_AUTOREFRESH = False
    import uvicorn
    from django.core.asgi import get_asgi_application

    uvicorn.run(
        get_asgi_application(),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
    )


# ---------------------------------------------------------------------------
# Seeding and query counts (in this process)
# ---------------------------------------------------------------------------

TOPICS = [
    "human-rights",
    "gender-equality",
    "labour-rights",
    "advocacy",
    "fundraising",
    "financial-management",
    "digital-security",
    "safeguarding",
]
WORDS_KM = ["សិទ្ធិមនុស្ស", "ការតស៊ូមតិ", "ហិរញ្ញវត្ថុ", "សុវត្ថិភាពឌីជីថល", "យេនឌ័រ", "ការងារ"]


def _covers(n: int) -> list:
    import io

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    Image = get_image_model()
    covers = []
    for i in range(n):
        buffer = io.BytesIO()
        PILImage.new("RGB", (960, 540), (20 * i % 255, 79, 108)).save(buffer, format="PNG")
        buffer.seek(0)
        image = Image(title=f"Cover {i}", file=ImageFile(buffer, name=f"cover-{i}.png"))
        image.save()
        covers.append(image)
    return covers


def _seed(catalogue, start: int, count: int, covers: list) -> None:
    from django.db import transaction

    from courses import factories

    with transaction.atomic():  # one commit, not one per page: seeding in seconds
        _seed_pages(factories, catalogue, start, count, covers)


def _seed_pages(factories, catalogue, start: int, count: int, covers: list) -> None:
    for i in range(start, start + count):
        word = WORDS_KM[i % len(WORDS_KM)]
        factories.course_page(
            catalogue,
            title=f"វគ្គ {word} លេខ {i}",
            slug=f"course-{i}",
            summary=f"មេរៀនខ្លីៗអំពី{word} សម្រាប់បុគ្គលិកអង្គការសង្គមស៊ីវិល។ Course number {i}.",
            topics=[TOPICS[i % len(TOPICS)], TOPICS[(i * 3 + 1) % len(TOPICS)]],
            languages=["km", "en"] if i % 3 else ["km"],
            level=["introductory", "intermediate", "advanced"][i % 3],
            format=["self-paced", "cohort", "workshop-based"][i % 3],
            cover_image=covers[i % len(covers)],
        )


def _count_queries() -> int:
    """Queries of one uncached render of the catalogue's first page, for an anonymous visitor."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    # Warm the site-wide caches (site root paths, the nav item) and the card
    # renditions under another URL, so that the counted page is uncached.
    client.get(CATALOGUE_PATH + "?warm=1")
    with CaptureQueriesContext(connection) as context:
        response = client.get(CATALOGUE_PATH)
    assert response.status_code == 200, response.status_code
    return len(context.captured_queries)


# ---------------------------------------------------------------------------
# Measuring over HTTP
# ---------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", BARE_PATH)
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the benchmark server did not start")


def _rate(port: int, path: str, seconds: float) -> float:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    done = 0
    start = time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, (path, response.status)
        done += 1
    connection.close()
    return done / elapsed


def _get(port: int, path: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    body = response.read()
    assert response.status == 200, (path, response.status)
    return body


def _first_visit(port: int, media_root: Path) -> tuple[int, int, list[str]]:
    """(HTML + CSS + JS bytes, image bytes, hosts other than ours) of a first visit."""
    html = _get(port, CATALOGUE_PATH)
    text = html.decode()
    assets = re.findall(r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text)
    assets += re.findall(r'<script[^>]+src="([^"]+)"', text)
    images = set(re.findall(r'<img[^>]+src="([^"]+)"', text))
    foreign = [
        url
        for url in re.findall(r'(?:src|href)="(https?://[^"]+)"', text)
        if "127.0.0.1" not in url
    ]
    total = len(html) + sum(len(_get(port, urlsplit(url).path)) for url in assets)
    image_bytes = 0
    for url in images:
        file = media_root / urlsplit(url).path.removeprefix("/media/")
        image_bytes += file.stat().st_size
    return total, image_bytes, foreign


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--courses", type=int, default=500)
    parser.add_argument("--seconds", type=float, default=1.0)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-catalogue-"))
    env = _environment(tmp)
    os.environ.update(env)
    server = None
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connections

        _install_bench_urls()
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        from courses import factories

        catalogue = factories.catalogue_page("km")
        covers = _covers(8)
        _seed(catalogue, 0, 5, covers)
        queries_small = _count_queries()
        _seed(catalogue, 5, args.courses - 5, covers)
        queries_large = _count_queries()
        print(f"seeded {args.courses} courses in {time.perf_counter() - started:.0f} s")
        connections.close_all()

        port = _free_port()
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(port)],
            env={**os.environ, **env},
            cwd=ROOT,
        )
        _wait_for(port)
        _get(port, CATALOGUE_PATH)  # the first, uncached render fills the cache
        bare_rates, catalogue_rates = [], []
        for _ in range(args.rounds):
            bare_rates.append(_rate(port, BARE_PATH, args.seconds))
            catalogue_rates.append(_rate(port, CATALOGUE_PATH, args.seconds))
        bare, catalogue_rate = statistics.median(bare_rates), statistics.median(catalogue_rates)
        # Each round measures both, back to back, so each ratio compares like
        # with like on a shared machine; the median ignores a disturbed round.
        ratio = statistics.median(c / b for c, b in zip(catalogue_rates, bare_rates, strict=True))
        first_visit, image_bytes, foreign = _first_visit(port, Path(env["MEDIA_ROOT"]))
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)

    rounds = ", ".join(f"{r:.0f}" for r in bare_rates)
    print(f"bare view:      {bare:8.0f} requests/s (rounds: {rounds})")
    print(
        f"catalogue page: {catalogue_rate:8.0f} requests/s "
        f"(rounds: {', '.join(f'{r:.0f}' for r in catalogue_rates)})"
    )
    print(
        f"first visit: {first_visit / 1024:.1f} KB HTML+CSS+JS, {image_bytes / 1024:.1f} KB images"
    )
    print(f"queries: {queries_small} with 5 courses, {queries_large} with {args.courses}")
    print(f"requests to other hosts: {len(foreign)}")
    print(
        f"RESULT throughput_ratio={ratio:.2f} first_visit_kb={first_visit / 1024:.1f} "
        f"images_kb={image_bytes / 1024:.1f} queries_small={queries_small} "
        f"queries_large={queries_large}"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]))
    else:
        main()
