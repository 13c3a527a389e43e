"""The catalogue search's own index: each field of a live course or lesson, normalised."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage, LessonPage


class SearchEntry(models.Model):
    """One field of a live course or lesson, normalised for the catalogue search.

    ``text`` is the field as written, normalised (``lms.khmer_text``), so a
    word inside a Khmer compound is found inside it; ``words`` holds the same
    words, each between two spaces, so whole words can be counted. Kept up to
    date by ``courses.search.index_course`` whenever a course tree changes.
    """

    id = models.BigAutoField(primary_key=True)
    course = models.ForeignKey(CoursePage, on_delete=models.CASCADE, related_name="+")
    lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    weight = models.PositiveSmallIntegerField()
    text = models.TextField()
    words = models.TextField()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self) -> str:
        return f"{self.course_id}/{self.lesson_id or '-'} ×{self.weight}"
