"""The demo catalogue: eight real courses, in Khmer and English, safe to seed twice."""

import io

import pytest
from wagtail.models import Collection

from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress

pytestmark = pytest.mark.django_db


def _seed():
    from accounts import demo as accounts_demo
    from courses import demo as courses_demo
    from lms import demo as lms_demo

    if Collection.get_first_root_node() is None:  # removed by a transactional test's flush
        Collection.add_root(name="Root")
    out = io.StringIO()
    for module in (lms_demo, accounts_demo, courses_demo):
        module.seed(stdout=out)
    return out.getvalue()


def test_demo_courses_are_complete_bilingual_and_seed_twice_safely(client):
    """Eight or more real courses, most in both languages; a second seed changes nothing."""
    _seed()
    khmer = CoursePage.objects.filter(locale__language_code="km")
    english = CoursePage.objects.filter(locale__language_code="en")
    keys = set(khmer.values_list("translation_key", flat=True)) | set(
        english.values_list("translation_key", flat=True)
    )
    assert len(keys) >= 8
    both = set(khmer.values_list("translation_key", flat=True)) & set(
        english.values_list("translation_key", flat=True)
    )
    assert len(both) >= 5
    for course in CoursePage.objects.live():
        lessons = list(course.lessons().specific())
        assert len(lessons) >= 2, course.title
        assert any(lesson.has_quiz for lesson in lessons), course.title
        assert course.topics.exists() and course.languages.exists()
    assert any("ស" in c.title for c in khmer)  # real Khmer text

    learner_enrolments = Enrolment.objects.filter(user__email="learner@demo.cso-academy.org")
    assert learner_enrolments.count() == 2
    assert LessonProgress.objects.filter(enrolment__in=learner_enrolments).count() == 3

    for path in ("/km/courses/", "/en/courses/"):
        assert client.get(path).status_code == 200
    for lesson in LessonPage.objects.live()[:40]:
        assert client.get(lesson.url).status_code == 200

    counts = (CoursePage.objects.count(), LessonPage.objects.count(), Enrolment.objects.count())
    _seed()
    assert (
        CoursePage.objects.count(),
        LessonPage.objects.count(),
        Enrolment.objects.count(),
    ) == counts
