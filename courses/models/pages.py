"""The catalogue's page types and the languages a course is taught in.

Page tree (enforced with ``parent_page_types`` / ``subpage_types``)::

    lms.HomePage
    └── CatalogueIndexPage          one per language
        └── CoursePage
            ├── ModulePage          optional named section of a course
            │   └── LessonPage
            └── LessonPage

Lessons are ordered by their place in the tree (editors drag them in the page
explorer). Modules are pages rather than a list on the course so that they get
drafts, translation and reordering from Wagtail like everything else.
"""

from __future__ import annotations

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    PageChooserPanel,
)
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from accounts.models import FocusArea
from accounts.taxonomy import LanguageCode
from lms.slugs import ReadableSlugPageForm

from ..blocks import LESSON_BLOCK_COUNTS, LESSON_BLOCKS


class CourseLanguage(models.Model):
    """A language a course is taught in (rows fixed by migration, like ``FocusArea``)."""

    code = models.CharField(max_length=5, unique=True, choices=LanguageCode.choices)

    class Meta:
        ordering = ["id"]
        verbose_name = _("course language")
        verbose_name_plural = _("course languages")

    def __str__(self) -> str:
        return str(self.label)

    @property
    def label(self) -> str:
        return LanguageCode(self.code).label

    @classmethod
    def for_codes(cls, codes) -> list[CourseLanguage]:
        """The rows for ``codes``, recreating any that a database flush removed."""
        for code in codes:
            cls.objects.get_or_create(code=code)
        return list(cls.objects.filter(code__in=codes))


class CatalogueIndexPage(Page):
    """The course catalogue in one language: search, filters, pagination."""

    base_form_class = ReadableSlugPageForm

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    parent_page_types = ["lms.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    template = "pages/catalogue_index_page.html"

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        from ..catalogue import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(request, self))
        return context

    def serve(self, request, *args, **kwargs):
        from ..catalogue import serve_cached

        return serve_cached(self, request, super().serve, *args, **kwargs)


