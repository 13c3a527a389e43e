"""The filter forms' choices and course titles, in the admin's language."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import get_language

from accounts.models import Organisation
from courses.models import CoursePage

from .. import freshness

if TYPE_CHECKING:
    pass


def course_choices() -> list[tuple[object, str]]:
    """(translation key, title in the admin's language where it exists), by title."""
    language = (get_language() or "km")[:2]
    return freshness.cached("course-choices", (language,), lambda: _course_choices(language))


def _course_choices(language: str) -> list[tuple[object, str]]:
    rows = CoursePage.objects.values_list("translation_key", "title", "locale__language_code")
    titles: dict = {}
    for key, title, code in rows:
        if key not in titles or code == language:
            titles[key] = title
    return sorted(titles.items(), key=lambda item: item[1].lower())


def organisation_choices() -> list[tuple[int, str]]:
    """(id, name in the admin's language where it exists), by name."""
    khmer = (get_language() or "km").startswith("km")
    return freshness.cached("organisation-choices", (khmer,), lambda: _organisation_choices(khmer))


def _organisation_choices(khmer: bool) -> list[tuple[int, str]]:
    rows = Organisation.objects.order_by().values_list("pk", "name_km", "name_en")
    names = [(pk, (km if khmer else en) or en or km) for pk, km, en in rows]
    return sorted(names, key=lambda item: item[1].lower())


def course_titles(keys) -> dict:
    """Course titles by translation key, in the admin's language where one exists."""
    language = (get_language() or "km")[:2]
    titles: dict = {}
    rows = CoursePage.objects.filter(translation_key__in=list(keys)).values_list(
        "translation_key", "title", "locale__language_code"
    )
    for key, title, code in rows:
        if key not in titles or code == language:
            titles[key] = title
    return titles
