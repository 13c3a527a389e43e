"""A change to a course's set of lessons re-evaluates its learners' completion.

The learner has done the first two lessons of three; the editor then
withdraws the third (unpublish, delete, move to another course, all through
the Wagtail admin). The learner has finished: the course is completed once,
the certificate signal sent, and every page shows 100% with no "continue"
link. A learner who finished keeps it when a lesson is added.
"""

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from courses import factories
from courses.models import Enrolment

pytestmark = pytest.mark.django_db


@pytest.fixture
def learner(user, course, lessons):
    """A learner signed in, enrolled, who has done lessons 1 and 2 of 3 (over HTTP)."""
    client = Client()
    client.force_login(user)
    client.post(reverse("courses:enrol", args=[course.pk]))
    for lesson in lessons[:2]:
        assert client.post(reverse("courses:lesson_done", args=[lesson.pk])).status_code == 302
    assert Enrolment.objects.get(user=user).completed_at is None
    return client


def _assert_finished(learner, user, course, completions):
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.completed_at is not None
    assert [e.pk for e in completions] == [enrolment.pk]
    course_html = learner.get(course.url).content.decode()
    assert 'aria-valuenow="100"' in course_html
    with translation.override("km"):  # the course lives in the Khmer catalogue
        assert translation.gettext("You have completed this course.") in course_html
        assert translation.gettext("Continue where you left off") not in course_html
    dashboard = learner.get("/en/dashboard/").content.decode()
    assert "99%" not in dashboard and 'aria-valuenow="99"' not in dashboard
    assert "100% · completed on" in dashboard
    assert "Continue where you left off" not in dashboard


def test_unpublishing_the_lesson_left_completes_the_learner(
    learner, user, course, lessons, completions, staff_user, django_capture_on_commit_callbacks
):
    from tests.conftest import login_with_mfa

    editor = Client()
    login_with_mfa(editor, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("wagtailadmin_pages:unpublish", args=[lessons[2].pk]))
    assert response.status_code == 302
    lessons[2].refresh_from_db()
    assert not lessons[2].live
    _assert_finished(learner, user, course, completions)


def test_deleting_the_lesson_left_completes_the_learner(
    learner, user, course, lessons, completions, staff_user, django_capture_on_commit_callbacks
):
    from tests.conftest import login_with_mfa

    editor = Client()
    login_with_mfa(editor, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(reverse("wagtailadmin_pages:delete", args=[lessons[2].pk]))
    assert response.status_code == 302
    assert not type(lessons[2]).objects.filter(pk=lessons[2].pk).exists()
    _assert_finished(learner, user, course, completions)


def test_moving_the_lesson_left_to_another_course_completes_the_learner(
    learner,
    user,
    catalogue,
    course,
    lessons,
    completions,
    staff_user,
    django_capture_on_commit_callbacks,
):
    from tests.conftest import login_with_mfa

    other = factories.course_page(catalogue, title="Another course", slug="another")
    editor = Client()
    login_with_mfa(editor, staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            reverse("wagtailadmin_pages:move_confirm", args=[lessons[2].pk, other.pk])
        )
    assert response.status_code == 302
    lessons[2].refresh_from_db()
    assert lessons[2].get_parent().pk == other.pk
    _assert_finished(learner, user, course, completions)


def test_a_learner_who_finished_stays_at_100_when_a_lesson_is_added(
    learner, user, course, lessons, completions, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        learner.post(reverse("courses:quiz_submit", args=[lessons[2].pk]), {"q0": "0"})
        factories.lesson_page(course, title="A lesson added later", slug="later")
    enrolment = Enrolment.objects.get(user=user)
    assert enrolment.completed_at is not None
    assert len(completions) == 1
    _assert_finished(learner, user, course, completions)
    lesson_html = learner.get(lessons[0].url).content.decode()
    assert 'aria-valuenow="100"' in lesson_html


def test_withdrawing_a_lesson_the_learner_still_misses_another_does_not_complete(
    user, course, lessons, completions, django_capture_on_commit_callbacks
):
    """Only those who did every remaining lesson finish; the others stay below 100%."""
    learner = Client()
    learner.force_login(user)
    learner.post(reverse("courses:enrol", args=[course.pk]))
    learner.post(reverse("courses:lesson_done", args=[lessons[0].pk]))
    with django_capture_on_commit_callbacks(execute=True):
        lessons[1].unpublish()
    assert Enrolment.objects.get(user=user).completed_at is None
    assert completions == []
    html = learner.get("/en/dashboard/").content.decode()
    assert "50% · 1 of 2 lessons" in html
