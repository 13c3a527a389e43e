"""The demo: `seed_demo` whole, eight real courses in Khmer and English, safe twice."""

import io

import pytest
from wagtail.models import Collection

from courses.models import CoursePage, Enrolment, LessonPage, LessonProgress

pytestmark = pytest.mark.django_db


def _seed():
    """Run ``seed_demo`` whole, as ``make run`` does: every app's demo in order."""
    from django.core.management import call_command

    if Collection.get_first_root_node() is None:  # removed by a transactional test's flush
        Collection.add_root(name="Root")
    out = io.StringIO()
    call_command("seed_demo", "--allow-without-debug", stdout=out)
    return out.getvalue()


def test_demo_courses_are_complete_bilingual_and_seed_twice_safely(client):
    """Eight or more real courses, most in both languages; a second seed changes nothing.

    The whole ``seed_demo`` runs, so a demo that no longer matches a service
    (which would break ``make run``) fails here."""
    output = _seed()
    assert "Demo accounts" in output and "Workshops:" in output
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
    # Two courses under way (courses.demo) and one finished with its
    # certificate (certificates.demo).
    under_way = learner_enrolments.filter(completed_at__isnull=True)
    assert under_way.count() == 2
    assert LessonProgress.objects.filter(enrolment__in=under_way).count() == 3
    assert learner_enrolments.filter(completed_at__isnull=False).count() == 1

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
