"""The catalogue: search, filters, sort, pagination, constant queries, and a light page."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import factories
from courses.catalogue import PER_PAGE

pytestmark = pytest.mark.django_db


def _titles(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<h3 class="card__title"><a [^>]*>([^<]+)</a>', html)


@pytest.fixture
def courses(catalogue, catalogue_en):
    """A small bilingual catalogue: three Khmer courses, one translated, one English-only."""
    documenting = factories.course_page(
        catalogue,
        title="ការចងក្រងឯកសារករណីរំលោភសិទ្ធិមនុស្ស",
        slug="documenting",
        summary="រៀនកត់ត្រាអ្វីដែលបានកើតឡើងឱ្យបានត្រឹមត្រូវ និងដោយសុវត្ថិភាព។",
        topics=["human-rights"],
        languages=["km", "en"],
        level="introductory",
        format="self-paced",
    )
    english = documenting.copy_for_translation(catalogue_en.locale)
    english.title = "Documenting human rights cases"
    english.summary = "Record what happened accurately and safely."
    english.save_revision().publish()
    factories.course_page(
        catalogue,
        title="សុវត្ថិភាពឌីជីថលសម្រាប់សកម្មជន",
        slug="digital",
        summary="ការពារទូរស័ព្ទ និងគណនីរបស់អ្នក។",
        topics=["digital-security"],
        languages=["km"],
        level="intermediate",
        format="cohort",
    )
    factories.course_page(
        catalogue,
        title="ប្រាក់ឈ្នួលអប្បបរមា",
        slug="wage",
        summary="ដំណើរការកំណត់ប្រាក់ឈ្នួលអប្បបរមា។",
        topics=["labour-rights", "advocacy"],
        languages=["km"],
        level="advanced",
        format="workshop-based",
    )
    factories.course_page(
        catalogue_en,
        title="Running online trainings",
        slug="online",
        summary="Sessions that work on a phone and 3G.",
        topics=["media-communication"],
        languages=["en"],
        level="intermediate",
        format="self-paced",
    )


def test_catalogue_lists_each_course_once_in_the_visitors_language(client, courses):
    """The English catalogue shows the translation where there is one, else the original."""
    response = client.get("/en/courses/")
    titles = _titles(response)
    assert "Documenting human rights cases" in titles
    assert "ការចងក្រងឯកសារករណីរំលោភសិទ្ធិមនុស្ស" not in titles
    assert "សុវត្ថិភាពឌីជីថលសម្រាប់សកម្មជន" in titles
    assert "Running online trainings" in titles
    assert len(titles) == 4

    titles = _titles(client.get("/km/courses/"))
    assert "ការចងក្រងឯកសារករណីរំលោភសិទ្ធិមនុស្ស" in titles
    assert "Running online trainings" in titles
    assert len(titles) == 4


def test_search_in_english_and_in_khmer(client, courses):
    """Search finds whole English words and Khmer words inside unspaced Khmer text."""
    assert _titles(client.get("/en/courses/?q=documenting")) == ["Documenting human rights cases"]
    assert _titles(client.get("/en/courses/?q=phone")) == ["Running online trainings"]
    # "ប្រាក់ឈ្នួល" (wage) sits inside a longer Khmer phrase with no spaces.
    assert _titles(client.get("/km/courses/?q=ប្រាក់ឈ្នួល")) == ["ប្រាក់ឈ្នួលអប្បបរមា"]
    response = client.get("/km/courses/?q=nothing-like-this")
    assert _titles(response) == []
    assert "No course matches" in response.content.decode() or response.status_code == 200


FILTER_CASES = [
    ("topic=digital-security", ["សុវត្ថិភាពឌីជីថលសម្រាប់សកម្មជន"]),
    ("topic=advocacy", ["ប្រាក់ឈ្នួលអប្បបរមា"]),
    ("level=advanced", ["ប្រាក់ឈ្នួលអប្បបរមា"]),
    ("format=cohort", ["សុវត្ថិភាពឌីជីថលសម្រាប់សកម្មជន"]),
    ("language=en", ["Documenting human rights cases", "Running online trainings"]),
    ("language=en&level=intermediate", ["Running online trainings"]),
]


def test_each_filter(client, courses):
    """Topic, level, format and language filters narrow the list, and combine."""
    for query, expected in FILTER_CASES:
        titles = _titles(client.get(f"/en/courses/?{query}"))
        assert sorted(titles) == sorted(expected), query


def test_an_unknown_filter_value_is_ignored_with_a_message(client, courses):
    """A tampered filter value changes nothing and says so."""
    response = client.get("/en/courses/?level=expert")
    assert response.status_code == 200
    assert len(_titles(response)) == 4
    assert "That choice is not available" in response.content.decode()


def test_sort_by_title_and_newest(client, courses):
    titles = _titles(client.get("/en/courses/?sort=title"))
    assert titles == sorted(titles)
    newest = _titles(client.get("/en/courses/?sort=newest"))
    assert newest[0] == "Running online trainings"


def test_pagination_keeps_the_filters(client, catalogue):
    """Pages of 12, with next/previous links that keep the query."""
    for i in range(PER_PAGE + 3):
        factories.course_page(catalogue, title=f"Course {i:02d}", slug=f"c{i}", level="advanced")
    first = client.get("/km/courses/?level=advanced&sort=title")
    assert len(_titles(first)) == PER_PAGE
    html = first.content.decode()
    assert 'href="?level=advanced&amp;sort=title&amp;page=2"' in html
    second = client.get("/km/courses/?level=advanced&sort=title&page=2")
    assert _titles(second) == ["Course 12", "Course 13", "Course 14"]
    assert client.get("/km/courses/?page=99").status_code == 200
    assert client.get("/km/courses/?page=abc").status_code == 200


def _count_queries(client, url) -> int:
    """Queries of one uncached render, after a request that warms the site-wide caches."""
    client.get(f"{url}&warm=1")
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_the_number_of_courses(client, user, catalogue):
    """5 or 50 courses (with topics and languages): the same number of queries, signed in or not."""

    def add(n, start):
        for i in range(start, start + n):
            factories.course_page(
                catalogue,
                title=f"Course {i}",
                slug=f"course-{i}",
                topics=["human-rights", "advocacy"],
                languages=["km", "en"],
            )

    add(5, 0)
    anonymous_small = _count_queries(client, "/km/courses/?sort=title")
    search_small = _count_queries(client, "/km/courses/?q=Course&topic=advocacy")
    client.force_login(user)
    signed_in_small = _count_queries(client, "/km/courses/?sort=title")
    client.logout()

    add(45, 5)
    assert _count_queries(client, "/km/courses/?sort=newest") == anonymous_small
    assert _count_queries(client, "/km/courses/?q=Course&topic=advocacy") == search_small
    client.force_login(user)
    assert _count_queries(client, "/km/courses/?sort=newest") == signed_in_small


def test_anonymous_catalogue_is_cached_until_an_editor_publishes(client, catalogue):
    """The second visit comes from the cache; a publish shows at once."""
    course = factories.course_page(catalogue, title="First course", slug="first")
    assert client.get("/km/courses/").get("X-Catalogue-Cache") is None
    with CaptureQueriesContext(connection) as context:
        cached = client.get("/km/courses/")
    assert cached["X-Catalogue-Cache"] == "hit"
    assert context.captured_queries == []  # answered before Wagtail routes the request
    assert _titles(cached) == ["First course"]

    factories.course_page(catalogue, title="Second course", slug="second")
    assert sorted(_titles(client.get("/km/courses/"))) == ["First course", "Second course"]

    course.title = "First course, revised"
    course.save_revision().publish()
    assert "First course, revised" in _titles(client.get("/km/courses/"))

    course.unpublish()
    assert _titles(client.get("/km/courses/")) == ["Second course"]


def test_catalogue_is_light_and_loads_nothing_from_elsewhere(client, courses):
    """No script, no third-party host, HTML and CSS well under 100 KB."""
    from django.contrib.staticfiles import finders

    response = client.get("/en/courses/")
    html = response.content.decode()
    assert "<script" not in html
    assert not re.search(r'(src|href)="https?://', html)
    css = len(open(finders.find("css/site.css"), "rb").read())
    assert len(response.content) + css < 100 * 1024


def test_signed_in_visitors_are_never_served_the_cached_page(client, user, catalogue):
    """The cache is for anonymous visitors; a learner sees their own enrolments."""
    factories.course_page(catalogue, title="First course", slug="first")
    client.get("/km/courses/")
    client.force_login(user)
    response = client.get("/km/courses/")
    assert response.get("X-Catalogue-Cache") is None
    assert "Sokha" in response.content.decode()
