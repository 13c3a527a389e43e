"""The catalogue listing: search, filters, sort and pagination through plain GET forms.

Each language's catalogue lists every live course once: in the visitor's
language where a translation exists, otherwise in the language it was
written in (so a course written only in English still shows in the Khmer
catalogue, marked with its language).

Queries are constant in the number of courses: a count, one page of
courses, and one prefetch each for topics, languages and cover renditions;
a search adds one query for the matching courses and one naming the lesson
that matched in each course shown (``courses.search``).

With no search, the Khmer catalogue lists the courses taught in Khmer first
(then the newest first), so a Khmer reader meets what they can follow.

Anonymous visitors get the rendered page from the cache. The cache key
carries a version that every publish, unpublish, move or deletion in the
course tree bumps (see ``wagtail_hooks``), so an editor's change shows at
once.
"""

from __future__ import annotations

import hashlib
import uuid

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Case, Exists, IntegerField, OuterRef, Prefetch, Q, Value, When
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model

from accounts.models import FocusArea
from accounts.taxonomy import FocusAreaCode, LanguageCode

from . import search
from .models import CourseLanguage, CoursePage, Enrolment

PER_PAGE = 12
CARD_IMAGE_FILTER = "fill-480x270|format-webp|webpquality-60"
CACHE_VERSION_KEY = "courses:catalogue:version"
CACHE_TIMEOUT = 10 * 60


class CatalogueForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    topic = forms.ChoiceField(
        label=_("Topic"), required=False, choices=[("", _("All topics")), *FocusAreaCode.choices]
    )
    level = forms.ChoiceField(
        label=_("Level"),
        required=False,
        choices=[("", _("All levels")), *CoursePage.Level.choices],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), *LanguageCode.choices],
    )
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("All formats")), *CoursePage.Format.choices],
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[("", _("Best match")), ("newest", _("Newest")), ("title", _("Title"))],
    )

    def filters(self) -> dict:
        """The valid part of the query; an invalid field is ignored (and reported)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) or "" for name in self.fields}


def courses_for_locale(locale):
    """Every listable course once, preferring its translation into ``locale``."""
    translated_here = CoursePage.objects.live().filter(locale=locale).values("translation_key")
    return CoursePage.listable().filter(Q(locale=locale) | ~Q(translation_key__in=translated_here))


def filtered_courses(locale, filters: dict):
    courses = courses_for_locale(locale)
    # Subqueries rather than joins, so that no course is listed twice.
    if filters["topic"]:
        tagged = CoursePage.topics.through.objects.filter(focusarea__code=filters["topic"])
        courses = courses.filter(pk__in=tagged.values("coursepage_id"))
    if filters["level"]:
        courses = courses.filter(level=filters["level"])
    if filters["language"]:
        taught = CoursePage.languages.through.objects.filter(
            courselanguage__code=filters["language"]
        )
        courses = courses.filter(pk__in=taught.values("coursepage_id"))
    if filters["format"]:
        courses = courses.filter(format=filters["format"])
    sort = filters["sort"]
    if filters["q"]:
        ids = search.search_ids(filters["q"])
        courses = courses.filter(pk__in=ids)
        if not sort:
            rank = Case(
                *(When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)),
                output_field=IntegerField(),
            )
            return courses.annotate(rank=rank).order_by("rank", "pk")
    if sort == "title":
        return courses.order_by("title", "pk")
    if not sort and locale.language_code == "km":
        # The Khmer catalogue, unsorted: courses a learner can take in Khmer first.
        taught = CoursePage.languages.through.objects.filter(
            coursepage_id=OuterRef("pk"), courselanguage__code="km"
        )
        in_khmer = Q(locale=locale) | Q(Exists(taught))
        first = Case(When(in_khmer, then=Value(0)), default=Value(1), output_field=IntegerField())
        return courses.order_by(first, "-first_published_at", "-pk")
    return courses.order_by("-first_published_at", "-pk")


def with_card_data(courses):
    """Prefetch what a course card shows: topics, languages, a cover rendition."""
    renditions = (
        get_image_model().get_rendition_model().objects.filter(filter_spec=CARD_IMAGE_FILTER)
    )
    return courses.select_related("cover_image", "locale").prefetch_related(
        Prefetch("topics", queryset=FocusArea.objects.order_by("code")),
        Prefetch("languages", queryset=CourseLanguage.objects.order_by("id")),
        Prefetch("cover_image__renditions", queryset=renditions),
    )


def catalogue_context(request, page) -> dict:
    form = CatalogueForm(request.GET or None)
    filters = form.filters() if request.GET else {name: "" for name in form.fields}
    courses = filtered_courses(page.locale, filters)
    paginator = Paginator(courses.values_list("pk", flat=True), PER_PAGE)
    try:
        page_obj = paginator.page(request.GET.get("page") or 1)
    except PageNotAnInteger:
        page_obj = paginator.page(1)
    except EmptyPage:
        page_obj = paginator.page(paginator.num_pages)
    ids = list(page_obj.object_list)
    by_id = {c.pk: c for c in with_card_data(CoursePage.objects.filter(pk__in=ids))}
    results = [by_id[pk] for pk in ids if pk in by_id]
    if filters["q"]:
        lessons = search.matched_lessons(ids, filters["q"])
        for course in results:
            course.matched_lesson = lessons.get(course.pk)
    enrolled = set()
    if request.user.is_authenticated and results:
        enrolled = set(
            Enrolment.objects.for_user(request.user)
            .filter(course_key__in=[c.translation_key for c in results])
            .values_list("course_key", flat=True)
        )
    query = request.GET.copy()
    query.pop("page", None)
    active = any(filters[name] for name in ("q", "topic", "level", "language", "format"))
    return {
        "form": form,
        "filters": filters,
        "courses": results,
        "page_obj": page_obj,
        "paginator": paginator,
        "page_query": query.urlencode(),
        "enrolled_keys": enrolled,
        "filters_active": active,
        "card_filter": CARD_IMAGE_FILTER,
    }


# ---------------------------------------------------------------------------
# Cache for anonymous visitors
# ---------------------------------------------------------------------------


def cache_version() -> str:
    version = cache.get(CACHE_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.add(CACHE_VERSION_KEY, version, timeout=None)
        version = cache.get(CACHE_VERSION_KEY, version)
    return version


def invalidate() -> None:
    """Called when anything in a course tree is published, unpublished, moved or deleted."""
    cache.set(CACHE_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def cacheable(request) -> bool:
    """Anonymous GETs with no pending message may be answered from the cache."""
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not getattr(request, "is_preview", False)
        and len(request.META.get("QUERY_STRING", "")) <= 300
        and not len(messages.get_messages(request))
    )


def _page_key(request, language: str) -> str:
    raw = f"{request.path}?{request.META.get('QUERY_STRING', '')}:{language}"
    return f"courses:catalogue:{cache_version()}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached_page(request, language: str) -> bytes | None:
    return cache.get(_page_key(request, language))


def serve_cached(page, request, serve, *args, **kwargs):
    """Render ``page`` and keep the result for anonymous visitors.

    ``courses.middleware.CatalogueCacheMiddleware`` answers later visits
    before Wagtail routes them; this also answers from the cache when the
    middleware is not installed.
    """
    if not cacheable(request):
        return serve(request, *args, **kwargs)
    language = get_language()
    cached = cached_page(request, language)
    if cached is not None:
        response = HttpResponse(cached, content_type="text/html; charset=utf-8")
        response["X-Catalogue-Cache"] = "hit"
        return response
    response = serve(request, *args, **kwargs)
    if hasattr(response, "render"):
        response.render()
    if response.status_code == 200:
        cache.set(_page_key(request, language), response.content, CACHE_TIMEOUT)
    return response
