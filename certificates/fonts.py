"""The fonts a certificate is set in, taken from Python packages.

The PDF must look the same on every machine, so nothing here depends on the
fonts installed on the system: every face comes from a ``fontpkg-*`` package
(a dependency in ``pyproject.toml``) and is declared with ``@font-face`` under a
family name no system font carries. WeasyPrint embeds and subsets them.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from functools import cache, lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import parse_qsl

import fontpkg
from django.conf import settings
from fontTools.ttLib import TTFont
from fontTools.varLib.instancer import instantiateVariableFont


@dataclass(frozen=True)
class Face:
    family: str  # the CSS family name used by the certificate stylesheet
    package_family: str  # the fontpkg family that provides the file
    weight: int
    style: str = "normal"

    @property
    def path(self) -> Path:
        return fontpkg.path(self.package_family, weight=self.weight, style=self.style).resolve()

    @property
    def url(self) -> str:
        """The package file; for a variable font, the weight to fix in the fragment."""
        path = fontpkg.family(self.package_family)
        variable = any(f.variable for f in path.files)
        return f"{self.path.as_uri()}#wght={self.weight}" if variable else self.path.as_uri()


# Noto Sans Khmer shapes Khmer (and carries Latin too, for the small print);
# Crimson Text, an old-style book face, sets the English headings and names.
KHMER = "CSOA Khmer"
SERIF = "CSOA Serif"

FACES = (
    Face(KHMER, "Noto Sans Khmer", 400),
    Face(KHMER, "Noto Sans Khmer", 700),
    Face(SERIF, "Crimson Text", 400),
    Face(SERIF, "Crimson Text", 600),
    Face(SERIF, "Crimson Text", 400, "italic"),
)


@cache
def font_files() -> frozenset[Path]:
    """Every font file the renderer may read (resolved, so symlinks can't escape)."""
    return frozenset(face.path for face in FACES)


@lru_cache(maxsize=32)
def font_bytes(path: Path, fragment: str = "") -> bytes:
    """The font at ``path``; a variable font is first fixed at ``wght=`` from ``fragment``.

    Noto Sans Khmer is packaged as a variable font. Left as it is, WeasyPrint
    instantiates it again for every PDF it writes (most of a render's time),
    so a static instance is made once, kept on disk under
    ``CERTIFICATES_FONT_CACHE`` (keyed by the file's hash and the location)
    and in memory for the life of the process.
    """
    data = path.read_bytes()
    axes = {key: float(value) for key, value in parse_qsl(fragment)}
    if not axes:
        return data
    key = hashlib.sha256(data + repr(sorted(axes.items())).encode()).hexdigest()[:24]
    cache_dir = getattr(settings, "CERTIFICATES_FONT_CACHE", None)
    cached = Path(cache_dir) / f"{key}.ttf" if cache_dir else None
    if cached is not None and cached.is_file():
        return cached.read_bytes()
    font = TTFont(BytesIO(data))
    if "fvar" not in font:
        return data
    available = {axis.axisTag: axis for axis in font["fvar"].axes}
    location = {tag: value for tag, value in axes.items() if tag in available}
    for tag, axis in available.items():
        location.setdefault(tag, axis.defaultValue)
    instantiateVariableFont(font, location, inplace=True, updateFontNames=False)
    out = BytesIO()
    font.save(out)
    instance = out.getvalue()
    if cached is not None:
        _write_atomically(cached, instance)
    return instance


def _write_atomically(target: Path, data: bytes) -> None:
    """Write ``data`` to ``target`` so that concurrent readers never see half a file."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(temporary, target)
    except OSError:
        pass  # a read-only disk only costs time: the instance is rebuilt next process


@cache
def font_face_css() -> str:
    """``@font-face`` rules for :data:`FACES`, with ``file://`` URLs to the package files."""
    rules = []
    for face in FACES:
        rules.append(
            "@font-face {"
            f' font-family: "{face.family}";'
            f' src: url("{face.url}");'
            f" font-weight: {face.weight};"
            f" font-style: {face.style};"
            " }"
        )
    return "\n".join(rules)
