"""Quizzes graded on the server: right, wrong and partly right answers, attempt
limits, tampered input, and the answer key kept out of the page."""

import pytest
from django.urls import reverse

from courses.models import LessonProgress, QuizAttempt

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"courses:{name}", args=args)


def test_the_answer_key_is_not_in_the_lesson_html(enrolled, multi_quiz_lesson):
    """Neither the 'correct' flags nor the feedback reach the page before submission."""
    html = enrolled.get(multi_quiz_lesson.url).content.decode()
    assert "Which protect a phone?" in html
    assert "A six-digit lock" in html
    for secret in ("correct", "Right: a long lock", "No: one loss reveals all", "feedback"):
        assert secret not in html
    assert 'value="0"' in html and 'name="q1"' in html


def test_quiz_right_answers_pass_and_finish_the_lesson(enrolled, user, multi_quiz_lesson):
    response = enrolled.post(
        url("quiz_submit", multi_quiz_lesson.pk), {"q0": "0", "q1": ["0", "1"]}
    )
    assert response.status_code == 302 and response["Location"].endswith("#quiz")
    attempt = QuizAttempt.objects.get(enrolment__user=user)
    assert (attempt.score, attempt.passed, attempt.results) == (100, True, [1.0, 1.0])
    assert attempt.answers == [[0], [0, 1]]
    assert LessonProgress.objects.filter(lesson_key=multi_quiz_lesson.translation_key).exists()
    html = enrolled.get(multi_quiz_lesson.url).content.decode()
    assert "Right: a long lock resists guessing." in html  # feedback after submission


def test_quiz_wrong_answers_fail(enrolled, user, multi_quiz_lesson):
    enrolled.post(url("quiz_submit", multi_quiz_lesson.pk), {"q0": "1", "q1": ["2"]})
    attempt = QuizAttempt.objects.get(enrolment__user=user)
    assert (attempt.score, attempt.passed) == (0, False)
    assert not LessonProgress.objects.filter(lesson_key=multi_quiz_lesson.translation_key).exists()
    html = enrolled.get(multi_quiz_lesson.url).content.decode()
    assert "No: one loss reveals all." in html
    assert "Right: a long lock" not in html  # unchosen right answers stay hidden


def test_quiz_partly_right_earns_partial_credit(enrolled, user, multi_quiz_lesson):
    """One of two right answers plus a wrong one: 0 for that question; one right alone: half."""
    enrolled.post(url("quiz_submit", multi_quiz_lesson.pk), {"q0": "0", "q1": ["0"]})
    attempt = QuizAttempt.objects.get(enrolment__user=user)
    assert attempt.results == [1.0, 0.5]
    assert (attempt.score, attempt.passed) == (75, True)

    enrolled.post(url("quiz_submit", multi_quiz_lesson.pk), {"q0": "0", "q1": ["0", "2"]})
    second = QuizAttempt.objects.filter(enrolment__user=user).order_by("number").last()
    assert second.results == [1.0, 0.0]
    assert (second.number, second.score, second.passed) == (2, 50, False)


def test_quiz_attempt_limit(enrolled, user, multi_quiz_lesson):
    """After the allowed attempts, a submission is refused and nothing is stored."""
    for _ in range(2):
        enrolled.post(url("quiz_submit", multi_quiz_lesson.pk), {"q0": "1", "q1": ["2"]})
    response = enrolled.post(
        url("quiz_submit", multi_quiz_lesson.pk), {"q0": "0", "q1": ["0", "1"]}, follow=True
    )
    assert QuizAttempt.objects.filter(enrolment__user=user).count() == 2
    assert "You have used every attempt at this quiz." in response.content.decode() or (
        "អ្នកបានប្រើ" in response.content.decode()
    )


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"q0": "0"},
        {"q0": "7", "q1": "0"},
        {"q0": "x", "q1": "0"},
        {"q0": ["0", "1"], "q1": "0"},
    ],
)
def test_incomplete_or_tampered_submissions_change_nothing(enrolled, multi_quiz_lesson, data):
    response = enrolled.post(url("quiz_submit", multi_quiz_lesson.pk), data)
    assert response.status_code == 302
    assert not QuizAttempt.objects.exists()


def test_unlimited_attempts_by_default(enrolled, user, lessons):
    for _ in range(4):
        enrolled.post(url("quiz_submit", lessons[2].pk), {"q0": "1"})
    assert QuizAttempt.objects.filter(enrolment__user=user).count() == 4


def test_attempts_left_are_shown_until_the_quiz_is_passed(enrolled, user, multi_quiz_lesson):
    """A failed attempt of two leaves "1 attempt left"; once passed, no count remains."""
    from django.utils import translation

    def left(n):
        text = translation.ngettext("%(counter)s attempt left.", "%(counter)s attempts left.", n)
        return text % {"counter": n}

    with translation.override("km"):  # the lesson lives in the Khmer catalogue
        one_left, two_left = left(1), left(2)
    assert two_left in enrolled.get(multi_quiz_lesson.url).content.decode()
    enrolled.post(url("quiz_submit", multi_quiz_lesson.pk), {"q0": "1", "q1": ["2"]})
    assert one_left in enrolled.get(multi_quiz_lesson.url).content.decode()
    enrolled.post(url("quiz_submit", multi_quiz_lesson.pk), {"q0": "0", "q1": ["0", "1"]})
    html = enrolled.get(multi_quiz_lesson.url).content.decode()
    assert QuizAttempt.objects.filter(enrolment__user=user, passed=True).count() == 1
    assert one_left not in html and two_left not in html
    assert 'class="quiz__form"' not in html
