"""Regenerate the templates of third-party strings the site shows, and merge them.

    .venv/bin/python lms/locale_overrides/extract.py            # regenerate + merge
    .venv/bin/python lms/locale_overrides/extract.py --compile  # ... and build the .mo
    .venv/bin/python lms/locale_overrides/extract.py --check    # fail if out of date

The scope (which files of which installed package can put text on a public
page, in an e-mail or in the Wagtail admin) is the ``SCOPE`` table below.
Each package's chosen files are copied into a temporary folder laid out as
``<package>/<path>`` and ``django-admin makemessages --keep-pot`` runs there,
so the template (``source/django.pot`` under this folder) names each
string's source as ``allauth/account/forms.py`` and so on. Strings that only
passkeys/WebAuthn show are dropped (``EXCLUDE_MSGID``), and so are Django's
admin-only ones (``ADMIN_ONLY``). The admin's scripts have their own domain,
``djangojs``, whose template is the English catalogue Wagtail ships
(``source/djangojs.pot``). Each Khmer catalogue is then merged with
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
# The Wagtail admin's scripts read their strings from the djangojs domain.
JS_POT = HERE / "source" / "djangojs.pot"
JS_PO = HERE / "km" / "LC_MESSAGES" / "djangojs.po"
JS_MO = JS_PO.with_suffix(".mo")

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
            # The user and group fields on the admin's user and group forms.
            "contrib/auth/models.py",
            # The page a visitor gets when a form's CSRF token has expired.
            "views/csrf.py",
            "views/templates/csrf_403.html",
        ],
        [],
    ),
    "wagtail": (
        # Every Wagtail app in INSTALLED_APPS: what an editor meets in the
        # admin, and what a visitor meets (page privacy, its login form). The
        # apps that are not installed stay out.
        [
            "*.py",
            "actions/**/*.py",
            "blocks/**/*",
            "models/**/*.py",
            "permission_policies/**/*.py",
            "rich_text/**/*.py",
            "templatetags/**/*.py",
            "utils/**/*.py",
            "templates/**/*",
            "admin/**/*",
            "contrib/forms/**/*",
            "contrib/redirects/**/*",
            "contrib/settings/**/*",
            "contrib/simple_translation/**/*",
            "documents/**/*",
            "embeds/**/*",
            "images/**/*",
            "locales/**/*",
            "search/**/*",
            "sites/**/*",
            "snippets/**/*",
            "users/**/*",
        ],
        [
            "**/migrations/**",
            "**/tests/**",
            "**/test/**",
            "**/tests.py",
            "**/static/**",
            "**/locale/**",
            "**/management/**",
        ],
    ),
    # What the Wagtail admin shows from the libraries it builds on: tag fields
    # (images, documents) and the listings' filters.
    "taggit": (["forms.py", "managers.py", "models.py"], []),
    "django_filters": (["fields.py", "filters.py", "filterset.py", "widgets.py", "conf.py"], []),
}

# Shown only when passkeys/WebAuthn are on; the site offers TOTP and recovery codes.
# Spelled out case by case: msggrep's --ignore-case matches nothing on UTF-8 input.
# The last three name WebAuthn keys (allauth/mfa/adapter.py).
EXCLUDE_MSGID = (
    r"[Pp]asskey|PASSKEY|[Ss]ecurity [Kk]ey|[Ww]eb[Aa]uthn|WEBAUTHN"
    r"|^Master key$|^Backup key$|^Key nr\. \{number\}$"
)

# Strings in Django's in-scope files that only Django's own admin or admindocs
# (neither installed) show: model-field descriptions. Left out so that this
# catalogue, which outranks every app's own catalogue, claims as few everyday
# English words as it can. (Wagtail's "Image", "Text" or "File" stay: its admin
# shows them.)
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
# (django-allauth, Django, Wagtail and its admin). Regenerate with extract.py;
# see README.md.
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


def package_pot(package: str, tmpdir: Path) -> Path:
    """The template of one package's in-scope strings, made by makemessages."""
    include, exclude = SCOPE[package]
    root = package_root(package)
    files = selected_files(root, include, exclude)
    if not files:
        sys.exit(f"no files selected in {package}: has its layout changed?")
    workdir = tmpdir / package
    for path in files:
        target = workdir / package / path.relative_to(root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    (workdir / "locale").mkdir()
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
        cwd=workdir,
    )
    pot = workdir / "locale" / "django.pot"
    filtered = workdir / "filtered.pot"
    # Drop passkey/WebAuthn-only strings, and Django's admin-only ones (the
    # same English in Wagtail's admin, such as "Image", is kept from there).
    drop = [EXCLUDE_MSGID]
    if package == "django":
        drop += map(whole_msgid, ADMIN_ONLY)
    run(
        "msggrep",
        "--invert-match",
        "--no-wrap",
        "--msgid",
        "--extended-regexp",
        "--regexp",
        "|".join(drop),
        "--output-file",
        str(filtered),
        str(pot),
    )
    return filtered


