from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language_info
from wagtail.models import Locale, Page

register = template.Library()


# Each language named in itself. Django's own table calls Khmer "Khmer" in
# Khmer too, which a reader of Khmer looking for their language may miss.
NAMES_IN_THEMSELVES = {"km": "ខ្មែរ", "en": "English"}


def language_name_in_itself(code: str) -> str:
    return NAMES_IN_THEMSELVES.get(code) or get_language_info(code)["name_local"]


@register.inclusion_tag("components/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to the page being viewed in each other language.

    A Wagtail page links to its translation (slugs differ between languages);
    any other view keeps its path and query under the other language prefix.
    """
    request = context.get("request")
    page = context.get("page")
    current = context.get("LANGUAGE_CODE")
    links = []
    if request is None:
        return {"links": links}
    for code, _name in settings.LANGUAGES:
        if code == current:
            continue
        url = None
        if isinstance(page, Page) and page.pk:
            try:
                translation = page.get_translation_or_none(Locale.objects.get_for_language(code))
            except Locale.DoesNotExist:
                translation = None
            if translation is not None and translation.live:
                url = translation.get_url(request)
                if url and request.GET:
                    url = f"{url}?{request.GET.urlencode()}"
        if url is None:
            url = translate_url(request.get_full_path(), code)
        links.append({"code": code, "url": url, "name": language_name_in_itself(code)})
    return {"links": links}


@register.simple_tag(takes_context=True)
def home_url(context) -> str:
    """The home page in the current language."""
    return f"/{context.get('LANGUAGE_CODE') or settings.LANGUAGE_CODE}/"


@register.filter
def group_by(value, size: int = 4) -> str:
    """``ABCDEFGH`` as ``ABCD EFGH``: long codes in groups that are easy to read and type."""
    text = str(value)
    size = max(int(size), 1)
    return " ".join(text[i : i + size] for i in range(0, len(text), size))
