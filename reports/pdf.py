"""The donor report as a PDF, set with WeasyPrint in the certificates' fonts.

The fonts come from the certificates app's one public font function,
``certificates.fonts.font_face_css()``, called here and nowhere else in this
app: its ``@font-face`` rules name the packaged font files, and the fetcher
below reads exactly those files from disk and refuses every other URL, so a
report can never make the renderer fetch anything over the network (titles
and names in it are text people typed).
"""

from __future__ import annotations

import mimetypes
import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

TEMPLATE = "reports/donor_report.html"
STYLESHEET = "reports/donor_report.css"
_URL = re.compile(r'url\("([^"]+)"\)')


class FetchRefused(ValueError):
    """The renderer asked for a file that is not one of the report's fonts."""


@cache
def font_css() -> str:
    from certificates.fonts import font_face_css

    return font_face_css()


@cache
def font_files() -> frozenset[Path]:
    """The files the font rules name, resolved (nothing else may be read)."""
    paths = set()
    for url in _URL.findall(font_css()):
        parts = urlsplit(url)
        if parts.scheme == "file":
            paths.add(Path(url2pathname(parts.path)).resolve())
    return frozenset(paths)


class FontOnlyFetcher(URLFetcher):
    """Serves the font files of :func:`font_files` from disk; refuses everything else."""

    def __init__(self):
        super().__init__(allowed_protocols={"file"}, fail_on_errors=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        path = Path(url2pathname(parts.path)).resolve() if parts.scheme == "file" else None
        if path is None or parts.netloc not in ("", "localhost") or path not in font_files():
            self.refused.append(url[:200])
            raise FetchRefused(f"Refused to fetch {url[:200]!r}")
        content_type = mimetypes.guess_type(path.name)[0] or "font/ttf"
        return URLFetcherResponse(
            path.as_uri(), body=path.read_bytes(), headers={"Content-Type": content_type}
        )


def render_pdf(context: dict) -> bytes:
    """The donor report PDF for ``context`` (see ``services.donor_content``)."""
    fetcher = FontOnlyFetcher()
    font_config = FontConfiguration()
    stylesheet = CSS(
        string=font_css() + "\n" + render_to_string(STYLESHEET, context),
        url_fetcher=fetcher,
        font_config=font_config,
    )
    # Charts inherit the page's font in the admin; WeasyPrint's SVG text does not
    # inherit from HTML, so name the report's fonts on each chart.
    html = render_to_string(TEMPLATE, context).replace(
        'font-family="inherit"', 'font-family="CSOA Khmer, CSOA Serif"'
    )
    document = HTML(string=html, url_fetcher=fetcher, base_url="file:///nonexistent/")
    return document.write_pdf(stylesheets=[stylesheet], font_config=font_config)
