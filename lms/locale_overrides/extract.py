"""Regenerate the template of third-party strings the site shows, and merge it.

    .venv/bin/python lms/locale_overrides/extract.py            # regenerate + merge
    .venv/bin/python lms/locale_overrides/extract.py --compile  # ... and build the .mo
    .venv/bin/python lms/locale_overrides/extract.py --check    # fail if out of date

The scope (which files of which installed package can put text on a public
page or in an e-mail) is the ``SCOPE`` table below. The chosen files are
copied into a temporary folder laid out as ``<package>/<path>`` and
``django-admin makemessages --keep-pot`` runs there, so the template
(``source/django.pot`` under this folder) names each string's source as
``allauth/account/forms.py`` and so on. Strings that only passkeys/WebAuthn
show are dropped (``EXCLUDE_MSGID``). The Khmer catalogue is then merged with
``msgmerge`` (existing translations kept, changed ones marked fuzzy, new ones
empty) and obsolete entries are removed. Needs GNU gettext. See README.md.
"""

from __future__ import annotations

import argparse
import fnmatch
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Kept in a sub-folder: makemessages deletes any django.pot at the top of a
# LOCALE_PATHS directory.
POT = HERE / "source" / "django.pot"
PO = HERE / "km" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")

# package -> (files to take, files to leave out), as globs relative to the package.
SCOPE: dict[str, tuple[list[str], list[str]]] = {
    "allauth": (
        [
            "*.py",
            "core/**/*.py",
            "account/**/*.py",
            "mfa/**/*.py",
            "templates/account/**/*",
            "templates/mfa/**/*",
            "templates/allauth/**/*",
        ],
        [
            "**/migrations/**",
            "**/tests/**",
            "**/test_*.py",
            "**/testing/**",
            "**/admin.py",
            "**/apps.py",
            "**/models.py",
            "**/management/**",
            "**/webauthn/**",
            "**/webauthn_*",
            "**/*passkey*",
        ],
    ),
    "django": (
        [
            # Forms, their widgets' templates, validation.
            "forms/*.py",
            "forms/templates/**/*.html",
            "core/validators.py",
            "core/paginator.py",
            "db/models/base.py",
            "db/models/constraints.py",
            "db/models/fields/*.py",
            # Dates, times, lists and sizes as templates format them.
            "utils/dates.py",
            "utils/dateformat.py",
            "utils/timesince.py",
            "utils/text.py",
            "utils/ipv6.py",
            "template/defaultfilters.py",
            "contrib/humanize/templatetags/humanize.py",
            # Accounts: password validators and the auth forms.
            "contrib/auth/forms.py",
            "contrib/auth/password_validation.py",
            "contrib/auth/validators.py",
            # The page a visitor gets when a form's CSRF token has expired.
            "views/csrf.py",
            "views/templates/csrf_403.html",
        ],
        [],
    ),
    "wagtail": (
        [
            # Private pages and documents (page privacy) and their form.
            "forms.py",
            "templates/wagtailcore/login.html",
            "templates/wagtailcore/password_required.html",
            "documents/templates/wagtaildocs/password_required.html",
        ],
        [],
    ),
}

# Shown only when passkeys/WebAuthn are on; the site offers TOTP and recovery codes.
# Spelled out case by case: msggrep's --ignore-case matches nothing on UTF-8 input.
# The last three name WebAuthn keys (allauth/mfa/adapter.py).
EXCLUDE_MSGID = (
    r"[Pp]asskey|PASSKEY|[Ss]ecurity [Kk]ey|[Ww]eb[Aa]uthn|WEBAUTHN"
    r"|^Master key$|^Backup key$|^Key nr\. \{number\}$"
)

# Strings in in-scope files that only the admin (English) or Django's admindocs
# (not installed) show: model-field descriptions and the moderation comment box.
# Left out so that this catalogue, which outranks every app's own catalogue,
# claims as few everyday English words ("Text", "Time", "File") as it can.
ADMIN_ONLY = [
    "A JSON object",
    "Big (8 byte) integer",
    "Boolean (Either True or False)",
    "Boolean (Either True, False or None)",
    "Comma-separated integers",
    "Comment",
    "Date (with time)",
    "Date (without time)",
    "Decimal number",
    "Duration",
    "Field of type: %(field_type)s",
    "File",
    "File path",
    "Floating point number",
    "Foreign Key (type determined by related field)",
    "IP address",
    "IPv4 address",
    "Image",
    "Integer",
    "Many-to-many relationship",
    "One-to-one relationship",
    "Positive big integer",
    "Positive integer",
    "Positive small integer",
    "Raw binary data",
    "Slug (up to %(max_length)s)",
    "Small integer",
    "String (unlimited)",
    "String (up to %(max_length)s)",
    "Text",
    "Time",
    "URL",
    "Universally unique identifier",
    "%(from)s-%(to)s relationship",
    "%(from)s-%(to)s relationships",
]


