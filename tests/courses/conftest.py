"""Fixtures for the course catalogue: a catalogue per language and a small course."""

import pytest
from django.urls import reverse

from courses import factories


@pytest.fixture
def catalogue(db):
    return factories.catalogue_page("km")


@pytest.fixture
def catalogue_en(db, catalogue):
    return factories.catalogue_page("en")


@pytest.fixture
def course(catalogue):
    """A course of three lessons; the third ends in a one-question quiz."""
    course = factories.course_page(
        catalogue,
        title="Documenting human rights cases",
        summary="Record what happened, safely and accurately.",
        topics=["human-rights"],
        languages=["km", "en"],
    )
    factories.lesson_page(course, title="Why document", slug="why")
    factories.lesson_page(course, title="Interviewing safely", slug="interviewing")
    factories.lesson_page(
        course,
        title="Check yourself",
        slug="check",
        body=[
            ("paragraph", "<p>One last question.</p>"),
            factories.quiz_block(
                [
                    {
                        "text": "Whose consent do you need before recording an interview?",
                        "kind": "single",
                        "answers": [
                            ("The person interviewed", True, "Yes: always ask them first."),
                            ("Only the village chief", False, "No: consent is personal."),
                        ],
                    }
                ],
                pass_mark=100,
            ),
        ],
    )
    return course


@pytest.fixture
def lessons(course):
    return list(course.lessons().specific())


@pytest.fixture
def enrolled(user_client, course):
    """The signed-in learner's client, enrolled in ``course``."""
    user_client.post(reverse("courses:enrol", args=[course.pk]))
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


@pytest.fixture
def completions():
    """Every ``course_completed`` sent during the test, as a list of enrolments."""
    from courses.signals import course_completed

    received = []

    def receiver(sender, enrolment, **kwargs):
        received.append(enrolment)

    course_completed.connect(receiver, weak=False, dispatch_uid="test-completions")
    yield received
    course_completed.disconnect(dispatch_uid="test-completions")


@pytest.fixture
def corpus(catalogue, catalogue_en):
    """The search corpus of ``tests/courses/search_corpus.py``."""
    from .search_corpus import build

    build({"km": catalogue, "en": catalogue_en})
