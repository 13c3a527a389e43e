"""Web addresses that read: page slugs that keep Khmer vowel signs and subscripts.

Django's ``slugify`` and Wagtail's editor both keep only letters and digits,
so a Khmer title lost every vowel sign, subscript and sign:
``វគ្គបណ្ដុះបណ្ដាល`` became ``វគគបណតបណតល``, which no one can read. Here a
slug keeps a Khmer word whole (letters and their combining marks), turns
spaces and punctuation into hyphens, and stops at a word boundary (ICU)
after at most ``MAX_LENGTH`` characters, so addresses stay short. Editors
may still type any slug, a short Latin one included.

These pieces make such slugs work:

- ``validate_slug`` replaces Django's Unicode-slug check on ``Page.slug``
  (``lms.apps``), on the admin's slug fields (``lms.wagtail_hooks``) and on
  the copy-page form (``ReadableSlugCopyForm``);
- ``ReadableSlugPageForm`` (every page type's ``base_form_class``) replaces the
  mark-stripped slug the editor's script proposes for a page not yet
  published with the readable one;
- ``lms.urls`` serves page paths with combining marks (Wagtail's own pattern
  accepts only ``\\w``);

and ``make_existing_slugs_readable`` (run by a data migration) gives
existing pages readable slugs, Wagtail recording a permanent redirect from
each old address.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from icu4py.breakers import WordBreaker
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm

MAX_LENGTH = 40
INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Letters, digits, combining marks, "_" and "-"; nothing else.
SLUG_RE = re.compile(r"^[-\w\u0300-\u036f\u17b4-\u17d3\u17dd\u1dc0-\u1dff]+\Z")
# The characters a slug may hold, for the page-serving URL pattern.
PATH_SEGMENT = r"[-\w\u0300-\u036f\u17b4-\u17d3\u17dd\u1dc0-\u1dff]+"


def _keeps(char: str) -> bool:
    return char in "-_" or unicodedata.category(char)[0] in "LMN"


def readable_slug(title: str, max_length: int = MAX_LENGTH) -> str:
    """``title`` as a slug that keeps Khmer whole, cut at a word boundary."""
    text = unicodedata.normalize("NFC", title).translate(INVISIBLE).lower()
    text = "".join(c if _keeps(c) else " " for c in text)
    slug = re.sub(r"[-\s]+", "-", text).strip("-_")
    if len(slug) <= max_length:
        return slug
    cut = 0
    for word in WordBreaker(slug, "km"):
        if cut + len(word) > max_length:
            break
        cut += len(word)
    # A first word longer than the limit is kept whole rather than broken.
    return (slug[:cut] or next(iter(WordBreaker(slug, "km")))).strip("-_")


def stripped_slugs(title: str) -> set[str]:
    """The slugs Wagtail made of ``title`` before: its editor's script (``urlify``)
    and Django's ``slugify``, both of which drop combining marks."""
    text = title.lower()
    text = "".join(
        c for c in text if c in "-_" or c.isspace() or unicodedata.category(c)[0] in "LN"
    )
    editor = re.sub(r"[-\s]+", "-", text)[:255].rstrip("-")
    return {editor, slugify(title, allow_unicode=True)} - {""}


def validate_slug(value: str) -> None:
    if not SLUG_RE.match(value or ""):
        raise ValidationError(
            _(
                "Enter a slug of letters (Khmer vowel signs and subscripts included), "
                "numbers, underscores or hyphens."
            ),
            code="invalid",
        )


class ReadableSlugField(forms.SlugField):
    """The admin's slug field, accepting what ``validate_slug`` accepts."""

    def __init__(self, **kwargs):
        kwargs["allow_unicode"] = True
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if v is not self.default_validators[0]]
        self.validators.append(validate_slug)


class ReadableSlugCopyForm(CopyForm):
    """Wagtail's copy-page form (``Page.copy_form_class``, set in ``lms.apps``) with
    the slug field that accepts a readable Khmer slug."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        stock = self.fields["new_slug"]
        self.fields["new_slug"] = ReadableSlugField(
            initial=stock.initial, label=stock.label, widget=stock.widget
        )


def _available(slug: str, parent, page) -> str:
    """``slug``, or ``slug-2``, ``slug-3``, ... if a sibling already has it."""
    from wagtail.models import Page

    candidate, number = slug, 1
    while not Page._slug_is_available(candidate, parent, page):
        number += 1
        candidate = f"{slug}-{number}"
    return candidate


def _wants_readable_slug(title: str, slug: str) -> bool:
    return bool(title) and slug in stripped_slugs(title) and readable_slug(title) != slug


class ReadableSlugPageForm(WagtailAdminPageForm):
    """The page editor's form: a page not yet published whose slug is the one the
    editor's script made from the title (marks stripped) gets the readable slug."""

    def clean(self):
        title = self.cleaned_data.get("title") or ""
        slug = self.cleaned_data.get("slug") or ""
        unpublished = self.instance.pk is None or not self.instance.live
        if unpublished and _wants_readable_slug(title, slug):
            self.cleaned_data["slug"] = _available(
                readable_slug(title), self.parent_page, self.instance
            )
        return super().clean()


def make_existing_slugs_readable() -> int:
    """Give every page whose slug is its mark-stripped title the readable slug.

    Deepest pages first, so that Wagtail's redirects app (which records a
    permanent redirect from the old address of a page whose slug changes,
    and of its descendants, once the change is committed) records the old
    address of every page as it was. The latest and live revisions get the
    new slug too, so a later publish keeps it. Returns the pages changed.
    """
    from wagtail.models import Page, Revision

    changed = 0
    for page in Page.objects.filter(depth__gt=2).order_by("-depth", "path").specific():
        if not _wants_readable_slug(page.title, page.slug):
            continue
        page.slug = _available(readable_slug(page.title), page.get_parent(), page)
        page.save(clean=False)
        for revision in Revision.objects.filter(
            pk__in=[page.latest_revision_id, page.live_revision_id]
        ):
            revision.content["slug"] = page.slug
            revision.save(update_fields=["content"])
        changed += 1
    return changed
