"""Every Khmer catalogue in the repository is complete, well-formed and compiled."""

import re
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    p for p in ROOT.glob("**/locale*/km/LC_MESSAGES/django*.po") if ".venv" not in p.parts
)
OVERRIDES = ROOT / "lms" / "locale_overrides" / "km" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\w*\}")


def test_there_are_khmer_catalogues():
    assert CATALOGUES


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(path):
    po = polib.pofile(str(path))
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.msgid!r}")
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        if not all(translations):
            problems.append(f"untranslated: {entry.msgid!r}")
            continue
        for text in translations:
            if sorted(PLACEHOLDER.findall(entry.msgid)) != sorted(PLACEHOLDER.findall(text)):
                if not entry.msgid_plural:
                    problems.append(f"placeholders differ: {entry.msgid!r}")
    assert not problems, "\n".join(problems)

    mo_path = path.with_suffix(".mo")
    assert mo_path.exists(), f"{mo_path} is missing: run `make messages`"
    mo = {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0) for e in polib.mofile(str(mo_path))
    }
    for entry in po.translated_entries():
        expected = entry.msgstr or entry.msgstr_plural.get(0)
        assert mo.get((entry.msgctxt, entry.msgid)) == expected, (
            f"{mo_path} is stale for {entry.msgid!r}: run `make messages`"
        )


def _translations(path):
    return {
        (e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural.get(0)
        for e in polib.pofile(str(path))
        if e.translated()
    }


def test_the_overrides_and_the_apps_agree():
    """Where an app's catalogue (or ``locale/``) translates the same English as
    the third-party overrides, both give the same Khmer: one of them always
    wins (``LOCALE_PATHS`` outrank the apps, ``locale/`` outranks the
    overrides), so a different Khmer in the other is never shown and only
    misleads whoever edits it. A string that needs another meaning takes a
    context (``pgettext``)."""
    overrides = _translations(OVERRIDES)
    differ = []
    for path in CATALOGUES:
        if path == OVERRIDES or path.name != "django.po":
            continue
        for key, text in _translations(path).items():
            if key in overrides and overrides[key] != text:
                differ.append(f"{path.relative_to(ROOT)}: {key[1]!r}: {text} ≠ {overrides[key]}")
    assert not differ, "\n".join(differ)
