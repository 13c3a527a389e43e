"""Donor reports: PDFs of a period's figures, made in the background.

An editor asks for one in the admin; ``reports.tasks.render_donor_report``
renders it (it is given the report's id only) and stores the file in
``STORAGES["private"]``, which has no URL: the admin's download view streams
it to staff who may see reports.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DonorReport(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Language(models.TextChoices):
        KHMER = "km", _("Khmer")
        ENGLISH = "en", _("English")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.KHMER
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    #: Translation keys of the courses the report covers; empty for every course.
    course_keys = models.JSONField(_("courses"), default=list, blank=True)
    province = models.CharField(_("province"), max_length=2, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    pdf_name = models.CharField(max_length=255, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    rendered_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("donor report")
        verbose_name_plural = _("donor reports")
        default_permissions = ()
        permissions = [("view_reports", _("Can view reports and request donor reports"))]

    def __str__(self) -> str:
        return self.title

    @property
    def is_ready(self) -> bool:
        return self.state == self.State.READY and bool(self.pdf_name)

    @property
    def download_filename(self) -> str:
        return f"donor-report-{self.start:%Y%m%d}-{self.end:%Y%m%d}-{self.language}.pdf"


class LessonsDone(models.Model):
    """How many lessons an enrolment has done: a rollup the database keeps (``reports.rollups``).

    Written only by triggers on the progress table, never by Python; the
    enrolment is a plain number (no foreign key), so that an enrolment's
    deletion never waits on this table.
    """

    enrolment_id = models.BigIntegerField(primary_key=True)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("lessons done")
        verbose_name_plural = _("lessons done")

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.n}"


class DailyLearning(models.Model):
    """Enrolments, completions and standing course certificates per Phnom Penh day.

    A rollup the database keeps (``reports.rollups``), written only by
    triggers on the enrolment and certificate tables. A day has up to
    :data:`reports.rollups.SLOTS` rows (``slot``): each writing session adds
    to its own, so concurrent enrolments do not queue on one row; a day's
    figure is the sum of its rows.
    """

    day = models.DateField()
    slot = models.PositiveSmallIntegerField(default=0)
    enrolments = models.IntegerField(default=0)
    completions = models.IntegerField(default=0)
    certificates = models.IntegerField(default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("learning per day")
        verbose_name_plural = _("learning per day")
        constraints = [
            models.UniqueConstraint(fields=["day", "slot"], name="reports_dailylearning_day_slot")
        ]

    def __str__(self) -> str:
        return f"{self.day} ({self.slot})"


class Certified(models.Model):
    """How many standing course certificates an enrolment has: a rollup the database keeps
    (``reports.rollups``), written only by triggers on the certificate table."""

    enrolment_id = models.BigIntegerField(primary_key=True)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("certified enrolment")
        verbose_name_plural = _("certified enrolments")

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.n}"


class EnrolmentProgress(models.Model):
    """Each enrolment as the reports count it: a narrow copy the database keeps
    (``reports.rollups``), written only by triggers.

    The enrolment's own columns that the reports filter and group by, with
    its lessons done (:class:`LessonsDone`) and standing certificates
    (:class:`Certified`) beside them, so that the funnel, the completion
    times and the reach of a period read one narrow index instead of joining
    three tables. Plain numbers, no foreign keys, as in the other rollups.
    """

    enrolment_id = models.BigIntegerField(primary_key=True)
    user_id = models.BigIntegerField()
    course_id = models.IntegerField()
    course_key = models.UUIDField()
    enrolled_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True)
    lessons_done = models.PositiveIntegerField(default=0)
    certificates = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        verbose_name = _("enrolment progress")
        verbose_name_plural = _("enrolment progress")
        indexes = [
            # Covering on PostgreSQL: a period's rows come from the index alone.
            models.Index(
                fields=["enrolled_at"],
                include=[
                    "course_key",
                    "course_id",
                    "user_id",
                    "completed_at",
                    "lessons_done",
                    "certificates",
                ],
                name="reports_progress_enrolled",
            ),
            # The completed ones alone, for the times to complete (a third of them).
            models.Index(
                fields=["enrolled_at"],
                include=["course_key", "completed_at"],
                condition=models.Q(completed_at__isnull=False),
                name="reports_progress_completed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}: {self.lessons_done}"


class Learner(models.Model):
    """Each person with an enrolment: when they last enrolled and their language. A rollup the
    database keeps (``reports.rollups``), written only by triggers.

    The learners of a period that ends after everyone's last enrolment (any
    period up to today) are those who last enrolled in it: a range of one
    index, where finding them among the enrolments took a distinct over
    every enrolment of the period.
    """

    user_id = models.BigIntegerField(primary_key=True)
    last_enrolled_at = models.DateTimeField()
    language = models.CharField(max_length=5)

    class Meta:
        default_permissions = ()
        verbose_name = _("learner")
        verbose_name_plural = _("learners")
        indexes = [
            models.Index(
                fields=["last_enrolled_at"],
                include=["user_id", "language"],
                name="reports_learner_last",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.last_enrolled_at}"
