"""What makes a certificate's render cheaper than WeasyPrint out of the box.

Each shortcut gives the same PDF as the plain way (``tests/certificates/
test_render_shortcuts.py`` compares pages pixel for pixel and their text):

* :class:`CertificateHTML` reads the template's output with the standard
  library's XML parser and matches it against :data:`USER_AGENT_CSS`, the
  user-agent rules of the elements the template uses;
* :class:`RecordedSVG` replays the fixed pictures from their first drawing;
* :func:`compress_once` compresses each stream once, where PDF/A's file
  identifier (a digest of every object) would have it compressed twice;
* :func:`collected_when_done` frees a render's garbage when it ends, so a
  batch's memory stays flat.

:mod:`certificates.rendering` puts them together.
"""

from __future__ import annotations

import gc
import re
import threading
import zlib
from contextlib import contextmanager
from xml.etree import ElementTree

import cssselect2
import pydyf
from weasyprint import CSS, HTML

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


def compress_once(pdf) -> None:
    """Compress each of ``pdf``'s streams now, once, as pydyf would when writing it.

    A PDF/A file carries an identifier, and pydyf derives it from a digest of
    every object's bytes, so it serialises and compresses each stream twice:
    once to write it and once for the digest (a twentieth of a render). Call
    it last, once nothing changes the streams (a ``write_pdf`` finisher):
    each stream then holds its compressed bytes and the ``FlateDecode``
    filter, and pydyf writes and digests them as they are. The file is byte
    for byte the one pydyf writes (same level, same dictionary order).
    """
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.compress and "Filter" not in obj.extra:
            raw = b"\n".join(pydyf._to_bytes(item) for item in obj.stream)
            compressor = zlib.compressobj(level=9)  # pydyf's level
            obj.stream = [compressor.compress(raw) + compressor.flush()]
            obj.compress = False
            obj.extra["Filter"] = "/FlateDecode"


_collector_lock = threading.Lock()
_collector_pauses = 0
_collector_was_enabled = False


@contextmanager
def collected_when_done():
    """Free a render's garbage when it ends, not whenever the collector next runs.

    A laid-out document is a web of reference cycles (boxes, styles, the
    layout context, the Pango layouts they hold): about 1,200 objects that
    only the cyclic collector frees. Left to it, the objects a render still
    held when a collection came by are promoted to the oldest generation,
    which is collected only once the objects pending there reach a quarter of
    the few hundred thousand a Django process keeps. So dozens of renders'
    garbage pile up first and a batch's peak memory kept climbing (about
    70 KB a certificate). Here the collector is paused for the render, so all
    it allocates stays in the youngest generation, and collecting that
    generation at the end (under a millisecond: it holds only the render's
    own objects) frees it all. Skipping the collections during the render
    pays for that. Threads rendering at once share the pause; the collector
    is switched back on, if it was on, when the last of them is done.
    """
    global _collector_pauses, _collector_was_enabled
    with _collector_lock:
        if _collector_pauses == 0:
            _collector_was_enabled = gc.isenabled()
            gc.disable()
        _collector_pauses += 1
    try:
        yield
    finally:
        gc.collect(0)
        with _collector_lock:
            _collector_pauses -= 1
            if _collector_pauses == 0 and _collector_was_enabled:
                gc.enable()
