"""Enrolment, progress, quizzes and who may see them, through HTTP as a learner would."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from courses import factories, services
from courses.models import Enrolment, LessonProgress, QuizAttempt

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"courses:{name}", args=args)


@pytest.fixture
def enrolled(user_client, course):
    user_client.post(url("enrol", course.pk))
    return user_client


@pytest.fixture
def multi_quiz_lesson(course):
    """A lesson whose quiz has a one-answer and a several-answer question, two attempts."""
    return factories.lesson_page(
        course,
        title="Safe storage",
        slug="storage",
        body=[
            factories.quiz_block(
                [
                    {
                        "text": "Where do you keep the list of real names?",
                        "kind": "single",
                        "answers": [
                            ("Apart from the notes, locked", True, "Yes."),
                            ("In the same notebook", False, "No: one loss reveals all."),
                        ],
                    },
                    {
                        "text": "Which protect a phone?",
                        "kind": "multiple",
                        "answers": [
                            ("A six-digit lock", True, "Right: a long lock resists guessing."),
                            ("Encryption", True, "Right: encryption protects stored files."),
                            ("Sharing the PIN with friends", False, "No: keep your PIN secret."),
                        ],
                    },
                ],
                pass_mark=75,
                max_attempts=2,
            )
        ],
    )


# ---------------------------------------------------------------------------
# Enrolment
# ---------------------------------------------------------------------------


def test_enrol_takes_the_learner_to_the_first_lesson(user_client, user, course, lessons):
    response = user_client.post(url("enrol", course.pk))
    assert response.status_code == 302
    assert response["Location"] == lessons[0].url
    assert Enrolment.objects.filter(user=user, course=course).count() == 1
    user_client.post(url("enrol", course.pk))
    assert Enrolment.objects.filter(user=user).count() == 1


def test_enrol_needs_sign_in_and_post(user_client, course):
    response = Client().post(url("enrol", course.pk))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert user_client.get(url("enrol", course.pk)).status_code == 405
    assert not Enrolment.objects.exists()


def test_course_page_shows_enrol_then_progress(user_client, course, lessons):
    html = user_client.get(course.url).content.decode()
    assert "Enrol" in html or "ចុះឈ្មោះ" in html
    assert url("enrol", course.pk) in html
    user_client.post(url("enrol", course.pk))
    user_client.post(url("lesson_done", lessons[0].pk))
    html = user_client.get(course.url).content.decode()
    assert 'aria-valuenow="33"' in html
    assert f'href="{lessons[1].url}"' in html  # continue where you left off
    assert url("enrol", course.pk) not in html


def test_leave_deletes_progress_after_confirming(enrolled, user, course, lessons):
    enrolment = Enrolment.objects.get(user=user)
    enrolled.post(url("lesson_done", lessons[0].pk))
    assert enrolled.get(url("leave", enrolment.pk)).status_code == 200
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()
    response = enrolled.post(url("leave", enrolment.pk))
    assert response.status_code == 302
    assert not Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert not LessonProgress.objects.exists()


def test_a_completed_course_cannot_be_left(enrolled, user, course, lessons):
    enrolled.post(url("lesson_done", lessons[0].pk))
    enrolled.post(url("lesson_done", lessons[1].pk))
    enrolled.post(url("quiz_submit", lessons[2].pk), {"q0": "0"})
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.completed_at is not None
    enrolled.post(url("leave", enrolment.pk))
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


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
# Quizzes
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Dashboard, home page, navigation, personal data
# ---------------------------------------------------------------------------


def test_dashboard_shows_progress_continue_and_completed(enrolled, user, course, lessons):
    enrolled.post(url("lesson_done", lessons[0].pk))
    html = enrolled.get("/en/dashboard/").content.decode()
    assert course.title in html
    assert 'aria-valuenow="33"' in html
    assert lessons[1].url in html  # continue where you left off

    enrolled.post(url("lesson_done", lessons[1].pk))
    enrolled.post(url("quiz_submit", lessons[2].pk), {"q0": "0"})
    html = enrolled.get("/en/dashboard/").content.decode()
    assert 'aria-valuenow="100"' in html
    assert "Completed" in html


def test_dashboard_queries_do_not_grow_with_enrolments(user_client, user, catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def enrol_in(n, start):
        for i in range(start, start + n):
            course = factories.course_page(catalogue, title=f"C{i}", slug=f"c{i}")
            lesson = factories.lesson_page(course, title="L", slug="l")
            services.enrol(user, course)
            services.mark_lesson_done(user, lesson) if i % 2 else None

    def count():
        user_client.get("/en/dashboard/")  # warm the caches shared by every page
        with CaptureQueriesContext(connection) as context:
            assert user_client.get("/en/dashboard/").status_code == 200
        return len(context.captured_queries)

    enrol_in(2, 0)
    small = count()
    enrol_in(8, 2)
    assert count() == small


def test_nav_and_home_page_link_to_courses(client, course):
    """The main navigation links to the catalogue; the home page features courses."""
    html = client.get("/km/").content.decode()
    assert 'href="/km/courses/"' in html
    assert course.title in html


def test_personal_data_export_and_deletion(enrolled, user, lessons):
    from lms import hooks

    enrolled.post(url("lesson_done", lessons[0].pk))
    enrolled.post(url("quiz_submit", lessons[2].pk), {"q0": "1"})
    data = hooks.personal_data(user)["courses"]
    assert data[0]["course"] == "Documenting human rights cases"
    assert data[0]["lessons_done"][0]["lesson"] == "Why document"
    assert data[0]["quiz_attempts"][0]["answers"] == [[1]]
    json.dumps(data)

    hooks.before_account_deletion(user)
    assert not Enrolment.objects.filter(user=user).exists()
    assert not QuizAttempt.objects.exists()


def test_prerequisites_are_explained_with_the_learners_status(user_client, user, catalogue):
    """A course lists what it builds on, and whether the learner has completed it."""
    basics = factories.course_page(catalogue, title="Security basics", slug="basics")
    lesson = factories.lesson_page(basics, title="Lock your phone", slug="lock")
    advanced = factories.course_page(
        catalogue, title="Advanced security", slug="advanced", prerequisites=[basics]
    )
    html = user_client.get(advanced.url).content.decode()
    assert "Security basics" in html
    assert "not completed yet" in html or "មិនទាន់បញ្ចប់" in html
    assert url("enrol", advanced.pk) in html  # advice, not a barrier

    services.enrol(user, basics)
    services.mark_lesson_done(user, lesson)
    html = user_client.get(advanced.url).content.decode()
    assert "you completed it" in html or "អ្នកបានបញ្ចប់វាហើយ" in html


def test_lesson_media_is_light_by_default(client, course):
    """Images are lazy phone-sized renditions; a video waits for play, shows size and transcript."""
    import io

    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import Collection

    if Collection.get_first_root_node() is None:  # removed by a transactional test's flush
        Collection.add_root(name="Root")
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (30, 107, 58)).save(buffer, format="PNG")
    buffer.seek(0)
    image = get_image_model()(title="Meeting", file=ImageFile(buffer, name="meeting.png"))
    image.save()
    video = get_document_model()(title="Interview video")
    video.file.save("interview.mp4", ContentFile(b"0" * 2_500_000), save=False)
    video.save()
    lesson = factories.lesson_page(
        course,
        title="Watching",
        slug="watching",
        body=[
            ("image", {"image": image, "alt_text": "A community meeting", "caption": ""}),
            (
                "video",
                {
                    "title": "A good interview",
                    "file": video,
                    "external_url": "",
                    "external_size_mb": None,
                    "duration_minutes": 4,
                    "poster": image,
                    "audio": None,
                    "transcript": "<p>The trainer greets the witness.</p>",
                },
            ),
        ],
    )
    html = client.get(lesson.url).content.decode()
    assert 'loading="lazy"' in html and "srcset=" in html and 'alt="A community meeting"' in html
    assert 'preload="none"' in html and "autoplay" not in html
    assert re.search(r"2[.,]4\sMB", html)  # the video's size (Khmer writes 2,4)
    assert "The trainer greets the witness." in html
    assert "<script" not in html


def test_course_and_lesson_pages_keep_their_query_count_as_lessons_grow(
    user_client, user, catalogue
):
    """A course of 3 or 15 lessons (some in modules) costs the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = factories.course_page(catalogue, title="Growing", slug="growing")
    module = factories.module_page(course, title="Part one", slug="one")
    lessons = [factories.lesson_page(module, title=f"L{i}", slug=f"l{i}") for i in range(3)]
    services.enrol(user, course)
    services.mark_lesson_done(user, lessons[0])

    def count(path):
        user_client.get(path)  # warm the shared caches and record the lesson opened
        with CaptureQueriesContext(connection) as context:
            assert user_client.get(path).status_code == 200
        return len(context.captured_queries)

    small = (count(course.url), count(lessons[1].url))
    for i in range(3, 15):
        factories.lesson_page(module if i % 2 else course, title=f"L{i}", slug=f"l{i}")
    assert (count(course.url), count(lessons[1].url)) == small


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