def whole_msgid(text: str) -> str:
    """A POSIX extended regular expression matching exactly ``text``."""
    return "^" + re.sub(r"([.\[\](){}*+?|^$\\])", r"\\\1", text) + "$"


HEADER = """\
# Khmer translation of the third-party strings CSO Academy shows
# (django-allauth, Django, Wagtail). Regenerate with extract.py; see README.md.
#
msgid ""
msgstr ""
"Project-Id-Version: cso-academy locale overrides\\n"
"Report-Msgid-Bugs-To: \\n"
"PO-Revision-Date: 2026-11-28 00:00+0700\\n"
"Last-Translator: CSO Academy localisation team\\n"
"Language-Team: Khmer\\n"
"Language: km\\n"
"MIME-Version: 1.0\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Content-Transfer-Encoding: 8bit\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"
"""


def package_root(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        sys.exit(f"{name} is not installed in this interpreter")
    return Path(next(iter(spec.submodule_search_locations)))


def selected_files(root: Path, include: list[str], exclude: list[str]) -> list[Path]:
    chosen = set()
    for pattern in include:
        for path in root.glob(pattern):
            if not path.is_file() or path.suffix not in {".py", ".html", ".txt"}:
                continue
            rel = path.relative_to(root).as_posix()
            if any(fnmatch.fnmatch(rel, ex) for ex in exclude):
                continue
            chosen.add(path)
    return sorted(chosen)


def run(*args: str, cwd: Path | None = None) -> str:
    """Run a gettext or Django tool; return what it printed on stderr."""
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(args, cwd=cwd, env=env, check=True, capture_output=True, text=True)  # noqa: S603
    return done.stderr


def build_pot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        for package, (include, exclude) in SCOPE.items():
            root = package_root(package)
            files = selected_files(root, include, exclude)
            if not files:
                sys.exit(f"no files selected in {package}: has its layout changed?")
            for path in files:
                target = tmpdir / package / path.relative_to(root)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
        (tmpdir / "locale").mkdir()
        run(
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "--locale=km",
            "--keep-pot",
            "--add-location=file",
            "--no-wrap",
            "--verbosity=0",
            cwd=tmpdir,
        )
        pot = tmpdir / "locale" / "django.pot"
        filtered = tmpdir / "filtered.pot"
        # Drop passkey/WebAuthn-only and admin-only strings.
        run(
            "msggrep",
            "--invert-match",
            "--no-wrap",
            "--sort-by-file",
            "--msgid",
            "--extended-regexp",
            "--regexp",
            "|".join([EXCLUDE_MSGID, *map(whole_msgid, ADMIN_ONLY)]),
            "--output-file",
            str(filtered),
            str(pot),
        )
        text = filtered.read_text(encoding="utf-8")
        # Keep the header stable: no creation date, so diffs show strings only.
        text = re.sub(r'"POT-Creation-Date: [^"]*\\n"\n', "", text)
        out.write_text(text, encoding="utf-8")


def merge(pot: Path, po: Path) -> None:
    if not po.exists():
        po.parent.mkdir(parents=True, exist_ok=True)
        po.write_text(HEADER, encoding="utf-8")
    run(
        "msgmerge",
        "--quiet",
        "--update",
        "--backup=none",
        "--no-wrap",
        "--previous",
        str(po),
        str(pot),
    )
    run("msgattrib", "--no-obsolete", "--no-wrap", "--output-file", str(po), str(po))


def stats(po: Path) -> tuple[int, int, int]:
    """(translated, fuzzy, untranslated) entries of ``po``, as msgfmt counts them."""
    report = run("msgfmt", "--statistics", "--output-file", os.devnull, str(po))
    counts = []
    for kind in ("translated", "fuzzy", "untranslated"):
        found = re.search(rf"(\d+) {kind} (messages?|translations?)", report)
        counts.append(int(found.group(1)) if found else 0)
    return counts[0], counts[1], counts[2]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--compile", action="store_true", help="also run msgfmt --check")
    parser.add_argument(
        "--check",
        action="store_true",
        help="change nothing; fail if the catalogue is not complete for the installed packages",
    )
    args = parser.parse_args()

    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            pot, po = Path(tmp) / "django.pot", Path(tmp) / "django.po"
            build_pot(pot)
            shutil.copyfile(PO, po)
            merge(pot, po)
            translated, fuzzy, untranslated = stats(po)
        stale = sum(stats(PO)) != translated + fuzzy + untranslated
        print(f"{translated} translated, {fuzzy} fuzzy, {untranslated} untranslated")
        if fuzzy or untranslated or stale:
            print("out of date for the installed packages: run extract.py and translate")
            return 1
        return 0

    build_pot(POT)
    merge(POT, PO)
    translated, fuzzy, untranslated = stats(PO)
    print(f"{translated} translated, {fuzzy} fuzzy, {untranslated} untranslated")
    if fuzzy or untranslated:
        print(f"translate the empty and fuzzy entries of {PO.relative_to(HERE.parents[1])}")
    if args.compile:
        run("msgfmt", "--check", "--output-file", str(MO), str(PO))
        print(f"compiled {MO.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
