"""What a learner meets around their courses: the dashboard, the home page and
navigation, light lesson media, query counts that do not grow, and their
personal data."""

import json
import re

import pytest
from django.urls import reverse

from courses import factories, services
from courses.models import Enrolment, QuizAttempt

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"courses:{name}", args=args)


# ---------------------------------------------------------------------------
# Dashboard, home page, navigation
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


# ---------------------------------------------------------------------------
# Course and lesson pages
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# Personal data
# ---------------------------------------------------------------------------


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
