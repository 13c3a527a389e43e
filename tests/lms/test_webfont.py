"""Khmer on a computer without a Khmer font: the site's own subset font.

A device with a Khmer font must download nothing; one without gets a ~30 KB
WOFF2 from this site once, and Khmer letters are drawn with it, not as boxes.
The two machines are made with fontconfig (Chromium on Linux finds its fonts
through it): one sees only DejaVu, the other DejaVu and Noto Sans Khmer.
"""

import os
import re
import shutil
from io import BytesIO
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from fontTools.ttLib import TTFont

from lms.demo import seed as seed_home
from lms.management.commands.build_khmer_webfont import UNICODES, source_path
from tests.conftest import CHROMIUM_ARGS, _chromium_path

FONT = "fonts/noto-sans-khmer-subset.woff2"


class _Quiet:
    def write(self, *args, **kwargs):
        pass


def test_committed_font_is_what_the_pinned_packages_make(capsys):
    """`manage.py build_khmer_webfont --check` passes: the file can be made again."""
    call_command("build_khmer_webfont", check=True)
    assert "up to date" in capsys.readouterr().out


def test_font_covers_khmer_with_its_shaping_and_both_weights():
    font = TTFont(BytesIO(Path(finders.find(FONT)).read_bytes()))
    assert font.flavor == "woff2"
    cmap = set(font.getBestCmap())
    assert cmap == set(UNICODES) & set(TTFont(source_path()).getBestCmap())
    assert len(cmap) > 140
    assert {ord(c) for c in "ខ្មែរបណ្ដុះបណ្តាល"} <= cmap
    assert not cmap & set(range(0x41, 0x5B)), "Latin is left to the device's fonts"
    features = {r.FeatureTag for r in font["GSUB"].table.FeatureList.FeatureRecord}
    assert {"pref", "blwf", "abvs", "blws", "pres", "psts"} <= features
    (axis,) = font["fvar"].axes
    assert (axis.axisTag, axis.minValue, axis.maxValue) == ("wght", 400, 700)


def test_stylesheet_tries_the_device_fonts_first_and_only_for_khmer(client):
    css = client.get("/static/css/site.css")
    text = b"".join(css.streaming_content).decode() if css.streaming else css.content.decode()
    rule = re.search(r"@font-face\s*{[^}]*}", text).group(0)
    assert '"CSOA Khmer"' in rule
    src = re.search(r"src:([^;]*);", rule).group(1)
    assert src.strip().startswith('local("Noto Sans Khmer")')
    assert src.index("local(") < src.index("url(") and src.count("url(") == 1
    assert "unicode-range: U+1780-17FF, U+19E0-19FF, U+200B-200D, U+25CC;" in rule
    stack = re.search(r"--font:([^;]*);", text).group(1)
    # The web font comes after every Khmer font a system may have by name.
    assert stack.index('"Khmer OS System"') < stack.index('"CSOA Khmer"')
    served = client.get("/static/" + FONT)
    assert served.status_code == 200
    assert served["Content-Type"] == "font/woff2"


# ---------------------------------------------------------------------------
# In Chromium
# ---------------------------------------------------------------------------


def _fontconfig(directory: Path, font_dirs: list[Path]) -> dict[str, str]:
    """An environment whose fontconfig sees only ``font_dirs``."""
    directory.mkdir(parents=True, exist_ok=True)
    dirs = "".join(f"<dir>{d}</dir>" for d in font_dirs)
    config = directory / "fonts.conf"
    config.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">'
        f"<fontconfig>{dirs}<cachedir>{directory / 'cache'}</cachedir></fontconfig>"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(config), "HOME": str(directory)}


