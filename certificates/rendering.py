"""HTML → PDF with WeasyPrint, locked down and reused across renders.

WeasyPrint fetches whatever a document points at: images, stylesheets, fonts,
over HTTP or from the file system. Certificates carry text that people typed
(names, course titles), so the renderer is given a :class:`RestrictedURLFetcher`
that reads only the project's own static files and the packaged fonts from
disk, refuses everything else, and records every call so tests can prove it.

Parsing the stylesheet and loading fonts are the slow parts of a render, so a
:class:`CertificateRenderer` keeps its font configuration, parsed stylesheet
and image cache and is reused for every certificate a process renders (one per
thread: Pango objects are not shared between threads).
"""

from __future__ import annotations

import mimetypes
import os
import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML, Attachment
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fonts

PDF_VARIANT = "pdf/a-3b"
ASSETS_DIR = Path(__file__).resolve().parent / "static" / "certificates" / "pdf"
STYLESHEET_TEMPLATE = "certificates/certificate.css"


class FetchRefused(ValueError):
    """The renderer asked for something outside the allowed files."""


@dataclass(frozen=True)
class FetchCall:
    url: str
    allowed: bool


class RestrictedURLFetcher(URLFetcher):
    """Serves allowed files from disk; refuses every other URL.

    ``allowed_files`` are exact paths (the fonts); ``allowed_dirs`` are
    directories whose files may be read (static assets). Only ``file:`` URLs
    are considered, and only after resolving symlinks and ``..``. Refusals
    raise, and WeasyPrint then leaves the resource out of the document.
    """

    def __init__(self, *, allowed_files=(), allowed_dirs=(), max_calls: int = 1000):
        super().__init__(allowed_protocols={"file"}, fail_on_errors=False)
        self.allowed_files = frozenset(Path(p).resolve() for p in allowed_files)
        self.allowed_dirs = tuple(Path(p).resolve() for p in allowed_dirs)
        self.calls: deque[FetchCall] = deque(maxlen=max_calls)
        self._lock = threading.Lock()

    def _record(self, url: str, allowed: bool) -> None:
        with self._lock:
            self.calls.append(FetchCall(url, allowed))

    def resolve(self, url: str) -> Path | None:
        """The file ``url`` names, if it is one the renderer may read."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme != "file" or parts.netloc not in ("", "localhost") or parts.query:
            return None
        path = Path(url2pathname(parts.path)).resolve()
        if path in self.allowed_files:
            return path
        for directory in self.allowed_dirs:
            if path.is_relative_to(directory) and path.is_file():
                return path
        return None

    def fetch(self, url, headers=None):
        path = self.resolve(url)
        self._record(url, path is not None)
        if path is None:
            raise FetchRefused(f"Refused to fetch {url[:200]!r}")
        if path in self.allowed_files:
            body = fonts.font_bytes(path, urlsplit(url).fragment)
        else:
            body = path.read_bytes()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": content_type})


def static_dirs() -> list[Path]:
    """The project's own static directories (not third-party apps')."""
    return [ASSETS_DIR, *(Path(d) for d in settings.STATICFILES_DIRS)]


class CertificateRenderer:
    """One font configuration, one parsed stylesheet, one image cache; many PDFs."""

    def __init__(self):
        self.fetcher = RestrictedURLFetcher(
            allowed_files=fonts.font_files(), allowed_dirs=static_dirs()
        )
        self.base_url = ASSETS_DIR.as_uri() + "/"
        self.font_config = FontConfiguration()
        css = fonts.font_face_css() + "\n" + render_to_string(STYLESHEET_TEMPLATE)
        self.stylesheet = CSS(
            string=css,
            base_url=self.base_url,
            url_fetcher=self.fetcher,
            font_config=self.font_config,
        )
        self.image_cache: dict = {}

    def layout(self, html: str):
        """The laid-out document (boxes and pages), without writing a PDF."""
        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        return document.render(
            stylesheets=[self.stylesheet], font_config=self.font_config, cache=self.image_cache
        )

    def render(
        self,
        html: str,
        *,
        identifier: bytes | None = None,
        attachments: list[tuple[str, str, str]] = (),
        timestamp: datetime | None = None,
    ) -> bytes:
        """A PDF/A-3b document for ``html`` (escaped already; see the template).

        ``attachments`` are ``(file name, description, text)`` triples embedded
        as associated files; ``timestamp`` dates them (defaults to now).
        """
        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.fetcher)
        embedded = [
            Attachment(
                string=text,
                name=name,
                description=description,
                url_fetcher=self.fetcher,
                created=timestamp,
                modified=timestamp,
                relationship="Source",
            )
            for name, description, text in attachments
        ]
        return document.write_pdf(
            stylesheets=[self.stylesheet],
            font_config=self.font_config,
            cache=self.image_cache,
            pdf_variant=PDF_VARIANT,
            pdf_identifier=identifier,
            attachments=embedded,
            uncompressed_pdf=False,
        )


_local = threading.local()


def get_renderer() -> CertificateRenderer:
    """This thread's renderer, created on first use (per process, never shared)."""
    renderer = getattr(_local, "renderer", None)
    if renderer is None or getattr(_local, "pid", None) != os.getpid():
        renderer = CertificateRenderer()
        _local.renderer = renderer
        _local.pid = os.getpid()
    return renderer


def reset_renderer() -> None:
    """Forget this thread's renderer (after a template or font change)."""
    _local.renderer = None
