"""Make the Khmer web font the site serves to devices that have no Khmer font.

The file is committed (``static/fonts/``) so that a checkout serves it without
a build step; this command makes it again from the ``fontpkg-noto-sans-khmer``
package, and ``--check`` fails when the committed file is not what the pinned
packages make (``tests/lms/test_webfont.py`` runs it).

What goes in: the Khmer and Khmer Symbols blocks, the joiners and the dotted
circle that Khmer shaping inserts, with every OpenType feature (Khmer needs
its subscript, vowel and ligature lookups), and the weight axis from regular
to bold, so one file of about 30 KB sets both body text and headings. Latin
is left out: every device has Latin, and the stylesheet's ``unicode-range``
keeps the browser from fetching this file for pages without Khmer.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

import fontpkg
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont

FAMILY = "Noto Sans Khmer"
OUTPUT = Path("fonts") / "noto-sans-khmer-subset.woff2"
LICENSE = Path("fonts") / "noto-sans-khmer-OFL.txt"
# Keep in step with the unicode-range of the @font-face rule in static/css/site.css.
UNICODES = (
    *range(0x1780, 0x1800),  # Khmer
    *range(0x19E0, 0x1A00),  # Khmer Symbols
    0x200B,  # zero-width space, written between Khmer words
    0x200C,  # zero-width non-joiner
    0x200D,  # zero-width joiner
    0x25CC,  # dotted circle, shown under a mark typed on its own
)
WEIGHTS = (400, 700)


def source_path() -> Path:
    family = fontpkg.family(FAMILY)
    return Path(family.files[0].path).resolve()


def build() -> bytes:
    """The WOFF2 subset, made the same way every time from the same packages."""
    font = TTFont(source_path(), lazy=False, recalcTimestamp=False)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.name_languages = [0x409]
    options.notdef_outline = True
    options.hinting = False  # browsers on every platform the site serves ignore TrueType hints
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    instantiateVariableFont(font, {"wght": WEIGHTS, "wdth": 100}, inplace=True)
    font.flavor = "woff2"
    out = BytesIO()
    font.save(out, reorderTables=True)
    return out.getvalue()


def license_text() -> bytes:
    return (source_path().parent.parent / "LICENSE").read_bytes()


class Command(BaseCommand):
    help = "Make static/fonts/noto-sans-khmer-subset.woff2 from fontpkg-noto-sans-khmer."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Fail if the committed font differs from what this command makes.",
        )

    def handle(self, *args, check=False, **options):
        static = Path(settings.BASE_DIR) / "static"
        wanted = {static / OUTPUT: build(), static / LICENSE: license_text()}
        if check:
            stale = [
                str(p) for p, data in wanted.items() if not p.is_file() or p.read_bytes() != data
            ]
            if stale:
                raise CommandError(
                    f"out of date: {', '.join(stale)}; run `manage.py build_khmer_webfont`"
                )
            self.stdout.write("The Khmer web font is up to date.")
            return
        for path, data in wanted.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            self.stdout.write(f"{path.relative_to(static.parent)}: {len(data):,} bytes")
