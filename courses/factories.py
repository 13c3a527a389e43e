"""Builders for course pages and learning records, used by tests, the demo and the benchmark.

Pages are built through Wagtail's tree API (``add_child`` then a published
revision), as an editor's "Publish" would, so search indexing and
revisions behave as in production.
"""

from __future__ import annotations

import factory
from wagtail.models import Locale, Page, Site

from accounts.factories import UserFactory
from accounts.models import FocusArea
from lms.models import HomePage

from .models import (
    CatalogueIndexPage,
    CourseLanguage,
    CoursePage,
    Enrolment,
    LessonPage,
    ModulePage,
)


def publish(parent: Page, page: Page) -> Page:
    parent.add_child(instance=page)
    page.save_revision().publish()
    page.refresh_from_db()
    return page


def home_page(language: str = "km") -> HomePage:
    """The home page of ``language``, created (and made the site root for Khmer) if missing."""
    locale, _ = Locale.objects.get_or_create(language_code=language)
    home = HomePage.objects.filter(locale=locale).first()
    if home is not None:
        return home
    if language != "km":
        source = home_page("km")
        home = source.copy_for_translation(locale)
        home.title = "CSO Academy"
        home.save_revision().publish()
        return HomePage.objects.get(pk=home.pk)
    root = Page.get_first_root_node()
    # Wagtail's first migration adds a plain "Welcome" page with the slug we want.
    root.get_children().filter(slug="home").update(slug="wagtail-welcome")
    home = HomePage(title="បណ្ឌិត្យសភាអង្គការសង្គមស៊ីវិល", slug="home", locale=locale)
    publish(root, home)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(hostname="localhost", root_page=home, is_default_site=True)
    else:
        site.root_page = home
        site.save()
    return home


def catalogue_page(language: str = "km", **fields) -> CatalogueIndexPage:
    home = home_page(language)
    existing = CatalogueIndexPage.objects.child_of(home).first()
    if existing is not None:
        return existing
    if language != "km":
        source = catalogue_page("km")
        page = source.copy_for_translation(Locale.objects.get(language_code=language))
        page.title = fields.get("title", "Courses")
        page.slug = fields.get("slug", "courses")
        page.intro = fields.get("intro", "")
        page.save_revision().publish()
        return CatalogueIndexPage.objects.get(pk=page.pk)
    fields.setdefault("title", "វគ្គសិក្សា")
    fields.setdefault("slug", "courses")
    return publish(home, CatalogueIndexPage(**fields))


def course_page(
    catalogue: CatalogueIndexPage | None = None,
    *,
    topics: list[str] = (),
    languages: list[str] = ("km",),
    prerequisites: list[CoursePage] = (),
    **fields,
) -> CoursePage:
    catalogue = catalogue or catalogue_page()
    fields.setdefault("title", "Course")
    fields.setdefault("summary", "A short course.")
    page = CoursePage(**fields)
    page.topics = list(FocusArea.objects.filter(code__in=topics))
    page.languages = CourseLanguage.for_codes(languages)
    for prerequisite in prerequisites:
        page.prerequisite_links.add(page.prerequisite_links.model(prerequisite=prerequisite))
    return publish(catalogue, page)


def module_page(course: CoursePage, **fields) -> ModulePage:
    fields.setdefault("title", "Module")
    return publish(course, ModulePage(**fields))


def lesson_page(parent: Page, *, body: list | None = None, **fields) -> LessonPage:
    fields.setdefault("title", "Lesson")
    page = LessonPage(body=body or [("paragraph", "<p>Read this.</p>")], **fields)
    return publish(parent, page)


def quiz_block(
    questions: list[dict] | None = None,
    *,
    pass_mark: int = 70,
    max_attempts: int = 0,
    title: str = "Check your understanding",
    intro: str = "",
) -> tuple[str, dict]:
    """A ``("quiz", value)`` body item.

    Each question: ``text``, ``kind`` and ``answers=[(text, correct, feedback)]``.
    """
    questions = questions or [
        {
            "text": "Which is right?",
            "kind": "single",
            "answers": [("Right", True, "Yes."), ("Wrong", False, "No.")],
        }
    ]
    return (
        "quiz",
        {
            "title": title,
            "intro": intro,
            "pass_mark": pass_mark,
            "max_attempts": max_attempts,
            "questions": [
                {
                    "text": q["text"],
                    "kind": q.get("kind", "single"),
                    "answers": [
                        {"text": text, "correct": correct, "feedback": feedback}
                        for text, correct, feedback in q["answers"]
                    ],
                }
                for q in questions
            ],
        },
    )


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    user = factory.SubFactory(UserFactory)
    course = factory.LazyFunction(course_page)
    course_key = factory.LazyAttribute(lambda o: o.course.translation_key)
