"""HTML → PDF with WeasyPrint, locked down and reused across renders.

WeasyPrint fetches whatever a document points at: images, stylesheets, fonts,
over HTTP or from the file system. Certificates carry text that people typed
(names, course titles), so the renderer is given a :class:`RestrictedURLFetcher`
that reads only the project's own static files and the packaged fonts from
disk, refuses everything else, and records every call so tests can prove it.

Parsing the stylesheet and loading fonts are the slow parts of a render, so a
:class:`CertificateRenderer` keeps its font configuration, parsed stylesheet
and image cache and is reused for every certificate a process renders (one per
thread: Pango objects are not shared between threads). It lays a certificate
out, checks that every line is inside the frame (:func:`place`), setting it a
step smaller until it is, and writes it with the Khmer text layer of
``pdftext``, taking the shortcuts of :mod:`certificates.render_shortcuts`.
:func:`font_setup` gives other documents (reports) the same fonts.
"""

from __future__ import annotations

import mimetypes
import os
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, Attachment
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.images import SVGImage
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fonts, pdftext, qr
from .render_shortcuts import (
    USER_AGENT_CSS,
    CertificateHTML,
    RecordedSVG,
    collected_when_done,
    compress_once,
)

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
        if path in self.allowed_files or qr.content_from_path(path) is not None:
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
        elif (symbol := qr.content_from_path(path)) is not None:
            body = qr.png(symbol)
        else:
            body = path.read_bytes()
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), body=body, headers={"Content-Type": content_type})


def static_dirs() -> list[Path]:
    """The project's own static directories (not third-party apps')."""
    return [ASSETS_DIR, *(Path(d) for d in settings.STATICFILES_DIRS)]


MAX_FIT = 4  # the smallest step of the stylesheet's .fit-N classes
MM = 96 / 25.4  # CSS pixels per millimetre
# Inside the frame's fine inner rule (10.5 mm from the edge), with a margin.
FRAME = (12 * MM, 12 * MM, (297 - 12) * MM, (210 - 12) * MM)  # left, top, right, bottom
GAP = 3 * MM  # at least this much between the main text and the footer
SEAL = (136.5 * MM, 161 * MM, 163.5 * MM)  # left, top, right of the seal in the ornaments


@dataclass(frozen=True)
class FontSetup:
    """The certificate fonts, ready for any WeasyPrint document (reports use them too).

    Pass ``stylesheet`` among the document's stylesheets, and ``font_config``
    and ``url_fetcher`` to ``HTML(...)`` and ``write_pdf`` / ``render``; then
    ``font-family: "CSOA Khmer"`` and ``"CSOA Serif"`` are available.
    """

    font_config: FontConfiguration
    stylesheet: CSS
    url_fetcher: RestrictedURLFetcher
    families: tuple[str, str] = (fonts.KHMER, fonts.SERIF)


def font_setup() -> FontSetup:
    """A new font configuration with the packaged certificate faces (Khmer and serif)."""
    fetcher = RestrictedURLFetcher(allowed_files=fonts.font_files(), allowed_dirs=static_dirs())
    font_config = FontConfiguration()
    stylesheet = CSS(string=fonts.font_face_css(), url_fetcher=fetcher, font_config=font_config)
    return FontSetup(font_config, stylesheet, fetcher)


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _marked(page_box, name: str) -> list:
    """The outermost laid-out box of each element carrying ``data-fit="<name>"``."""
    seen, boxes = set(), []
    for box in _walk(page_box):
        element = getattr(box, "element", None)
        if element is not None and element.get("data-fit") == name and id(element) not in seen:
            seen.add(id(element))
            boxes.append(box)
    return boxes


def _extent(box) -> tuple[float, float, float, float]:
    """Left, top, right, bottom of ``box`` and of every line of text drawn inside it."""
    left, top = box.position_x, box.position_y
    right, bottom = left + box.margin_width(), top + box.margin_height()
    for child in _walk(box):
        if isinstance(child, TextBox):
            left = min(left, child.position_x)
            top = min(top, child.position_y)
            right = max(right, child.position_x + child.width)
            bottom = max(bottom, child.position_y + child.height)
    return left, top, right, bottom


