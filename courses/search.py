"""The catalogue's search: Khmer-aware, the same on SQLite and PostgreSQL.

Wagtail's database search backend ranks whole words as each database's
full-text engine cuts them: neither knows where Khmer words end (Khmer has no
spaces between words), neither treats ``្ដ`` and ``្ត`` as one, and SQLite's
FTS5 refuses a query such as ``"`` with an error. So the catalogue keeps its
own small index, ``SearchEntry``: one row per field of a live course and of
each of its live lessons, normalised by ``lms.khmer_text``.

A course matches when every word of the query (cut by ICU like the index)
appears in one of its rows, as a whole word or inside a longer one (a
compound). Ranking counts words, in SQL: a field that holds a query word
counts 1, and each whole-word occurrence 2 more, times the field's weight.
Everything is plain ``LIKE``/``replace``/``length``, so both databases give
the same answer, and one query answers a search whatever the catalogue's
size (one more names the lessons that matched, for a page of results).
"""

from __future__ import annotations

import html
import re

from django.db import transaction
from django.db.models import Case, F, IntegerField, Max, Q, Sum, Value, When
from django.db.models.functions import Length, Replace

from lms.khmer_text import normalise, words

from .models import CoursePage, LessonPage, ModulePage, SearchEntry

MAX_HITS = 500
MAX_QUERY_WORDS = 8

TITLE, SUMMARY, DETAILS, LESSON_TITLE, LESSON_TEXT = 8, 4, 2, 3, 1
WHOLE_WORD_BONUS = 2

# StreamField values that are not text a learner reads.
SKIPPED_KEYS = frozenset({"correct", "kind", "feedback", "pass_mark", "max_attempts", "id"})
TAG = re.compile(r"<[^>]+>")


# ---------------------------------------------------------------------------
# Indexing
# ---------------------------------------------------------------------------


def _plain(value: str) -> str:
    return html.unescape(TAG.sub(" ", value))


def _stream_text(value, key: str = "") -> list[str]:
    """The readable strings of a raw StreamField value (headings, text, captions,
    transcripts, quiz questions and answers), without ids, URLs or answer keys."""
    if key in SKIPPED_KEYS or key.endswith("url"):
        return []
    if isinstance(value, str):
        return [_plain(value)]
    if isinstance(value, dict):
        if "type" in value and "value" in value:  # a block
            return _stream_text(value["value"], "")
        return [text for k, v in value.items() for text in _stream_text(v, k)]
    if isinstance(value, list):
        return [text for item in value for text in _stream_text(item, key)]
    return []


def _entry(course_id: int, weight: int, *texts: str, lesson_id: int | None = None):
    text = normalise(" ".join(t for t in texts if t))
    found = words(text)
    if not found:
        return None
    return SearchEntry(
        course_id=course_id,
        lesson_id=lesson_id,
        weight=weight,
        text=text,
        words=" " + "  ".join(found) + " ",
    )


def _entries_for(course: dict) -> list[SearchEntry]:
    pk = course["pk"]
    below = {"path__startswith": course["path"], "depth__gt": course["depth"], "live": True}
    entries = [
        _entry(pk, TITLE, course["title"]),
        _entry(pk, SUMMARY, course["summary"]),
        _entry(
            pk,
            DETAILS,
            _plain(course["description"]),
            course["learning_outcomes"],
            *(
                f"{title} {intro}"
                for title, intro in ModulePage.objects.filter(**below).values_list("title", "intro")
            ),
        ),
    ]
    # Lessons behind a view restriction stay out: a card would name them.
    public = LessonPage.objects.filter(**below).public()
    lessons = public.order_by("path").values("pk", "title", "intro")
    bodies = dict(public.values_list("pk", "body"))
    for lesson in lessons:
        raw = getattr(bodies.get(lesson["pk"]), "raw_data", None) or []
        entries.append(_entry(pk, LESSON_TITLE, lesson["title"], lesson_id=lesson["pk"]))
        entries.append(
            _entry(
                pk, LESSON_TEXT, lesson["intro"], *_stream_text(list(raw)), lesson_id=lesson["pk"]
            )
        )
    return [entry for entry in entries if entry is not None]


