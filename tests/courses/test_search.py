"""The catalogue search as a Khmer reader types it: a corpus of queries with the expected
results, on whichever database the suite runs on (SQLite without ``DATABASE_URL``,
PostgreSQL with it; CI runs both)."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses import factories, search
from courses.models import CoursePage

from .search_corpus import DIGITAL, FINANCE, ONLINE, RIGHTS, titles

pytestmark = pytest.mark.django_db

# (query, expected titles in order; "lesson" is the lesson the first card names, or None)
CORPUS = [
    # Both subscript forms find both spellings; the title outranks the summary.
    ("បណ្ដុះបណ្ដាល", [RIGHTS, FINANCE], None),
    ("បណ្តុះបណ្តាល", [RIGHTS, FINANCE], None),
    # Part of a word, and a word inside a compound.
    ("បណ្តុះ", [RIGHTS, FINANCE], None),
    ("សិទ្ធិ", [RIGHTS], None),
    ("ហិរញ្ញ", [FINANCE], None),
    # Words in titles and in summaries.
    ("សុវត្ថិភាពឌីជីថល", [DIGITAL], None),
    ("ថវិកា", [FINANCE], None),
    ("ទូរស័ព្ទ", [DIGITAL], None),
    # Words only in a lesson's text: the card says which lesson.
    ("ពាក្យសម្ងាត់", [DIGITAL], "គណនីរបស់អ្នក"),
    ("សម្ភាសន៍", [RIGHTS], "ការចងក្រងឯកសារ"),
    # Invisible characters an input method leaves, other equivalent spellings.
    ("សុវត្ថិភាព\u200bឌីជីថល", [DIGITAL], None),
    ("\u200bថវិកា\u200c", [FINANCE], None),
    ("ឱ្យចេះ", [FINANCE], None),
    ("ឲ្យបាន", [RIGHTS], "ការចងក្រងឯកសារ"),
    # Several words: each must be somewhere in the course, title or lessons.
    ("សុវត្ថិភាព ពាក្យសម្ងាត់", [DIGITAL], "គណនីរបស់អ្នក"),
    ("សុវត្ថិភាព ថវិកា", [], None),
    # Latin words, and nothing.
    ("online", [ONLINE], None),
    ("ONLINE 3g", [ONLINE], None),
    ("អាកាសធាតុ", [], None),
]


@pytest.mark.parametrize(("query", "expected", "lesson"), CORPUS, ids=[c[0] for c in CORPUS])
def test_khmer_search_corpus(client, corpus, query, expected, lesson):
    response = client.get("/km/courses/", {"q": query})
    assert titles(response) == expected
    html = response.content.decode()
    cards = html.split('<li class="card course-card">')[1:]
    if lesson is None:
        assert "course-card__match" not in (cards[0] if cards else "")
    else:
        # "Found in the lesson:", in Khmer: "រកឃើញក្នុងមេរៀន៖".
        match = re.search(
            r'course-card__match">រកឃើញក្នុងមេរៀន៖ <a href="([^"]+)"[^>]*>([^<]+)</a>', cards[0]
        )
        assert match, cards[0]
        assert match.group(2) == lesson
        assert client.get(match.group(1)).status_code == 200


def test_ranking_counts_words(client, catalogue):
    """A word in the title outranks the same word in a lesson; more occurrences rank higher."""
    in_lesson = factories.course_page(catalogue, title="វគ្គទីមួយ", slug="one", summary="...")
    factories.lesson_page(in_lesson, slug="l", body=[("paragraph", "<p>អង្គការ</p>")])
    factories.course_page(catalogue, title="អង្គការ", slug="two", summary="...")
    factories.course_page(catalogue, title="អង្គការ", slug="three", summary="អង្គការ និងបណ្តាញអង្គការ")
    assert titles(client.get("/km/courses/", {"q": "អង្គការ"})) == [
        "អង្គការ",
        "អង្គការ",
        "វគ្គទីមួយ",
    ]
    ids = search.search_ids("អង្គការ")
    assert [CoursePage.objects.get(pk=pk).slug for pk in ids] == ["three", "two", "one"]


def test_the_index_follows_the_course_tree(client, catalogue):
    """Publishing, editing, unpublishing and moving a lesson change what is found."""
    first = factories.course_page(catalogue, title="វគ្គទីមួយ", slug="first")
    second = factories.course_page(catalogue, title="វគ្គទីពីរ", slug="second")
    lesson = factories.lesson_page(first, slug="budget", body=[("paragraph", "<p>ផែនការថវិកា</p>")])

    def found(query):
        return titles(client.get("/km/courses/", {"q": query}))

    assert found("ផែនការ") == ["វគ្គទីមួយ"]
    lesson.body = [("paragraph", "<p>របាយការណ៍ប្រចាំឆ្នាំ</p>")]
    lesson.save_revision().publish()
    assert found("ផែនការ") == []
    assert found("ប្រចាំឆ្នាំ") == ["វគ្គទីមួយ"]

    lesson.move(second, pos="last-child")
    assert found("ប្រចាំឆ្នាំ") == ["វគ្គទីពីរ"]
    lesson.refresh_from_db()
    lesson.unpublish()
    assert found("ប្រចាំឆ្នាំ") == []

    first.title = "វគ្គថ្មី"
    first.save_revision().publish()
    assert found("ថ្មី") == ["វគ្គថ្មី"]
    assert found("ទីមួយ") == []


def test_draft_changes_are_not_searched(client, catalogue):
    course = factories.course_page(catalogue, title="វគ្គផ្សាយ", slug="live")
    course.title = "វគ្គព្រាង"
    course.save_revision()  # saved, not published
    assert titles(client.get("/km/courses/", {"q": "ព្រាង"})) == []
    assert titles(client.get("/km/courses/", {"q": "ផ្សាយ"})) == ["វគ្គផ្សាយ"]


def test_the_khmer_catalogue_lists_courses_in_khmer_first(client, catalogue, catalogue_en):
    """No query: courses taught in Khmer before the others, each group newest first;
    an explicit sort is kept as asked."""
    factories.course_page(catalogue, title="វគ្គចាស់", slug="old", languages=["km"])
    factories.course_page(catalogue_en, title="English only", slug="en", languages=["en"])
    factories.course_page(catalogue_en, title="Taught in both", slug="both", languages=["en", "km"])
    factories.course_page(catalogue_en, title="English, newest", slug="en2", languages=["en"])
    assert titles(client.get("/km/courses/")) == [
        "Taught in both",
        "វគ្គចាស់",
        "English, newest",
        "English only",
    ]
    assert titles(client.get("/km/courses/?sort=newest"))[0] == "English, newest"
    assert titles(client.get("/en/courses/"))[0] == "English, newest"


def _count_queries(client, url) -> int:
    client.get(f"{url}&warm=1")
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_query_count_is_constant_when_lessons_match(client, catalogue):
    """Naming the matched lesson costs one query for a page of results, not one per card."""

    def add(n, start):
        for i in range(start, start + n):
            course = factories.course_page(catalogue, title=f"វគ្គ {i}", slug=f"c{i}")
            factories.lesson_page(course, slug="l", body=[("paragraph", "<p>ការពារទិន្នន័យ</p>")])

    add(2, 0)
    small = _count_queries(client, "/km/courses/?q=ទិន្នន័យ")
    add(13, 2)
    assert _count_queries(client, "/km/courses/?q=ទិន្នន័យ") == small


def test_rebuilding_the_index_gives_the_same_answers(client, corpus):
    before = [search.search_ids(query) for query, _, _ in CORPUS]
    search.SearchEntry.objects.all().delete()
    assert search.search_ids("ថវិកា") == []
    assert search.rebuild() == 4
    assert [search.search_ids(query) for query, _, _ in CORPUS] == before


def test_lessons_behind_a_view_restriction_are_not_searched(client, catalogue):
    """A card never names, or matches on, a lesson only signed-in people may read."""
    from wagtail.models import PageViewRestriction

    course = factories.course_page(catalogue, title="វគ្គឯកជន", slug="r")
    lesson = factories.lesson_page(
        course, slug="private", body=[("paragraph", "<p>ផែនការសម្ងាត់</p>")]
    )
    PageViewRestriction.objects.create(page=lesson, restriction_type=PageViewRestriction.LOGIN)
    lesson.save_revision().publish()
    assert titles(client.get("/km/courses/", {"q": "ផែនការសម្ងាត់"})) == []
    assert titles(client.get("/km/courses/", {"q": "ឯកជន"})) == ["វគ្គឯកជន"]
