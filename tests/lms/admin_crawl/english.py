"""English left on an admin page: the texts a person reads, and the Latin words
a Khmer interface may keep (``ALLOWED``) or cannot avoid (``UNTRANSLATABLE``)."""

from __future__ import annotations

import json
import re
import zoneinfo
from html.parser import HTMLParser

from django.conf import settings

# Names and symbols a Khmer interface keeps as they are. Nothing else in
# Latin letters may be interface text.
ALLOWED = {
    # Product and technology names.
    "Wagtail",
    "JavaScript",
    "CSO",  # the site name, "CSO Academy" (WAGTAIL_SITE_NAME)
    "Academy",
    "Embedly",
    # Formats and units, as Khmer technical writing writes them.
    "URL",
    "CSV",
    "XLSX",
    "PDF",
    "MP3",
    "MP4",
    "JSON",
    "UTC",
    "API",
    "token",
    "KB",
    "MB",
    "GB",
    "regex",
    "monospace",
    # Image and file formats, and the hash a certificate's PDF is sealed with.
    "AVIF",
    "GIF",
    "JPG",
    "JPEG",
    "PNG",
    "WEBP",
    "TSV",
    "SHA",
    # The file name extensions documents may have, as the upload form lists them.
    *settings.WAGTAILDOCS_EXTENSIONS,
    # Keys, as printed on keyboards.
    "Ctrl",
    "Shift",
    "Alt",
    "Esc",
    "Enter",
    # A language named in itself, in the language menus.
    "English",
}

# English that Wagtail 8.0.1 writes and offers no way to translate, short of
# copying its templates or changing its models' migrations (see
# lms/locale_overrides/README.md, "Left in English"): page-path pattern,
# text pattern. Each is named, not guessed.
UNTRANSLATABLE = [
    # A screen-reader-only "Search" button hard-coded in the search forms of
    # wagtailadmin/home.html and wagtailadmin/shared/header.html.
    ("", r"^Search$"),
    # Column headings of the Sites listing, made from attribute names.
    ("/admin/sites/", r"\b(Port|Site name|Root page)\b"),
    # The Locale and SimpleTranslation models' names, derived by Django from
    # their class names (Wagtail gives them no verbose_name).
    ("/admin/locales/", r"\bLocales?\b|\blocales\b"),
    ("/admin/groups/", r"^(Locale|Simple translation)$"),
]
UNTRANSLATABLE = [(prefix, re.compile(pattern)) for prefix, pattern in UNTRANSLATABLE]

WORD = re.compile(r"[A-Za-z][A-Za-z’'-]*[A-Za-z]")
# Not words: web and e-mail addresses, codes with digits in them
# (certificate codes, hashes), model names ("courses.lessonpage") and other
# identifiers with an underscore ("workflow_tasks-TOTAL_FORMS").
NOT_WORDS = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+(\.[\w-]+)+|\b\w*\d[\w-]*|\b[a-z_]+\.[a-z_]+\b"
    r"|[\w-]*_[\w-]*"
)
# Attributes whose values a person reads or hears (tooltips, screen readers,
# placeholders, button labels, what a button says while it works).
READ_ATTRIBUTES = {
    "title",
    "aria-label",
    "aria-description",
    "placeholder",
    "alt",
    "data-w-tooltip-content-value",
    "data-w-progress-active-value",
}
SKIP_ELEMENTS = {"script", "style", "textarea", "svg", "code", "pre"}
TIME_ZONES = zoneinfo.available_timezones()


class InterfaceText(HTMLParser):
    """Text a person reads on a page: text nodes, read attributes, button values.

    Leaves out scripts, styles, icons, form values and text areas (what the
    editor typed), the error counter Wagtail's script fills in, and the
    options of a time-zone menu whose label is the zone's IANA name (a place
    name, localised by the browser).
    """

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self._skipping: list[str] = []  # the element being skipped, once per nesting level
        self._in_head = False
        self._title = False
        self._option_value: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._skipping:
            if tag == self._skipping[0] and tag not in self.VOID:
                self._skipping.append(tag)
            return
        if tag in SKIP_ELEMENTS or "data-side-panel-toggle-counter" in attrs:
            if tag not in self.VOID:
                self._skipping.append(tag)
            return
        if tag == "head":
            self._in_head = True
        elif tag == "title":
            self._title = True
        elif tag == "option":
            self._option_value = attrs.get("value")
        for name, value in attrs.items():
            if name in READ_ATTRIBUTES and value:
                self.texts.append(value)
        if tag == "input" and attrs.get("type") in {"submit", "button", "reset"}:
            if attrs.get("value"):
                self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if self._skipping:
            if tag == self._skipping[0]:
                self._skipping.pop()
            return
        if tag == "head":
            self._in_head = False
        elif tag == "title":
            self._title = False
        elif tag == "option":
            self._option_value = None

    def handle_data(self, data):
        if self._skipping or (self._in_head and not self._title):
            return
        text = data.strip()
        if not text:
            return
        if self._option_value in TIME_ZONES and text == self._option_value:
            return
        self.texts.append(text)


def sidebar_labels(html: str) -> list[str]:
    """Labels of the admin menu, which Wagtail's script renders from JSON."""
    found = re.search(r'<script id="wagtail-sidebar-props"[^>]*>(.*?)</script>', html, re.S)
    if not found:
        return []
    labels = []

    def walk(node):
        if isinstance(node, dict):
            for key in ("label", "footer_text"):
                if isinstance(node.get(key), str) and node[key]:
                    labels.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads(found.group(1)))
    return labels


def english_on(
    html: str, allowed: set[str], url: str = "", data: set[str] = frozenset()
) -> list[str]:
    """The interface texts of ``html`` that still contain an English word.

    ``data`` are whole texts that come from the database as they were stored
    (the names of permissions); ``UNTRANSLATABLE`` lists Wagtail's own.
    """
    parser = InterfaceText()
    parser.feed(html)
    return english_in(parser.texts + sidebar_labels(html), allowed, url, data)


def english_in(texts, allowed: set[str], url: str = "", data: set[str] = frozenset()) -> list[str]:
    """The texts that still contain an English word (see ``english_on``)."""
    left = []
    for text in texts:
        if text in data:
            continue
        reading = text
        for prefix, pattern in UNTRANSLATABLE:
            if url.startswith(prefix):
                reading = pattern.sub(" ", reading)
        words = [w for w in WORD.findall(NOT_WORDS.sub(" ", reading)) if w not in allowed]
        if words:
            left.append(text)
    return sorted(set(left))