COURSE_FIELDS = ("pk", "path", "depth", "title", "summary", "description", "learning_outcomes")


def index_course(course_id: int) -> None:
    """Rebuild the entries of one course from its live version and its live lessons."""
    with transaction.atomic():
        SearchEntry.objects.filter(course_id=course_id).delete()
        course = CoursePage.objects.filter(pk=course_id, live=True).values(*COURSE_FIELDS).first()
        if course is not None:
            SearchEntry.objects.bulk_create(_entries_for(course))


def ancestor_paths(page) -> list[str]:
    """The tree paths of ``page`` and of every page above it."""
    return [page.path[:i] for i in range(page.steplen, len(page.path) + 1, page.steplen)]


def index_courses_of(page) -> None:
    """Re-index the course ``page`` is, or is in (called when a course tree changes)."""
    paths = ancestor_paths(page)
    for course_id in CoursePage.objects.filter(path__in=paths).values_list("pk", flat=True):
        index_course(course_id)


def rebuild() -> int:
    """Rebuild the whole index; returns the number of courses indexed."""
    with transaction.atomic():
        SearchEntry.objects.all().delete()
        courses = list(CoursePage.objects.filter(live=True).values(*COURSE_FIELDS))
        for course in courses:
            SearchEntry.objects.bulk_create(_entries_for(course))
    return len(courses)


# ---------------------------------------------------------------------------
# Searching
# ---------------------------------------------------------------------------


def query_words(query: str) -> list[str]:
    """The distinct words of ``query``, normalised and cut like the index, at most eight."""
    return list(dict.fromkeys(words(query)))[:MAX_QUERY_WORDS]


def _occurrences(field: str, needle: str):
    """How many times ``needle`` occurs in ``field``, in SQL (same on every database)."""
    return (Length(field) - Length(Replace(field, Value(needle), Value("")))) / len(needle)


def _score(terms: list[str]):
    """Per row: 1 for each query word the field holds, plus ``WHOLE_WORD_BONUS`` for
    each time it holds it as a whole word; times the field's weight."""
    total = Value(0)
    for term in terms:
        holds = Case(When(text__contains=term, then=Value(1)), default=Value(0))
        total = total + holds + _occurrences("words", f" {term} ") * WHOLE_WORD_BONUS
    return total * F("weight")


def _any_term(terms: list[str]) -> Q:
    condition = Q()
    for term in terms:
        condition |= Q(text__contains=term)
    return condition


def search_ids(query: str) -> list[int]:
    """Ids of the courses that contain every word of ``query``, best first (one query)."""
    terms = query_words(query)
    if not terms:
        return []
    has = {
        f"has_{i}": Max(
            Case(When(text__contains=term, then=Value(1)), default=Value(0)),
            output_field=IntegerField(),
        )
        for i, term in enumerate(terms)
    }
    rows = (
        SearchEntry.objects.filter(_any_term(terms))
        .values("course_id")
        .annotate(score=Sum(_score(terms), output_field=IntegerField()), **has)
        .filter(**{name: 1 for name in has})
        .order_by("-score", "course_id")
        .values_list("course_id", flat=True)[:MAX_HITS]
    )
    return list(rows)


def matched_lessons(course_ids: list[int], query: str) -> dict[int, LessonPage]:
    """For each course in ``course_ids``, the lesson that matches ``query`` best (one query)."""
    terms = query_words(query)
    if not terms or not course_ids:
        return {}
    entries = (
        SearchEntry.objects.filter(_any_term(terms), course_id__in=course_ids, lesson__live=True)
        .annotate(score=_score(terms))
        .select_related("lesson")
        .order_by("course_id", "-score", "lesson__path")
    )
    best: dict[int, LessonPage] = {}
    for entry in entries:
        best.setdefault(entry.course_id, entry.lesson)
    return best
