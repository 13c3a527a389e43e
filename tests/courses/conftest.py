"""Fixtures for the course catalogue: a catalogue per language and a small course."""

import pytest

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