class CoursePage(Page):
    """A course: what it teaches, for whom, and when it counts as completed."""

    base_form_class = ReadableSlugPageForm

    class Level(models.TextChoices):
        INTRODUCTORY = "introductory", _("Introductory")
        INTERMEDIATE = "intermediate", _("Intermediate")
        ADVANCED = "advanced", _("Advanced")

    class Format(models.TextChoices):
        SELF_PACED = "self-paced", _("Self-paced")
        COHORT = "cohort", _("Cohort")
        WORKSHOP_BASED = "workshop-based", _("Workshop-based")

    summary = models.TextField(
        _("summary"), max_length=500, help_text=_("One or two sentences shown in the catalogue.")
    )
    description = RichTextField(
        _("description"),
        blank=True,
        features=["h3", "bold", "italic", "ol", "ul", "link"],
    )
    learning_outcomes = models.TextField(
        _("learning outcomes"),
        blank=True,
        max_length=2000,
        help_text=_("One outcome per line, each completing “After this course you can …”."),
    )
    topics = ParentalManyToManyField(
        FocusArea, verbose_name=_("topics"), related_name="course_pages", blank=True
    )
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.INTRODUCTORY
    )
    languages = ParentalManyToManyField(
        CourseLanguage,
        verbose_name=_("languages"),
        related_name="course_pages",
        blank=True,
        help_text=_("Languages the course is taught in."),
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=4,
        decimal_places=1,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    format = models.CharField(
        _("format"), max_length=20, choices=Format.choices, default=Format.SELF_PACED
    )
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    awards_certificate = models.BooleanField(
        _("awards a certificate"),
        default=True,
        help_text=_("Learners who meet the completion rule receive a certificate."),
    )

    class PrerequisiteRule(models.TextChoices):
        ADVISORY = "advisory", _("Advised: learners may enrol without them")
        REQUIRED = "required", _("Required: learners must complete them before enrolling")

    prerequisite_rule = models.CharField(
        _("prerequisites are"),
        max_length=10,
        choices=PrerequisiteRule.choices,
        default=PrerequisiteRule.ADVISORY,
    )
    min_workshops = models.PositiveSmallIntegerField(
        _("workshops to attend"),
        default=0,
        validators=[MaxValueValidator(50)],
        help_text=_(
            "Besides finishing every lesson and passing every quiz, learners must attend "
            "this many of the course's live workshops. 0: none."
        ),
    )
    featured = models.BooleanField(
        _("featured"), default=False, help_text=_("Show the course on the home page.")
    )

    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = ["courses.ModulePage", "courses.LessonPage"]

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("description"),
        FieldPanel("learning_outcomes"),
        MultiFieldPanel(
            [
                FieldPanel("topics", widget=forms.CheckboxSelectMultiple),
                FieldPanel("languages", widget=forms.CheckboxSelectMultiple),
                FieldRowPanel([FieldPanel("level"), FieldPanel("format")]),
                FieldPanel("estimated_hours"),
                InlinePanel("prerequisite_links", label=_("Prerequisites")),
                FieldPanel("prerequisite_rule", widget=forms.RadioSelect),
            ],
            heading=_("About the course"),
        ),
        MultiFieldPanel(
            [FieldPanel("awards_certificate"), FieldPanel("min_workshops")],
            heading=_("Completion"),
        ),
    ]
    promote_panels = [*Page.promote_panels, FieldPanel("featured")]

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary", boost=1.5),
        index.SearchField("description"),
        index.SearchField("learning_outcomes"),
        index.FilterField("level"),
        index.FilterField("format"),
        index.FilterField("featured"),
    ]

    template = "pages/course_page.html"

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")

    @property
    def outcomes(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    def lessons(self):
        """Live lessons of this course, in reading order (one query)."""
        return LessonPage.objects.live().descendant_of(self).order_by("path")

    def outline(self):
        """Modules and lessons in reading order, as specific pages (constant queries)."""
        return (
            Page.objects.live()
            .descendant_of(self)
            .type(ModulePage, LessonPage)
            .order_by("path")
            .specific()
        )

    def get_context(self, request, *args, **kwargs):
        from ..views import course_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(course_page_context(request, self))
        return context

    @property
    def prerequisites_required(self) -> bool:
        return self.prerequisite_rule == self.PrerequisiteRule.REQUIRED

    def live_prerequisites(self) -> list[CoursePage]:
        """The live courses this one builds on, in the editor's order (one query)."""
        links = CoursePrerequisite.objects.filter(course=self).select_related("prerequisite")
        return [
            link.prerequisite for link in links.order_by("sort_order") if link.prerequisite.live
        ]

    @classmethod
    def listable(cls):
        """Live, public courses, as the catalogue and the home page list them."""
        return cls.objects.live().public()


class CoursePrerequisite(Orderable):
    course = ParentalKey(CoursePage, on_delete=models.CASCADE, related_name="prerequisite_links")
    prerequisite = models.ForeignKey(
        CoursePage,
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("prerequisite", "courses.CoursePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("prerequisite")
        verbose_name_plural = _("prerequisites")


class ModulePage(Page):
    """A named section of a course, grouping some of its lessons."""

    base_form_class = ReadableSlugPageForm

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    parent_page_types = ["courses.CoursePage"]
    subpage_types = ["courses.LessonPage"]

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_fields = [*Page.search_fields, index.SearchField("intro")]

    template = "pages/module_page.html"

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def get_course(self) -> CoursePage:
        return CoursePage.objects.ancestor_of(self).get()

    def serve(self, request, *args, **kwargs):
        # A module is a heading in its course's outline, not a page to read.
        from django.shortcuts import redirect

        course = self.get_course()
        return redirect(f"{course.get_url(request)}#module-{self.pk}")


class LessonPage(Page):
    """One lesson: a StreamField body, optionally ending in a quiz."""

    base_form_class = ReadableSlugPageForm

    intro = models.TextField(_("introduction"), max_length=600, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(
        _("minutes to study"), default=15, validators=[MaxValueValidator(600)]
    )
    body = StreamField(
        LESSON_BLOCKS,
        block_counts=LESSON_BLOCK_COUNTS,
        verbose_name=_("body"),
        blank=True,
    )

    parent_page_types = ["courses.CoursePage", "courses.ModulePage"]
    subpage_types: list[str] = []

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("duration_minutes"),
        FieldPanel("body"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    template = "pages/lesson_page.html"

    class Meta:
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def get_course(self) -> CoursePage:
        return CoursePage.objects.ancestor_of(self).get()

    @property
    def quiz_block(self):
        """The lesson's quiz block (a ``StreamChild``), or None."""
        for block in self.body:
            if block.block_type == "quiz":
                return block
        return None

    @property
    def has_quiz(self) -> bool:
        return self.quiz_block is not None

    def get_context(self, request, *args, **kwargs):
        from ..views import lesson_page_context

        context = super().get_context(request, *args, **kwargs)
        context.update(lesson_page_context(request, self))
        return context
