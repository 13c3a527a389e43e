"""Progress through a course's lessons, in every language, and who may see a
learner's record, through HTTP as a learner would."""

import pytest
from django.urls import reverse

from courses import factories, services
from courses.models import Enrolment, LessonProgress

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"courses:{name}", args=args)


# ---------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------


def test_mark_as_done_moves_to_the_next_lesson(enrolled, user, lessons):
    response = enrolled.post(url("lesson_done", lessons[0].pk))
    assert response["Location"] == lessons[1].url
    assert LessonProgress.objects.filter(enrolment__user=user).count() == 1
    enrolled.post(url("lesson_done", lessons[0].pk))
    assert LessonProgress.objects.filter(enrolment__user=user).count() == 1
    html = enrolled.get(lessons[0].url).content.decode()
    assert "You have finished this lesson." in html or "អ្នកបានបញ្ចប់មេរៀននេះ" in html


def test_progress_needs_an_enrolment(user_client, lessons):
    response = user_client.post(url("lesson_done", lessons[0].pk))
    assert response.status_code == 302
    assert not LessonProgress.objects.exists()


def test_a_quiz_lesson_is_done_only_by_passing_its_quiz(enrolled, lessons):
    enrolled.post(url("lesson_done", lessons[2].pk))
    assert not LessonProgress.objects.exists()


def test_progress_follows_the_learner_into_the_translation(enrolled, user, course, lessons):
    """Progress made in Khmer shows on the English translation of the course."""
    from wagtail.models import Locale

    factories.catalogue_page("en")
    english = course.copy_for_translation(Locale.objects.get(language_code="en"))
    english.title = "Documenting (English)"
    english.save_revision().publish()
    for lesson in lessons:
        copy = lesson.copy_for_translation(Locale.objects.get(language_code="en"))
        copy.save_revision().publish()
    enrolled.post(url("lesson_done", lessons[0].pk))
    html = enrolled.get(english.url).content.decode()
    assert 'aria-valuenow="33"' in html
    english_lessons = list(english.lessons().specific())
    enrolled.post(url("lesson_done", english_lessons[1].pk))
    assert LessonProgress.objects.filter(enrolment__user=user).count() == 2


# ---------------------------------------------------------------------------
# Ownership
# ---------------------------------------------------------------------------


def test_another_learners_record_and_attempts_are_404(
    client, user, other_user, course, lessons, multi_quiz_lesson
):
    """A learner can neither see nor change someone else's enrolment or attempts."""
    enrolment = services.enrol(other_user, course)
    attempt, _ = services.submit_quiz(other_user, multi_quiz_lesson, {"q0": ["1"], "q1": ["2"]})
    client.force_login(user)
    assert client.get(url("enrolment_detail", enrolment.pk)).status_code == 404
    assert client.get(url("attempt_detail", attempt.pk)).status_code == 404
    assert client.get(url("leave", enrolment.pk)).status_code == 404
    assert client.post(url("leave", enrolment.pk)).status_code == 404
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()

    client.force_login(other_user)
    assert client.get(url("enrolment_detail", enrolment.pk)).status_code == 200
    assert client.get(url("attempt_detail", attempt.pk)).status_code == 200


def test_learners_own_record(enrolled, user, lessons):
    enrolled.post(url("lesson_done", lessons[0].pk))
    enrolled.post(url("quiz_submit", lessons[2].pk), {"q0": "1"})
    enrolment = Enrolment.objects.get(user=user)
    html = enrolled.get(url("enrolment_detail", enrolment.pk)).content.decode()
    assert "Check yourself" in html
    assert "1 / 3" in html
