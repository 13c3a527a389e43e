"""QR codes for certificates: the symbol, and the PNG the PDF draws.

The QR code holds the verification URL (bytes) and, in its fragment, the
signed offline payload (upper-case base32, encoded in QR's alphanumeric mode,
which packs it a fifth tighter than bytes). It is drawn as a PNG with one
pixel per module, scaled by the stylesheet without smoothing: WeasyPrint
draws an image far faster than it parses a path of hundreds of squares.

The PNG is not a file: the certificate names it by a URL under
:data:`IMAGE_DIR` that carries the symbol's text, and the renderer's URL
fetcher draws it from that text (see ``rendering.RestrictedURLFetcher``).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import segno
from segno.consts import MODE_ALPHANUMERIC, MODE_BYTE

from .encoding import b64url, b64url_decode

MASK = 2  # fixed: scoring all eight masks (segno's default) is most of the cost
ERROR = "m"  # 15 % of the symbol may be lost (a fold, a stain) and it still reads
IMAGE_DIR = Path(__file__).resolve().parent / "static" / "certificates" / "pdf" / "qr"


def segments(content: str) -> list[tuple[str, int]]:
    """``content`` as QR segments: the URL in bytes, an upper-case fragment as alphanumeric."""
    url, hash_, fragment = content.partition("#")
    if fragment and fragment == fragment.upper() and _alphanumeric(fragment):
        return [(url + hash_, MODE_BYTE), (fragment, MODE_ALPHANUMERIC)]
    return [(content, MODE_BYTE)]


def _alphanumeric(text: str) -> bool:
    return all(c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:" for c in text)


def make(content: str) -> segno.QRCode:
    return segno.make(segments(content), error=ERROR, micro=False, boost_error=False, mask=MASK)


def version(content: str) -> int:
    """The QR version (1 to 40) ``content`` needs; the printed module size follows from it."""
    return make(content).version


DARK = (0x1C, 0x24, 0x30)
LIGHT = (0xFF, 0xFF, 0xFF)


def png(content: str) -> bytes:
    """The symbol as a PNG, one pixel per module, without a quiet zone (the box draws it).

    Written here rather than by segno's PNG writer, which packs pixels one
    by one in Python and took a quarter of making the image: each module is
    one byte indexing a two-colour palette, so a row of the matrix is a
    scanline as it stands, and zlib does the rest.
    """
    matrix = make(content).matrix
    height, width = len(matrix), len(matrix[0])
    pixels = b"".join(b"\x00" + bytes(row) for row in matrix)  # filter type 0 per line
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)),
            _chunk(b"PLTE", bytes(LIGHT + DARK)),
            _chunk(b"IDAT", zlib.compress(pixels, 9)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def image_url(content: str) -> str:
    """The URL the certificate template draws the QR code from."""
    return f"{IMAGE_DIR.as_uri()}/{b64url(content.encode())}.png"


def content_from_path(path: Path) -> str | None:
    """The symbol's text a QR image path carries, or ``None`` if it is not one."""
    if path.parent != IMAGE_DIR or path.suffix != ".png":
        return None
    try:
        return b64url_decode(path.stem).decode()
    except (ValueError, UnicodeDecodeError):
        return None


def qr_svg(content: str, *, dark: str = "#1c2430") -> str:
    """An inline ``<svg>`` QR code for web pages, sized by CSS (the quiet zone is the box's)."""
    return make(content).svg_inline(
        scale=1, border=0, dark=dark, omitsize=True, svgclass="qr-code", lineclass=None
    )