@pytest.fixture
def required_basics(catalogue):
    """ "Advanced security" requires "Security basics" (one lesson)."""
    basics = factories.course_page(catalogue, title="Security basics", slug="basics")
    factories.lesson_page(basics, title="Lock your phone", slug="lock")
    advanced = factories.course_page(
        catalogue,
        title="Advanced security",
        slug="advanced",
        prerequisites=[basics],
        prerequisite_rule="required",
    )
    lesson = factories.lesson_page(advanced, title="Threat models", slug="threats")
    return basics, advanced, lesson


def test_required_prerequisites_block_enrolment_with_a_message_and_a_link(
    user_client, user, required_basics
):
    """Until the learner completes the required course, the page offers no enrolment,
    names the course with a link, and a POST changes nothing and says why."""
    from django.utils import translation

    basics, advanced, lesson = required_basics
    with translation.override("km"):
        intro = translation.gettext("Complete these courses before you enrol in this one:")
        refused = translation.gettext("Complete the courses this one requires before you enrol.")
    html = user_client.get(advanced.url).content.decode()
    assert intro in html
    assert f'<li><a href="{basics.url}">Security basics</a></li>' in html
    assert url("enrol", advanced.pk) not in html
    assert url("enrol", advanced.pk) not in user_client.get(lesson.url).content.decode()

    response = user_client.post(url("enrol", advanced.pk), follow=True)
    assert refused in response.content.decode()
    assert not Enrolment.objects.filter(user=user, course_key=advanced.translation_key).exists()

    services.enrol(user, basics)
    services.mark_lesson_done(user, basics.lessons().first())
    html = user_client.get(advanced.url).content.decode()
    assert intro not in html and url("enrol", advanced.pk) in html
    user_client.post(url("enrol", advanced.pk))
    assert Enrolment.objects.filter(user=user, course_key=advanced.translation_key).exists()


def test_advisory_prerequisites_only_advise(user_client, user, required_basics):
    basics, advanced, lesson = required_basics
    advanced.prerequisite_rule = "advisory"
    advanced.save_revision().publish()
    user_client.post(url("enrol", advanced.pk))
    assert Enrolment.objects.filter(user=user, course_key=advanced.translation_key).exists()


def test_editor_chooses_whether_prerequisites_are_required(staff_client, required_basics):
    """The course editor offers the choice between advised and required."""
    _basics, advanced, _lesson = required_basics
    html = staff_client.get(reverse("wagtailadmin_pages:edit", args=[advanced.pk])).content.decode()
    assert 'name="prerequisite_rule"' in html
    assert 'value="required"' in html and 'value="advisory"' in html
