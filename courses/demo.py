"""Demo catalogue: eight courses for Cambodian CSOs, most in Khmer and English.

Safe to run again: pages are found by slug and locale before anything is
created. The demo learner is enrolled in two courses with some progress.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.utils.text import slugify
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Locale

from accounts.demo import demo_user
from accounts.models import FocusArea
from lms.models import HomePage

from . import services
from .factories import publish
from .models import CatalogueIndexPage, CourseLanguage, CoursePage, LessonPage, ModulePage

#: The demo courses' text, in Khmer and English (fictional organisations, real practice):
#: one JSON file per course in ``courses/``, read in file-name order, and the catalogue
#: page and downloadable checklist. ``courses/demo_data/README.md`` gives the shape.
DEMO_DATA = Path(__file__).resolve().parent / "demo_data"


def _read(path: Path):
    return json.loads(path.read_text(encoding="utf-8"))


CATALOGUE = _read(DEMO_DATA / "catalogue.json")
CHECKLIST = _read(DEMO_DATA / "checklist.json")
COURSES = [_read(path) for path in sorted((DEMO_DATA / "courses").glob("*.json"))]


def _locale(language: str) -> Locale:
    return Locale.objects.get_or_create(language_code=language)[0]


def _catalogue(language: str) -> CatalogueIndexPage | None:
    locale = _locale(language)
    existing = CatalogueIndexPage.objects.filter(locale=locale).first()
    if existing is not None:
        return existing
    content = CATALOGUE[language]
    if language == "km":
        home = HomePage.objects.filter(locale=locale).first()
        if home is None:
            return None
        return publish(
            home,
            CatalogueIndexPage(
                title=content["title"], slug=content["slug"], intro=content["intro"]
            ),
        )
    source = _catalogue("km")
    if source is None or HomePage.objects.filter(locale=locale).first() is None:
        return None
    page = source.copy_for_translation(locale)
    page.title, page.slug, page.intro = content["title"], content["slug"], content["intro"]
    page.save_revision().publish()
    return CatalogueIndexPage.objects.get(pk=page.pk)


def _cover(spec) -> object:
    """A plain generated cover (no text, so no font is needed), about 2 KB as WebP."""
    Image = get_image_model()
    title = f"Cover: {spec['slug']}"
    image = Image.objects.filter(title=title).first()
    if image is not None:
        return image
    width, height = 960, 540
    colour = tuple(spec["colour"])
    picture = PILImage.new("RGB", (width, height), colour)
    draw = ImageDraw.Draw(picture)
    light = tuple(min(255, c + 60) for c in colour)
    for i in range(6):
        radius = 90 + i * 70
        draw.ellipse(
            (width - radius, height - radius, width + radius, height + radius),
            outline=light,
            width=14,
        )
    draw.rectangle((48, 48, 120, 62), fill=(255, 255, 255))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG", optimize=True)
    buffer.seek(0)
    image = Image(title=title, file=ImageFile(buffer, name=f"{spec['slug']}.png"))
    image.save()
    return image


def _checklist():
    Document = get_document_model()
    document = Document.objects.filter(title=CHECKLIST["title"]).first()
    if document is None:
        document = Document(title=CHECKLIST["title"])
        document.file.save(
            CHECKLIST["filename"], ContentFile(CHECKLIST["text"].encode()), save=False
        )
        document.save()
    return document


def _quiz(spec: dict) -> tuple[str, dict]:
    return (
        "quiz",
        {
            "title": spec["title"],
            "intro": spec.get("intro", ""),
            "pass_mark": spec["pass_mark"],
            "max_attempts": spec.get("max_attempts", 0),
            "questions": [
                {
                    "text": text,
                    "kind": kind,
                    "answers": [
                        {"text": a, "correct": correct, "feedback": feedback}
                        for a, correct, feedback in answers
                    ],
                }
                for text, kind, answers in spec["questions"]
            ],
        },
    )


def _body(lesson: dict, document=None) -> list:
    body = [("paragraph", f"<p>{text}</p>") for text in lesson["paragraphs"]]
    if "callout" in lesson:
        kind, title, text = lesson["callout"]
        body.append(("callout", {"kind": kind, "title": title, "text": f"<p>{text}</p>"}))
    if document is not None:
        body.append(("document", {"document": document, "description": ""}))
    if "quiz" in lesson:
        body.append(_quiz(lesson["quiz"]))
    return body


def _sections(content: dict) -> list[tuple[dict | None, list[dict]]]:
    """(module or None, lessons) in reading order."""
    if "modules" in content:
        return [(module, module["lessons"]) for module in content["modules"]]
    return [(None, content["lessons"])]


def _slugs(spec: dict) -> list[tuple[str | None, list[str]]]:
    """ASCII slugs for modules and lessons, from the English titles where there are any.

    Slugs are shared by translations (a translated page keeps its source's
    slug), and Khmer titles do not make readable slugs.
    """
    sections = _sections(spec.get("en") or spec["km"])
    result = []
    for m, (module, lessons) in enumerate(sections, start=1):
        english = "en" in spec
        module_slug = None
        if module is not None:
            module_slug = slugify(module["title"]) if english else f"module-{m}"
        lesson_slugs = [
            slugify(lesson["title"]) if english else f"lesson-{m}-{n}"
            for n, lesson in enumerate(lessons, start=1)
        ]
        result.append((module_slug, lesson_slugs))
    return result


def _course_fields(spec: dict, content: dict) -> dict:
    return {
        "title": content["title"],
        "summary": content["summary"],
        "learning_outcomes": "\n".join(content["outcomes"]),
    }


def _create_course(spec: dict, language: str, catalogue: CatalogueIndexPage) -> CoursePage:
    content = spec[language]
    course = CoursePage(
        slug=spec["slug"],
        level=spec["level"],
        format=spec["format"],
        estimated_hours=Decimal(spec["hours"]),
        featured=spec["featured"],
        min_workshops=spec.get("min_workshops", 0),
        cover_image=_cover(spec),
        **_course_fields(spec, content),
    )
    course.topics = list(FocusArea.objects.filter(code__in=spec["topics"]))
    course.languages = CourseLanguage.for_codes(spec["languages"])
    publish(catalogue, course)
    document = _checklist() if spec.get("checklist") else None
    for (module, lessons), (module_slug, lesson_slugs) in zip(
        _sections(content), _slugs(spec), strict=True
    ):
        parent = course
        if module is not None:
            parent = publish(
                course,
                ModulePage(title=module["title"], slug=module_slug, intro=module["intro"]),
            )
        for i, (lesson, slug) in enumerate(zip(lessons, lesson_slugs, strict=True)):
            publish(
                parent,
                LessonPage(
                    title=lesson["title"],
                    slug=slug,
                    intro=lesson["intro"],
                    duration_minutes=10 + 5 * len(lesson["paragraphs"]),
                    body=_body(lesson, document if i == 0 and module is None else None),
                ),
            )
    return course


def _translate_course(course: CoursePage, language: str, spec: dict) -> None:
    """Copy the course tree into ``language`` as simple_translation would, then fill in the text."""
    locale = _locale(language)
    content = spec[language]
    translated = course.copy_for_translation(locale)
    for field, value in _course_fields(spec, content).items():
        setattr(translated, field, value)
    translated.save_revision().publish()

    document = _checklist() if spec.get("checklist") else None
    source_children = list(course.get_children().specific().order_by("path"))
    for (module, lessons), source in zip(
        _sections(content), _source_sections(source_children), strict=True
    ):
        if module is not None:
            copy = source[0].copy_for_translation(locale)
            copy.title, copy.intro = module["title"], module["intro"]
            copy.save_revision().publish()
        for i, (lesson, source_lesson) in enumerate(zip(lessons, source[1], strict=True)):
            copy = source_lesson.copy_for_translation(locale)
            copy.title, copy.intro = lesson["title"], lesson["intro"]
            copy.body = _body(lesson, document if i == 0 and module is None else None)
            copy.save_revision().publish()


def _source_sections(children) -> list[tuple]:
    if children and isinstance(children[0], ModulePage):
        return [
            (module, list(module.get_children().specific().order_by("path"))) for module in children
        ]
    return [(None, children)]


def _demo_progress(stdout) -> None:
    learner = demo_user("learner")
    plans = [("digital-security-for-activists", 1), ("documenting-human-rights-cases", 2)]
    for slug, lessons_done in plans:
        course = CoursePage.objects.filter(slug=slug, locale__language_code="km").first()
        if course is None:
            continue
        services.enrol(learner, course)
        lessons = list(course.lessons().specific())
        for lesson in lessons[:lessons_done]:
            services.mark_lesson_done(learner, lesson)
        enrolment = services.get_enrolment(learner, course)
        services.record_lesson_opened(enrolment, lessons[lessons_done])
    stdout.write("Enrolled the demo learner in two courses.")


def seed(stdout) -> None:
    catalogues = {language: _catalogue(language) for language in ("km", "en")}
    if catalogues["km"] is None:
        stdout.write("No home page yet: skipped the course catalogue.")
        return
    created = 0
    for spec in COURSES:
        source_language = spec.get("source", "km")
        catalogue = catalogues[source_language]
        if catalogue is None:
            continue
        course = CoursePage.objects.filter(slug=spec["slug"], locale=catalogue.locale).first()
        if course is None:
            course = _create_course(spec, source_language, catalogue)
            created += 1
        for language in ("km", "en"):
            if language == source_language or language not in spec:
                continue
            if catalogues[language] is None:
                continue
            if course.get_translation_or_none(_locale(language)) is None:
                _translate_course(course, language, spec)
    stdout.write(f"Courses: {CoursePage.objects.count()} pages ({created} new).")
    _demo_progress(stdout)
