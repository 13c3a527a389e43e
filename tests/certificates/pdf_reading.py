"""What a certificate PDF says and where, read with tools that are not ours.

pypdf gives the text of each run with its position; poppler's ``pdftotext
-bbox`` gives each word with its box. Both work in PDF points from the
page's edges (pypdf from the bottom, poppler from the top).
"""

from __future__ import annotations

import io
import subprocess
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser

from pypdf import PdfReader

from .pdf_helpers import PDFTOTEXT

MM = 72 / 25.4
PAGE = (297 * MM, 210 * MM)
# The inner, fine rule of the frame is 10.5 mm from each edge.
FRAME = (10.5 * MM, 10.5 * MM, PAGE[0] - 10.5 * MM, PAGE[1] - 10.5 * MM)


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    top: float
    right: float
    bottom: float


def squash(text: str) -> str:
    """``text`` in NFC without any white space (lines may break anywhere)."""
    return "".join(unicodedata.normalize("NFC", text).replace("\u200b", "").split())


def pypdf_text(data: bytes) -> str:
    return PdfReader(io.BytesIO(data)).pages[0].extract_text()


def pypdf_runs(data: bytes) -> list[tuple[str, float, float]]:
    """``(text, x, y)`` of every run of text pypdf reads, y from the top of the page."""
    runs = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text, x, PAGE[1] - y))

    PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return runs


class _BBoxParser(HTMLParser):
    def __init__(self):
        super().__init__()
        self.words: list[Word] = []
        self.pages = 0
        self._box = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "page":
            self.pages += 1
        if tag == "word":
            self._box = [float(attrs[k]) for k in ("xmin", "ymin", "xmax", "ymax")]
            self._text = ""

    def handle_data(self, data):
        if self._box is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "word" and self._box is not None:
            self.words.append(Word(self._text, *self._box))
            self._box = None


def poppler_words(data: bytes) -> tuple[int, list[Word]]:
    """(number of pages, every word with its box) as poppler reads them."""
    result = subprocess.run(  # noqa: S603 - our arguments
        [PDFTOTEXT, "-bbox", "-", "-"], input=data, capture_output=True, check=True
    )
    parser = _BBoxParser()
    parser.feed(result.stdout.decode("utf-8"))
    return parser.pages, parser.words


def poppler_warnings(data: bytes) -> list[str]:
    """What poppler complains about while reading the file (a malformed font map, …)."""
    result = subprocess.run(  # noqa: S603 - our arguments
        [PDFTOTEXT, "-", "-"], input=data, capture_output=True, check=True
    )
    return [line for line in result.stderr.decode("utf-8").splitlines() if line.strip()]


def poppler_lines(data: bytes) -> list[str]:
    result = subprocess.run(  # noqa: S603 - our arguments
        [PDFTOTEXT, "-", "-"], input=data, capture_output=True, check=True
    )
    return [line.strip() for line in result.stdout.decode("utf-8").splitlines()]


def outside_frame(words: list[Word]) -> list[Word]:
    left, top, right, bottom = FRAME
    return [
        w for w in words if w.left < left or w.right > right or w.top < top or w.bottom > bottom
    ]


def overlapping(words: list[Word], share: float = 0.3) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes cover each other by more than ``share`` of the smaller one."""
    pairs = []
    for i, a in enumerate(words):
        for b in words[i + 1 :]:
            width = min(a.right, b.right) - max(a.left, b.left)
            height = min(a.bottom, b.bottom) - max(a.top, b.top)
            if width <= 0 or height <= 0:
                continue
            smaller = min(
                (a.right - a.left) * (a.bottom - a.top), (b.right - b.left) * (b.bottom - b.top)
            )
            if smaller > 0 and width * height > share * smaller:
                pairs.append((a, b))
    return pairs
