"""Site-wide Wagtail pages: the home page and plain content pages."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page
from wagtail.search import index

from lms import hooks
from lms.slugs import ReadableSlugPageForm


class FeatureBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), max_length=80)
    text = blocks.TextBlock(label=_("Text"), max_length=400)

    class Meta:
        icon = "pick"
        label = _("Feature")
        template = "components/streamfield/blocks/feature_block.html"


class HomePage(Page):
    """The root of the site in each language."""

    base_form_class = ReadableSlugPageForm

    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    features = StreamField([("feature", FeatureBlock())], blank=True, verbose_name=_("features"))

    parent_page_types = ["wagtailcore.Page"]
    max_count_per_parent = 2  # one per language under the tree root

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("features")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    template = "pages/home_page.html"

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["sections"] = hooks.home_sections(request, self)
        return context


class StandardPage(Page):
    """A plain content page: about, privacy, help."""

    base_form_class = ReadableSlugPageForm

    body = RichTextField(_("body"), blank=True)

    parent_page_types = ["lms.HomePage", "lms.StandardPage"]
    subpage_types = ["lms.StandardPage"]

    content_panels = [*Page.content_panels, FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("body")]

    template = "pages/standard_page.html"

    class Meta:
        verbose_name = _("standard page")
