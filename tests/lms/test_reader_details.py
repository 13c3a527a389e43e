"""Small things a Khmer reader notices: language names, the institution's name,
titles, heading levels, icons (issue 16, part 6)."""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.core.files.base import ContentFile
from django.utils import translation

from courses import factories

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
INSTITUTION_KM = "បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល"


@pytest.fixture
def site(db):
    """Both home pages and catalogues, with a featured course in each language."""
    for language in ("km", "en"):
        catalogue = factories.catalogue_page(language)
        factories.course_page(
            catalogue,
            title=f"Budgets ({language})",
            slug=f"budgets-{language}",
            featured=True,
            languages=[language],
        )


def test_the_language_switch_names_each_language_in_itself(client, site):
    english = client.get("/en/").content.decode()
    assert re.search(r'<a href="/km/" hreflang="km" lang="km" rel="alternate">ខ្មែរ</a>', english)
    khmer = client.get("/km/").content.decode()
    assert re.search(r'<a href="/en/" hreflang="en" lang="en" rel="alternate">English</a>', khmer)
    switch = re.search(r'<nav class="lang-switch".*?</nav>', english, re.S).group(0)
    assert "Khmer" not in switch


def test_one_khmer_name_for_the_institution(client, site):
    """The header says what the certificate says, and no Khmer sentence says "CSO Academy"."""
    from certificates.models import CertificateSettings

    html = client.get("/km/").content.decode()
    brand = re.search(r'class="brand__name">([^<]*)<', html).group(1)
    assert brand == INSTITUTION_KM
    assert CertificateSettings._meta.get_field("issuer_name_km").default == INSTITUTION_KM
    with translation.override("km"):
        assert translation.gettext("CSO Academy") == INSTITUTION_KM
    for path in ROOT.glob("**/locale/km/LC_MESSAGES/django.po"):
        if ".venv" in path.parts:
            continue
        for entry in polib.pofile(str(path)):
            for text in [entry.msgstr, *entry.msgstr_plural.values()]:
                assert "Academy" not in text, f"{path}: {entry.msgid!r} → {text!r}"
                for name in re.findall(r"បណ្ឌិត្យសភា\S*", text):
                    assert name.startswith(INSTITUTION_KM), f"{path}: {text!r}"


def test_the_home_title_names_the_site_once(client, site):
    khmer = client.get("/km/").content.decode()
    assert re.search(r"<title>([^<]*)</title>", khmer).group(1) == INSTITUTION_KM
    english = client.get("/en/").content.decode()
    assert re.search(r"<title>([^<]*)</title>", english).group(1) == "CSO Academy"
    courses = client.get("/en/courses/").content.decode()
    assert re.search(r"<title>([^<]*)</title>", courses).group(1) == "Courses · CSO Academy"


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels = []

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.levels.append(int(tag[1]))


@pytest.mark.parametrize("path", ["/km/", "/en/", "/km/courses/", "/en/courses/"])
def test_headings_never_skip_a_level(client, site, path):
    parser = _Headings()
    parser.feed(client.get(path).content.decode())
    levels = parser.levels
    assert levels[0] == 1 and levels.count(1) == 1, levels
    assert 3 in levels, "the course cards' headings are on the page"
    for before, after in zip(levels, levels[1:], strict=False):
        assert after <= before + 1, f"h{before} is followed by h{after} on {path}: {levels}"


def test_the_document_block_draws_its_icon_without_an_emoji_font(client, db):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection

    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    document = get_document_model()(title="Consent form")
    document.file.save("consent.txt", ContentFile(b"I agree."), save=False)
    document.save()
    catalogue = factories.catalogue_page("km")
    course = factories.course_page(catalogue, title="Interviews", slug="interviews")
    lesson = factories.lesson_page(
        course,
        title="Consent",
        slug="consent",
        body=[("document", {"document": document, "description": "Print two copies."})],
    )
    html = client.get(lesson.url).content.decode()
    block = re.search(r'<p class="download panel">.*?</p>', html, re.S).group(0)
    assert "📄" not in html
    assert '<svg class="download__icon"' in block and 'aria-hidden="true"' in block
    assert "Consent form" in block
