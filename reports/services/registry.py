"""Every report by slug, built once per data version."""

from __future__ import annotations

from django.utils import translation

from .. import charts, freshness
from ..filters import ReportFilters
from .figures import Report
from .learning import learning_report
from .mentoring import mentoring_report
from .reach import reach_report
from .workshops import workshops_report

REPORTS = {
    "learning": learning_report,
    "reach": reach_report,
    "workshops": workshops_report,
    "mentoring": mentoring_report,
}


def build_report(slug: str, filters: ReportFilters, **options) -> Report:
    """The report ``slug`` for ``filters`` in the active language, cached per data version.

    Reports are computed from aggregates over the whole platform: once per
    version of the data (``reports.freshness``), then read from the cache.
    """
    language = translation.get_language()
    return freshness.cached(
        f"report-{slug}",
        (filters, language, sorted(options.items()), charts.for_weasyprint_active()),
        lambda: REPORTS[slug](filters, **options),
    )