def _visit(playwright, env, url):
    """Load ``url`` in a fresh phone-sized browser; the font requests and their bytes."""
    browser = playwright.chromium.launch(
        executable_path=_chromium_path(), args=CHROMIUM_ARGS, env=env
    )
    try:
        page = browser.new_page(viewport={"width": 390, "height": 844})
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        urls, sizes = {}, {}
        cdp.on(
            "Network.requestWillBeSent",
            lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]),
        )
        cdp.on(
            "Network.loadingFinished",
            lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]),
        )
        page.goto(url)
        page.wait_for_load_state("networkidle")
        status = page.evaluate(
            "async () => { await document.fonts.ready;"
            " return [...document.fonts].filter(f => f.family.includes('CSOA Khmer'))"
            ".map(f => f.status); }"
        )
        fonts = {urls[r]: sizes.get(r, 0) for r in urls if urls[r].endswith(".woff2")}
        total = sum(sizes.values())
        drawn = {}
        if "/km/" in url:
            cdp.send("DOM.enable")
            cdp.send("CSS.enable")
            root = cdp.send("DOM.getDocument")["root"]["nodeId"]
            for selector in ("h1", ".brand__name", "label"):  # Khmer words with no space
                node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})
                if not node["nodeId"]:
                    continue
                used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})
                drawn[selector] = {(f["familyName"], f["isCustomFont"]) for f in used["fonts"]}
        return fonts, status, total, drawn
    finally:
        browser.close()


@pytest.fixture
def machines(tmp_path):
    if _chromium_path() is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("Chromium not found")
        pytest.skip("Chromium not found (install it with `apt-get install -y chromium`)")
    dejavu = Path("/usr/share/fonts/truetype/dejavu")
    khmer = tmp_path / "khmer-fonts"
    khmer.mkdir()
    shutil.copy(source_path(), khmer / "NotoSansKhmer.ttf")
    return {
        "without": _fontconfig(tmp_path / "without", [dejavu]),
        "with": _fontconfig(tmp_path / "with", [dejavu, khmer]),
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_khmer_font_is_fetched_only_by_a_device_without_one(live_server, machines):
    from playwright.sync_api import sync_playwright

    seed_home(_Quiet())
    from courses import factories

    factories.catalogue_page("km")
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            results = {
                (machine, path): _visit(playwright, env, live_server.url + path)
                for machine, env in machines.items()
                for path in ("/km/", "/en/", "/km/courses/")
            }
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    size = len(Path(finders.find(FONT)).read_bytes())
    for path in ("/km/", "/en/", "/km/courses/"):
        fonts, status, total, drawn = results["with", path]
        assert fonts == {}, f"a device with a Khmer font downloaded {fonts} on {path}"
        assert "loaded" not in status
        for selector, used in drawn.items():  # the device's own Khmer font, not boxes
            assert used == {("Noto Sans Khmer", False)}, (path, selector, used)
        fonts, status, total, drawn = results["without", path]
        ((url, transferred),) = fonts.items()
        assert "/static/fonts/noto-sans-khmer-subset" in url
        assert size <= transferred < size + 1_000
        assert "loaded" in status
        for selector, used in drawn.items():  # every Khmer letter in the site's font
            assert used == {("Noto Sans Khmer", True)}, (path, selector, used)
    print(
        "\nbytes on a first visit (all requests):",
        {f"{m} Khmer font {p}": results[m, p][2] for (m, p) in results},
        f"font file {size}",
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["km", "en"])
def test_the_search_example_fits_its_box_on_a_phone(page, live_server, language):
    """At 390 px the search box is wide enough for its example text, in both languages."""
    from courses import factories

    factories.catalogue_page("km")
    factories.catalogue_page("en")
    page.goto(f"{live_server.url}/{language}/courses/")
    page.evaluate("document.fonts.ready")
    text, needed, room = page.evaluate(
        """() => {
            const box = document.querySelector('#id_q');
            const style = getComputedStyle(box);
            const context = document.createElement('canvas').getContext('2d');
            context.font = style.font;
            const room = box.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return [box.placeholder, context.measureText(box.placeholder).width, room];
        }"""
    )
    assert text
    assert needed <= room, f"{text!r} needs {needed:.0f} px, the box has {room:.0f} px"
