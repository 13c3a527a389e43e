from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteConfig(AppConfig):
    name = "lms"
    verbose_name = _("CSO Academy site")

    def ready(self):
        from django.conf import locale

        # Django names Khmer "Khmer" in Khmer too; menus that name each
        # language in itself (the admin's language choice) need its own name.
        locale.LANG_INFO["km"] = {**locale.LANG_INFO["km"], "name_local": "ខ្មែរ"}

        self.accept_readable_slugs()

    @staticmethod
    def accept_readable_slugs():
        """Page slugs may keep Khmer vowel signs and subscripts (``lms.slugs``): Django's
        Unicode-slug check refuses combining marks, on the model and in admin forms."""
        from django.db import models
        from wagtail.admin.forms.models import register_form_field_override
        from wagtail.admin.widgets import SlugInput
        from wagtail.models import Page

        from lms.slugs import ReadableSlugCopyForm, ReadableSlugField, validate_slug

        field = Page._meta.get_field("slug")
        field.default_validators = [validate_slug]
        field.__dict__.pop("validators", None)  # a cached property
        register_form_field_override(
            models.SlugField, override={"widget": SlugInput, "form_class": ReadableSlugField}
        )
        # The copy view reads this attribute of the page's class (Wagtail's documented
        # ``copy_form_class``); every page type inherits it from Page.
        Page.copy_form_class = ReadableSlugCopyForm
