"""Donor reports: the request, the PDF's content, rendering and download."""

from __future__ import annotations

import datetime
import logging
import time

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.geo import province_name

from .. import charts, queries
from .. import formatting as fmt
from ..filters import ReportFilters, today
from ..models import DonorReport
from .access import check_may_view_reports, may_view_reports
from .registry import build_report

logger = logging.getLogger(__name__)


def get_donor_report_for_user(user, pk) -> DonorReport:
    """The donor report ``pk`` if ``user`` may see reports; 404 otherwise."""
    if not may_view_reports(user):
        raise Http404
    try:
        return DonorReport.objects.get(pk=pk)
    except (DonorReport.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def request_donor_report(
    user,
    *,
    title: str,
    language: str,
    start: datetime.date,
    end: datetime.date,
    course_keys=(),
    province: str = "",
    organisation=None,
) -> DonorReport:
    """Record the request and queue the PDF; the task receives the report's id only."""
    check_may_view_reports(user)
    if end < start:
        raise ValidationError(_("The end date must not be before the start date."))
    report = DonorReport.objects.create(
        title=title,
        language=language,
        start=start,
        end=end,
        course_keys=[str(key) for key in course_keys],
        province=province,
        organisation=organisation,
        requested_by=user,
    )
    from ..tasks import render_donor_report

    report_id = str(report.pk)
    transaction.on_commit(lambda: render_donor_report.enqueue(report_id))
    return report


def donor_filters(report: DonorReport) -> ReportFilters:
    import uuid

    return ReportFilters(
        start=report.start,
        end=report.end,
        period="week" if (report.end - report.start).days <= 92 else "month",
        courses=tuple(uuid.UUID(key) for key in report.course_keys),
        province=report.province,
        organisation=report.organisation_id,
    )


def donor_content(report: DonorReport) -> dict:
    """Everything the donor PDF prints, in the report's language (call inside it)."""
    filters = donor_filters(report)
    with charts.for_weasyprint():
        learning = build_report("learning", filters)
        reach = build_report("reach", filters, small_cells=True)
        workshops = build_report("workshops", filters)
        mentoring = build_report("mentoring", filters)
    headline = [
        *reach.headline[:3],
        *learning.headline[:3],
        learning.headline[3],
        workshops.headline[1],
        workshops.headline[2],
        mentoring.headline[0],
        mentoring.headline[2],
    ]
    titles = queries.course_titles(filters.courses) if filters.courses else {}
    scope = [titles.get(key, str(key)) for key in filters.courses]
    if report.province:
        scope.append(province_name(report.province))
    if report.organisation_id and report.organisation:
        scope.append(report.organisation.display_name)
    sections = [
        (learning.title, [learning.figures[0], learning.figures[1]]),
        (reach.title, reach.figures),
        (workshops.title, [workshops.figures[0], workshops.figures[2]]),
        (mentoring.title, [mentoring.figures[1], mentoring.figures[3]]),
    ]
    return {
        "report": report,
        "period": fmt.range_label(report.start, report.end),
        "scope": scope,
        "headline": headline,
        "sections": [
            {
                "title": title,
                "figures": [
                    {
                        "table": figure.table,
                        # Each cell with whether it is a figure (aligned to the end).
                        "rows": [
                            list(zip(row, [c.numeric for c in figure.table.columns], strict=True))
                            for row in figure.table.formatted(small_cells=True)
                        ],
                        "chart": figure.chart,
                    }
                    for figure in figures
                ],
            }
            for title, figures in sections
        ],
        "notes": [*workshops.notes],
        "small_cell": fmt.digits(str(fmt.SMALL_CELL)),
        "generated": fmt.date_label(today()),
    }


def render_donor_report(report_id: str) -> DonorReport | None:
    """Render and store the PDF of ``report_id``; a failure is recorded on the report."""
    from ..pdf import render_pdf

    report = DonorReport.objects.select_related("organisation").filter(pk=report_id).first()
    if report is None:
        return None
    started = time.perf_counter()
    try:
        with translation.override(report.language):
            pdf = render_pdf(donor_content(report))
        storage = storages["private"]
        name = storage.save(f"reports/{report.pk}.pdf", ContentFile(pdf))
    except Exception as exc:
        logger.exception("Rendering donor report %s failed", report_id)
        DonorReport.objects.filter(pk=report.pk).update(
            state=DonorReport.State.FAILED, error=str(exc)[:2000]
        )
        raise
    report.pdf_name = name
    report.size = len(pdf)
    report.state = DonorReport.State.READY
    report.error = ""
    report.rendered_at = timezone.now()
    report.render_seconds = time.perf_counter() - started
    report.save(
        update_fields=["pdf_name", "size", "state", "error", "rendered_at", "render_seconds"]
    )
    return report


def open_donor_report_pdf(report: DonorReport):
    if not report.is_ready:
        raise Http404
    return storages["private"].open(report.pdf_name, "rb")


def recent_ready_reports(user, limit: int = 3) -> list[DonorReport]:
    """The user's donor reports that became ready in the last week: one query."""
    since = timezone.now() - datetime.timedelta(days=7)
    return list(
        DonorReport.objects.filter(
            requested_by=user, state=DonorReport.State.READY, rendered_at__gte=since
        )[:limit]
    )