def place(document) -> bool:
    """Centre the main text above the footer; False if the certificate does not fit.

    It fits when there is one page, every line of the main text and of the
    footer lies inside the frame, the footer's blocks keep clear of the seal,
    and the main text ends above the footer and the seal.
    """
    if len(document.pages) != 1:
        return False
    page = document.pages[0]._page_box
    sheets = _marked(page, "sheet")
    if len(sheets) != 1:
        return False
    footer_top = SEAL[1]
    for block in _marked(page, "footer"):
        b_left, b_top, b_right, b_bottom = _extent(block)
        if b_left < FRAME[0] or b_right > FRAME[2] or b_top < FRAME[1] or b_bottom > FRAME[3]:
            return False
        if b_right > SEAL[0] and b_left < SEAL[2]:
            return False
        footer_top = min(footer_top, b_top)
    left, top, right, bottom = _extent(sheets[0])
    room = footer_top - GAP - FRAME[1]
    if left < FRAME[0] or right > FRAME[2] or bottom - top > room:
        return False
    sheets[0].translate(0, FRAME[1] + (room - (bottom - top)) / 2 - top)
    return True


class CertificateRenderer:
    """One font configuration, one parsed stylesheet, one image cache; many PDFs."""

    def __init__(self):
        pdftext.install()
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
        self.html_class = type(
            "CertificateHTML",
            (CertificateHTML,),
            {"user_agent_stylesheet": CSS(string=USER_AGENT_CSS)},
        )

    def layout(self, html: str, *, keep_qr: bool = False):
        """The laid-out document (boxes and pages), without writing a PDF.

        The QR image is dropped from the image cache afterwards, unless
        ``keep_qr`` (the next fitting step draws the same one).
        """
        document = self.html_class.from_markup(
            html, base_url=self.base_url, url_fetcher=self.fetcher
        )
        try:
            return document.render(
                stylesheets=[self.stylesheet],
                font_config=self.font_config,
                cache=self.image_cache,
                pdf_variant=PDF_VARIANT,
            )
        finally:
            # Draw the fixed pictures from their recording from now on.
            for url, image in list(self.image_cache.items()):
                if isinstance(image, SVGImage):
                    self.image_cache[url] = RecordedSVG(image)
            if not keep_qr:
                self._forget_qr()

    def _forget_qr(self) -> None:
        """Keep only the fixed assets: a QR image is drawn for one certificate."""
        for url in [url for url in self.image_cache if "/qr/" in str(url)]:
            del self.image_cache[url]

    def fitted_layout(self, html: str | Callable[[int], str]):
        """The laid-out certificate, set smaller step by step until it fits the frame.

        ``html`` is the document, or a function giving it at each fitting step
        (``document.render_html`` with ``fit=``). Raises :class:`DoesNotFit`
        if even the smallest step overflows. The QR code is made once for all
        the steps.
        """
        make = html if callable(html) else (lambda fit: html)
        try:
            for fit in range(MAX_FIT + 1 if callable(html) else 1):
                document = self.layout(make(fit), keep_qr=True)
                if place(document):
                    return document
        finally:
            self._forget_qr()
        raise DoesNotFit("The certificate's text does not fit on the page at any size.")

    def render(
        self,
        html: str | Callable[[int], str],
        *,
        identifier: bytes | None = None,
        attachments: list[tuple[str, str, str]] = (),
        timestamp: datetime | None = None,
    ) -> bytes:
        """A PDF/A-3b document for ``html`` (escaped already; see the template).

        ``html`` may be a function of the fitting step (see :meth:`fitted_layout`).
        ``attachments`` are ``(file name, description, text)`` triples embedded
        as associated files; ``timestamp`` dates them (defaults to now).
        """
        with collected_when_done(), pdftext.exact_text():
            return self._write(self.fitted_layout(html), identifier, attachments, timestamp)

    def _write(self, document, identifier, attachments, timestamp) -> bytes:
        return document.write_pdf(
            pdf_variant=PDF_VARIANT,
            pdf_identifier=identifier,
            attachments=self._attachments(attachments, timestamp),
            uncompressed_pdf=False,
            finisher=_finish,
        )

    def _attachments(self, attachments, timestamp) -> list[Attachment]:
        return [
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


def _finish(document, pdf) -> None:
    pdftext.finisher(document, pdf)
    compress_once(pdf)


class DoesNotFit(ValueError):
    """No step of fitting puts every line of the certificate inside its frame."""


_local = threading.local()


def get_renderer() -> CertificateRenderer:
    """This thread's renderer, created on first use (per process, never shared)."""
    renderer = getattr(_local, "renderer", None)
    if renderer is None or getattr(_local, "pid", None) != os.getpid():
        renderer = CertificateRenderer()
        _local.renderer = renderer
        _local.pid = os.getpid()
    return renderer
