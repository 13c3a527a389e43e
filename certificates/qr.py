"""QR codes as inline SVG (no image files, nothing to fetch)."""

from __future__ import annotations

import segno

MASK = 2  # vertical stripes: even module density on our URLs


def qr_svg(content: str, *, dark: str = "#1c2430", error: str = "m") -> str:
    """An ``<svg>`` element drawing ``content`` as a QR code, sized by CSS.

    ``omitsize`` leaves only the ``viewBox``, so the stylesheet decides the
    printed size; the quiet zone is drawn by the surrounding box instead.
    The mask is fixed: scoring all eight (segno's default) is most of the
    QR code's cost, and any mask gives a valid, readable symbol.
    """
    code = segno.make(content, error=error, micro=False, boost_error=False, mask=MASK)
    return code.svg_inline(
        scale=1, border=0, dark=dark, omitsize=True, svgclass="qr-code", lineclass=None
    )
