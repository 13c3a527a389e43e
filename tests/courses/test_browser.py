"""A learner on a phone: search, enrol, finish the lessons and the quiz, see 100%."""

import pytest
from django.test import Client

from courses import factories
from courses.models import Enrolment

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def english_course(db):
    factories.catalogue_page("km")
    catalogue = factories.catalogue_page("en")
    factories.course_page(
        catalogue,
        title="Running online trainings",
        slug="online",
        summary="Sessions that work on a phone and 3G.",
        languages=["en"],
    )
    course = factories.course_page(
        catalogue,
        title="Digital security for activists",
        slug="digital-security",
        summary="Protect your phone, your accounts and the people you work with.",
        topics=["digital-security"],
        languages=["en"],
    )
    factories.lesson_page(course, title="Locking your phone", slug="locking")
    factories.lesson_page(
        course,
        title="Spotting phishing",
        slug="phishing",
        body=[
            ("paragraph", "<p>Pause before you click.</p>"),
            factories.quiz_block(
                [
                    {
                        "text": "Which second step is safest?",
                        "kind": "single",
                        "answers": [
                            ("An authenticator app", True, "Yes: it cannot be SIM-swapped."),
                            ("A code by SMS", False, "SMS can be intercepted."),
                        ],
                    },
                    {
                        "text": "Which are signs of phishing?",
                        "kind": "multiple",
                        "answers": [
                            ("You must act today", True, "Urgency is a classic trick."),
                            ("A link that does not match the sender", True, "Yes."),
                            ("A message you expected", False, "Not by itself."),
                        ],
                    },
                ],
                pass_mark=100,
            ),
        ],
    )
    return course


def test_learner_finds_enrols_studies_and_completes_a_course(
    page, live_server, user, english_course
):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )

    page.goto("/en/courses/")
    page.get_by_label("Search courses").fill("security")
    page.get_by_role("button", name="Search").click()
    results = page.locator(".course-list .card__title")
    assert results.count() == 1
    results.get_by_role("link", name="Digital security for activists").click()

    page.get_by_role("button", name="Enrol").click()
    page.wait_for_url("**/digital-security/locking/")
    page.get_by_role("button", name="Mark as done").click()

    page.wait_for_url("**/digital-security/phishing/")
    page.get_by_label("A code by SMS").check()  # first, a wrong answer
    page.get_by_label("You must act today").check()
    page.get_by_role("button", name="Submit answers").click()
    assert page.locator(".quiz__result").inner_text().startswith("Not passed yet")

    page.get_by_label("An authenticator app").check()
    page.get_by_label("You must act today").check()
    page.get_by_label("A link that does not match the sender").check()
    page.get_by_role("button", name="Try again").click()
    assert "completed the course" in page.locator(".messages").inner_text()

    page.goto("/en/dashboard/")
    panel = page.locator(".my-courses")
    assert "Digital security for activists" in panel.inner_text()
    assert "100%" in panel.inner_text()
    assert panel.locator('[role="progressbar"]').get_attribute("aria-valuenow") == "100"
    assert Enrolment.objects.get(user=user).completed_at is not None
