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
``pdftext``. :func:`font_setup` gives other documents (reports) the same fonts.
"""

from __future__ import annotations

import mimetypes
import os
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname
from xml.etree import ElementTree

import cssselect2
import pydyf
from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML, Attachment
from weasyprint.formatting_structure.boxes import TextBox
from weasyprint.images import SVGImage
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fonts, pdftext, qr

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


#: The user-agent rules a certificate needs, in place of WeasyPrint's whole HTML
#: stylesheet: matching hundreds of rules for elements a certificate never has
#: (tables, forms, lists) against each of its elements is a tenth of a
#: layout. These are WeasyPrint's own rules for the elements the template
#: uses (``html5_ua.css``), so the page is drawn exactly as with the full
#: stylesheet; ``tests/certificates`` compares the two pixel for pixel.
USER_AGENT_CSS = """
[hidden], head, link, meta, script, style, title { display: none }
html, body, div, footer, h1, main, p { display: block }
body { margin: 8px }
p { margin-top: 1em; margin-bottom: 1em }
h1 { margin-top: .67em; margin-bottom: .67em; font-size: 2em; font-weight: bold }
h1 { bookmark-level: 1; bookmark-label: content(text) }
h1 { hyphens: manual; break-after: avoid; break-inside: avoid }
img, svg { overflow: hidden }
html { color-scheme: light }
@page { margin: 75px }
"""


class CertificateHTML(HTML):
    """A certificate document: WeasyPrint's ``HTML`` with :data:`USER_AGENT_CSS`."""

    user_agent_stylesheet: CSS | None = None

    @classmethod
    def from_markup(cls, markup: str, *, base_url: str, url_fetcher) -> CertificateHTML:
        """The document ``markup`` describes, read as XML when it is well-formed.

        WeasyPrint reads HTML with a parser written in Python, a twentieth of
        a certificate's render; the template closes its void elements, so its
        output is also XML, which the standard library's C parser reads in a
        fraction of the time into the same tree. Only escaped text comes from
        people (the template autoescapes), so no entity or declaration of
        theirs reaches the parser. Anything else is read as HTML.
        """
        try:
            root = ElementTree.fromstring(markup)  # noqa: S314 - our own template's output
        except ElementTree.ParseError:
            return cls(string=markup, base_url=base_url, url_fetcher=url_fetcher)
        if root.tag != "html" or root.find("body") is None:
            return cls(string=markup, base_url=base_url, url_fetcher=url_fetcher)
        document = cls.__new__(cls)
        # What HTML.__init__ sets once its parser has built the tree.
        document.base_url = base_url
        document.url_fetcher = url_fetcher
        document.media_type = "print"
        document.wrapper_element = cssselect2.ElementWrapper.from_html_root(
            root, content_language=None
        )
        document.etree_element = document.wrapper_element.etree_element
        return document

    def _ua_stylesheets(self, forms=False):
        if forms or self.user_agent_stylesheet is None:
            return super()._ua_stylesheets(forms)
        return [self.user_agent_stylesheet]


class RecordedSVG:
    """A fixed SVG asset (the ornaments, the diamonds) drawn once, then replayed.

    WeasyPrint draws an SVG image anew for every document: it parses each
    path's data and transforms every point, a large part of writing a
    certificate, for pictures that never change. The first time this image
    is drawn at a size, the operations it appends to the page's content
    stream are kept, with the opacity states they name; later documents get
    a copy of them and the states added to their page's resources as
    WeasyPrint adds them (``Stream.set_alpha``). The operations are relative
    to the transformation WeasyPrint sets up before drawing an image, so a
    replayed picture lands wherever its box is. A drawing that needs any
    other page resource (patterns, images, shadings, fonts, soft masks) is
    not kept, and is drawn normally every time.
    """

    _RESOURCE_OPERATORS = (b" Do", b" sh", b" scn", b" SCN", b" Tf")
    _ALPHA_STATE = re.compile(rb"/([aA])(\d+(?:\.\d+)?) gs")

    def __init__(self, image):
        self.image = image
        self.recorded: dict[tuple[float, float], tuple[list[bytes], dict] | None] = {}

    def __getattr__(self, name):
        return getattr(self.image, name)

    def draw(self, stream, concrete_width, concrete_height, style):
        key = (round(concrete_width, 6), round(concrete_height, 6))
        if self.recorded.get(key) is not None:
            operations, states = self.recorded[key]
            for name, state in states.items():
                stream._resources["ExtGState"].setdefault(name, state)
            stream.stream.extend(operations)
            return
        # Colours and opacity set before the picture must not be left out of it.
        stream._current_color = stream._current_color_stroke = None
        stream._current_alpha = stream._current_alpha_stroke = None
        stream._current_font = None
        before = len(stream.stream)
        self.image.draw(stream, concrete_width, concrete_height, style)
        if key not in self.recorded:
            self.recorded[key] = self._recording(stream, stream.stream[before:])

    def _recording(self, stream, operations):
        states = {}
        for operation in operations:
            if not isinstance(operation, bytes) or operation.endswith(self._RESOURCE_OPERATORS):
                return None
            if operation.endswith(b" gs"):
                match = self._ALPHA_STATE.fullmatch(operation)
                if match is None:
                    return None  # a soft mask or another state WeasyPrint numbers per page
                name = operation[1:-3].decode()
                states[name] = pydyf.Dictionary(
                    {"CA" if match.group(1) == b"A" else "ca": float(match.group(2))}
                )
        return list(operations), states


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

    def layout(self, html: str):
        """The laid-out document (boxes and pages), without writing a PDF."""
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
            # The QR image is drawn for one certificate: keep only the fixed assets,
            # and draw the fixed pictures from their recording.
            for url in list(self.image_cache):
                if "/qr/" in str(url):
                    del self.image_cache[url]
                elif isinstance(self.image_cache[url], SVGImage):
                    self.image_cache[url] = RecordedSVG(self.image_cache[url])

    def fitted_layout(self, html: str | Callable[[int], str]):
        """The laid-out certificate, set smaller step by step until it fits the frame.

        ``html`` is the document, or a function giving it at each fitting step
        (``document.render_html`` with ``fit=``). Raises :class:`DoesNotFit`
        if even the smallest step overflows.
        """
        make = html if callable(html) else (lambda fit: html)
        for fit in range(MAX_FIT + 1 if callable(html) else 1):
            document = self.layout(make(fit))
            if place(document):
                return document
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
        with pdftext.exact_text():
            return self._write(self.fitted_layout(html), identifier, attachments, timestamp)

    def _write(self, document, identifier, attachments, timestamp) -> bytes:
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
            pdf_variant=PDF_VARIANT,
            pdf_identifier=identifier,
            attachments=embedded,
            uncompressed_pdf=False,
            finisher=pdftext.finisher,
        )


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
