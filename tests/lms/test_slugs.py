"""Web addresses that read: Khmer slugs keep their vowel signs, old addresses redirect."""

import importlib
from urllib.parse import quote, unquote

import pytest
from django.apps import apps
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from courses import factories
from courses.models import CoursePage, LessonPage
from lms.slugs import make_existing_slugs_readable, readable_slug, stripped_slugs

pytestmark = pytest.mark.django_db

TITLE = "វគ្គបណ្ដុះបណ្ដាលអំពីសិទ្ធិមនុស្ស"
# What Wagtail's editor script and Django's slugify made of it: every mark gone.
STRIPPED = "វគគបណដបណដលអពសទធមនសស"


@pytest.fixture
def catalogue(db):
    return factories.catalogue_page("km")


def test_readable_slugs():
    assert STRIPPED in stripped_slugs(TITLE)
    assert readable_slug(TITLE) == TITLE
    assert readable_slug("ប្រាក់ឈ្នួល អប្បបរមា ២០២៦!") == "ប្រាក់ឈ្នួល-អប្បបរមា-២០២៦"
    assert readable_slug("Documenting: human rights, cases") == "documenting-human-rights-cases"
    assert readable_slug("សុវត្ថិភាព\u200bឌីជីថល") == "សុវត្ថិភាពឌីជីថល"
    # Long titles stop at a word boundary within 40 characters.
    long = "ការចងក្រងឯកសារករណីរំលោភសិទ្ធិមនុស្ស និងការការពារសហគមន៍ក្នុងខេត្ត"
    slug = readable_slug(long)
    assert len(slug) <= 40
    assert long.replace(" ", "-").startswith(slug)
    assert slug.endswith("មនុស្ស") or slug.endswith("និង")


def _lesson_form(title, slug):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "intro": "",
            "duration_minutes": "15",
            "body": streamfield([("paragraph", rich_text("<p>អានអត្ថបទនេះ។</p>"))]),
            "action-publish": "action-publish",
        }
    )


def test_a_new_page_gets_a_slug_that_keeps_khmer_marks(staff_client, catalogue):
    """The editor's script sends the stripped slug; the page is saved with the readable one
    and served at it."""
    course = factories.course_page(catalogue, title="C", slug="c")
    response = staff_client.post(
        f"/admin/pages/add/courses/lessonpage/{course.pk}/", _lesson_form(TITLE, STRIPPED)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    lesson = LessonPage.objects.get(title=TITLE)
    assert lesson.slug == TITLE
    assert unquote(lesson.url) == f"/km/courses/c/{TITLE}/"
    assert staff_client.get(lesson.url).status_code == 200
    assert staff_client.get(f"/km/courses/c/{quote(TITLE)}/").status_code == 200

    # A second page with the same title gets the next free slug.
    staff_client.post(
        f"/admin/pages/add/courses/lessonpage/{course.pk}/", _lesson_form(TITLE, STRIPPED)
    )
    assert sorted(LessonPage.objects.filter(title=TITLE).values_list("slug", flat=True)) == [
        TITLE,
        f"{TITLE}-2",
    ]


def test_an_editor_may_type_a_latin_or_a_khmer_slug(staff_client, catalogue):
    course = factories.course_page(catalogue, title="C", slug="c")
    url = f"/admin/pages/add/courses/lessonpage/{course.pk}/"
    assert staff_client.post(url, _lesson_form(TITLE, "rights")).status_code == 302
    assert LessonPage.objects.get(slug="rights").title == TITLE
    assert staff_client.post(url, _lesson_form("ខ្លី", "សិទ្ធិ")).status_code == 302
    lesson = LessonPage.objects.get(slug="សិទ្ធិ")
    assert staff_client.get(lesson.url).status_code == 200

    response = staff_client.post(url, _lesson_form("Bad", "a b/c"))
    assert response.status_code == 200
    assert not LessonPage.objects.filter(title="Bad").exists()


def test_editing_a_live_page_keeps_its_address(staff_client, catalogue):
    course = factories.course_page(catalogue, title=TITLE, slug=STRIPPED)
    lesson = factories.lesson_page(course, title="មេរៀន", slug="lesson")
    response = staff_client.post(f"/admin/pages/{lesson.pk}/edit/", _lesson_form("មេរៀន", "lesson"))
    assert response.status_code == 302
    course.refresh_from_db()
    assert course.slug == STRIPPED


def test_existing_pages_get_readable_slugs_and_old_addresses_redirect(
    client, catalogue, django_capture_on_commit_callbacks
):
    course = factories.course_page(catalogue, title=TITLE, slug=STRIPPED)
    lesson_title = "ការចងក្រងឯកសារ"
    lesson = factories.lesson_page(
        course, title=lesson_title, slug=stripped_slugs(lesson_title).pop()
    )
    latin = factories.course_page(catalogue, title="សុវត្ថិភាព", slug="safety")
    old_course_url, old_lesson_url = course.url, lesson.url
    assert unquote(old_course_url) == f"/km/courses/{STRIPPED}/"

    migration = importlib.import_module("lms.migrations.0002_readable_slugs")
    with django_capture_on_commit_callbacks(execute=True):
        migration.readable_slugs(apps, None)

    course = CoursePage.objects.get(pk=course.pk)
    lesson = LessonPage.objects.get(pk=lesson.pk)
    assert course.slug == TITLE
    assert lesson.slug == lesson_title
    assert CoursePage.objects.get(pk=latin.pk).slug == "safety"  # an editor's choice stays
    assert unquote(lesson.url) == f"/km/courses/{TITLE}/{lesson_title}/"

    for old, new in ((old_course_url, course.url), (old_lesson_url, lesson.url)):
        response = client.get(old)
        assert response.status_code == 301
        assert unquote(response["Location"]) == unquote(new)
        assert client.get(response["Location"]).status_code == 200

    # The revisions carry the new slug, so the next publish keeps the new address.
    course.save_revision().publish()
    assert Page.objects.get(pk=course.pk).slug == TITLE
    assert make_existing_slugs_readable() == 0


def test_a_page_may_be_copied_to_a_khmer_slug(staff_client, catalogue):
    """Wagtail's copy form checked the new slug with Django's ``\\w`` rule and refused
    every Khmer slug with a vowel sign; it accepts what the editor accepts."""
    course = factories.course_page(catalogue, title="C", slug="c")
    lesson = factories.lesson_page(course, title="មេរៀន", slug="lesson")
    url = f"/admin/pages/{lesson.pk}/copy/"
    assert staff_client.get(url).status_code == 200
    response = staff_client.post(
        url, {"new_title": TITLE, "new_slug": TITLE, "new_parent_page": course.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    copy = LessonPage.objects.get(title=TITLE)
    assert copy.slug == TITLE and copy.get_parent().pk == course.pk

    response = staff_client.post(
        url, {"new_title": "Bad", "new_slug": "a b/c", "new_parent_page": course.pk}
    )
    assert response.status_code == 200
    assert not LessonPage.objects.filter(title="Bad").exists()
