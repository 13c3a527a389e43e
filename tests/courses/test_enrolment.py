"""Enrolling and leaving a course, and the prerequisites that advise or block it,
through HTTP as a learner would."""

import pytest
from django.test import Client
from django.urls import reverse

from courses import factories, services
from courses.models import Enrolment, LessonProgress

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"courses:{name}", args=args)


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
# Prerequisites
# ---------------------------------------------------------------------------


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
