"""Learning records: enrolments, lessons finished, quiz attempts.

They refer to pages through their ``translation_key``: a learner who enrolled
in the Khmer course keeps their progress when they read the English
translation.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .pages import CoursePage, LessonPage


class EnrolmentQuerySet(models.QuerySet):
    def for_user(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def active(self):
        return self.filter(completed_at__isnull=True)

    def completed(self):
        return self.filter(completed_at__isnull=False)


class Enrolment(models.Model):
    """A learner taking a course.

    ``course`` is the page the learner enrolled through; ``course_key`` its
    translation key, so that the enrolment holds in every language.
    ``completed_at`` is set once, by ``courses.services.evaluate_completion``.
    """

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("learner"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    course = models.ForeignKey(
        CoursePage, verbose_name=_("course"), on_delete=models.CASCADE, related_name="enrolments"
    )
    course_key = models.UUIDField(editable=False, db_index=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    last_lesson = models.ForeignKey(
        LessonPage,
        verbose_name=_("last lesson opened"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_activity_at = models.DateTimeField(_("last activity"), auto_now_add=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "course_key"], name="courses_enrolment_one_per_course"
            ),
        ]
        indexes = [models.Index(fields=["course", "completed_at"])]

    def __str__(self) -> str:
        return f"{self.user} – {self.course.title}"

    def save(self, *args, **kwargs):
        if self.course_key is None and self.course_id:
            self.course_key = self.course.translation_key
        super().save(*args, **kwargs)

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


class LessonProgress(models.Model):
    """A lesson the learner has finished (marked done, or passed its quiz)."""

    id = models.BigAutoField(primary_key=True)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson_key = models.UUIDField()
    lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson_key"], name="courses_progress_once_per_lesson"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_key}"


class QuizAttempt(models.Model):
    """One submission of a lesson's quiz, graded on the server.

    ``answers`` holds, per question, the indexes of the answers chosen;
    ``results`` the score of each question (0 to 1). Indexes stay valid
    across translations, which keep the quiz's structure.
    """

    id = models.BigAutoField(primary_key=True)
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attempts")
    lesson_key = models.UUIDField()
    lesson = models.ForeignKey(
        LessonPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    answers = models.JSONField(_("answers"), default=list)
    results = models.JSONField(_("results"), default=list)
    score = models.PositiveSmallIntegerField(_("score (%)"), validators=[MaxValueValidator(100)])
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"))
    passed = models.BooleanField(_("passed"))

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson_key", "number"], name="courses_attempt_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "lesson_key"])]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lesson_key} #{self.number} ({self.score}%)"
