"""Read-side views of learning for pages and panels, in a constant number of queries.

Pages in two languages share a ``translation_key``; everything here shows
the visitor the page in their language where a live translation exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce
from operator import or_

from django.db.models import Q
from django.utils.translation import get_language
from wagtail.models import Locale

from .models import CoursePage, Enrolment, LessonPage, LessonProgress, ModulePage


def current_locale() -> Locale | None:
    try:
        return Locale.objects.get_for_language(get_language() or "km")
    except Locale.DoesNotExist:
        return None


def translations(model, keys, locale) -> dict:
    """Live pages of ``model`` in ``locale`` by translation key (one query)."""
    if not keys or locale is None:
        return {}
    pages = model.objects.live().filter(translation_key__in=set(keys), locale=locale)
    return {page.translation_key: page for page in pages}


@dataclass
class OutlineItem:
    page: object
    is_module: bool
    done: bool = False
    current: bool = False
    number: int = 0


@dataclass
class Outline:
    items: list[OutlineItem]
    lessons: list[OutlineItem] = field(default_factory=list)
    completed: bool = False  # the learner met the course's rule (kept if lessons are added)

    @property
    def total(self) -> int:
        return len(self.lessons)

    @property
    def done(self) -> int:
        return sum(1 for item in self.lessons if item.done)

    @property
    def percent(self) -> int:
        """Lessons done, in percent; 100 for a learner who completed the course."""
        if self.completed:
            return 100
        return min(99, int(100 * self.done / self.total)) if self.total else 0

    def neighbours(self, lesson) -> tuple:
        keys = [item.page.pk for item in self.lessons]
        try:
            i = keys.index(lesson.pk)
        except ValueError:
            return None, None
        previous = self.lessons[i - 1].page if i > 0 else None
        following = self.lessons[i + 1].page if i + 1 < len(self.lessons) else None
        return previous, following

    def next_to_study(self):
        for item in self.lessons:
            if not item.done:
                return item.page
        return self.lessons[0].page if self.lessons else None


def course_outline(course: CoursePage, enrolment: Enrolment | None, current=None) -> Outline:
    """Modules and lessons of ``course`` with the learner's state (two queries)."""
    done_keys = set()
    if enrolment is not None:
        done_keys = set(
            LessonProgress.objects.filter(enrolment=enrolment).values_list("lesson_key", flat=True)
        )
    items, lessons = [], []
    for page in course.outline():
        is_module = isinstance(page, ModulePage)
        item = OutlineItem(page=page, is_module=is_module)
        if not is_module:
            item.done = page.translation_key in done_keys
            item.current = current is not None and page.pk == current.pk
            item.number = len(lessons) + 1
            lessons.append(item)
        items.append(item)
    completed = enrolment is not None and enrolment.is_completed
    return Outline(items=items, lessons=lessons, completed=completed)


@dataclass
class MyCourse:
    enrolment: Enrolment
    course: CoursePage
    total: int
    done: int
    continue_lesson: LessonPage | None

    @property
    def percent(self) -> int:
        if self.enrolment.is_completed:
            return 100
        parts = self.total + self.course.min_workshops
        return min(99, int(100 * self.done / parts)) if parts else 0


def my_courses(user) -> list[MyCourse]:
    """The learner's courses, most recently studied first (five queries at most)."""
    enrolments = list(
        Enrolment.objects.for_user(user)
        .select_related("course", "last_lesson")
        .order_by("-last_activity_at", "-pk")
    )
    if not enrolments:
        return []
    locale = current_locale()
    shown = translations(CoursePage, [e.course_key for e in enrolments], locale)
    courses = [e.course for e in enrolments]
    lessons = list(
        LessonPage.objects.live()
        .filter(reduce(or_, (Q(path__startswith=c.path) for c in courses)))
        .only("id", "path", "translation_key", "url_path", "locale_id", "title")
        .order_by("path")
    )
    done = {}
    for enrolment_id, key in LessonProgress.objects.filter(
        enrolment__in=[e.pk for e in enrolments]
    ).values_list("enrolment_id", "lesson_key"):
        done.setdefault(enrolment_id, set()).add(key)

    plans = []
    for enrolment in enrolments:
        own = [lesson for lesson in lessons if lesson.path.startswith(enrolment.course.path)]
        done_keys = done.get(enrolment.pk, set())
        keys = [lesson.translation_key for lesson in own]
        next_lesson = None
        last = enrolment.last_lesson
        if last is not None and last.live and last.translation_key not in done_keys:
            next_lesson = last
        else:
            start = 0
            if last is not None and last.translation_key in keys:
                start = keys.index(last.translation_key) + 1
            pending = [
                lesson
                for lesson in own[start:] + own[:start]
                if lesson.translation_key not in done_keys
            ]
            next_lesson = pending[0] if pending else None
        plans.append((enrolment, own, done_keys, next_lesson))

    lesson_translations = translations(
        LessonPage, [p[3].translation_key for p in plans if p[3] is not None], locale
    )
    result = []
    for enrolment, own, done_keys, next_lesson in plans:
        if next_lesson is not None:
            next_lesson = lesson_translations.get(next_lesson.translation_key, next_lesson)
        result.append(
            MyCourse(
                enrolment=enrolment,
                course=shown.get(enrolment.course_key, enrolment.course),
                total=len(own),
                done=len({lesson.translation_key for lesson in own} & done_keys),
                continue_lesson=None if enrolment.is_completed else next_lesson,
            )
        )
    return result
