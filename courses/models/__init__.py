"""The course catalogue (Wagtail pages) and what learners do with it.

``pages``: ``CatalogueIndexPage`` (one per language) → ``CoursePage`` →
``ModulePage`` (optional) → ``LessonPage``, with ``CourseLanguage`` and
``CoursePrerequisite``. ``learning``: ``Enrolment``, ``LessonProgress``,
``QuizAttempt``, which refer to pages through their ``translation_key`` so a
learner's record holds in every language. ``search_index``: ``SearchEntry``,
the catalogue search's normalised text.

Every model is imported here: ``courses.models.X`` is the name to use, and a
new model module's models must be added below for Django to find them.
"""

from .learning import Enrolment, EnrolmentQuerySet, LessonProgress, QuizAttempt
from .pages import (
    CatalogueIndexPage,
    CourseLanguage,
    CoursePage,
    CoursePrerequisite,
    LessonPage,
    ModulePage,
)
from .search_index import SearchEntry

__all__ = [
    "CatalogueIndexPage",
    "CourseLanguage",
    "CoursePage",
    "CoursePrerequisite",
    "Enrolment",
    "EnrolmentQuerySet",
    "LessonPage",
    "LessonProgress",
    "ModulePage",
    "QuizAttempt",
    "SearchEntry",
]