def build_pot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        pots = [package_pot(package, tmpdir) for package in SCOPE]
        joined = tmpdir / "django.pot"
        run("msgcat", "--no-wrap", "--sort-by-file", "--output-file", str(joined), *map(str, pots))
        text = joined.read_text(encoding="utf-8")
        # Keep the header stable: no creation date, so diffs show strings only.
        text = re.sub(r'"POT-Creation-Date: [^"]*\\n"\n', "", text)
        out.write_text(text, encoding="utf-8")


def build_js_pot(out: Path) -> None:
    """The Wagtail admin's JavaScript strings (its ``djangojs`` domain).

    Wagtail compiles its scripts into minified bundles, where makemessages
    cannot find the calls; the English catalogue it ships is the template
    its own translators work from, made from the scripts' sources.
    """
    source = package_root("wagtail") / "admin" / "locale" / "en" / "LC_MESSAGES" / "djangojs.po"
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "djangojs.pot"
        run("msgcat", "--no-wrap", "--sort-by-file", "--output-file", str(pot), str(source))
        # Locations (src/...) name the scripts' sources in Wagtail's repository.
        out.write_text(pot.read_text(encoding="utf-8"), encoding="utf-8")


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


def wagtail_share(po: Path) -> int:
    """How many translated entries of ``po`` Wagtail uses (any of their sources)."""
    with tempfile.TemporaryDirectory() as tmp:
        chosen = Path(tmp) / "wagtail.po"
        # msggrep's wildcards stop at "/": name every depth of Wagtail's tree.
        locations = [f"--location=wagtail{'/*' * depth}" for depth in range(1, 10)]
        run("msggrep", *locations, "--output-file", str(chosen), str(po))
        return stats(chosen)[0] if chosen.exists() else 0


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
    domains = [(POT, PO, MO, build_pot), (JS_POT, JS_PO, JS_MO, build_js_pot)]

    if args.check:
        failed = False
        for pot_path, po_path, _mo, build in domains:
            with tempfile.TemporaryDirectory() as tmp:
                pot, po = Path(tmp) / pot_path.name, Path(tmp) / po_path.name
                build(pot)
                shutil.copyfile(po_path, po)
                merge(pot, po)
                translated, fuzzy, untranslated = stats(po)
            stale = sum(stats(po_path)) != translated + fuzzy + untranslated
            print(
                f"{po_path.name}: {translated} translated, {fuzzy} fuzzy, "
                f"{untranslated} untranslated"
            )
            failed = failed or bool(fuzzy or untranslated or stale)
        if failed:
            print("out of date for the installed packages: run extract.py and translate")
            return 1
        return 0

    for pot, po, mo, build in domains:
        build(pot)
        merge(pot, po)
        translated, fuzzy, untranslated = stats(po)
        wagtail = translated if po == JS_PO else wagtail_share(po)
        print(
            f"{po.name}: {translated} translated ({wagtail} of them Wagtail's), "
            f"{fuzzy} fuzzy, {untranslated} untranslated"
        )
        if fuzzy or untranslated:
            print(f"translate the empty and fuzzy entries of {po.relative_to(HERE.parents[1])}")
        if args.compile:
            run("msgfmt", "--check", "--output-file", str(mo), str(po))
            print(f"compiled {mo.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
