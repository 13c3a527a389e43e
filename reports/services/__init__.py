"""Reports as figures: headline numbers, charts and tables, in the reader's language.

One module per report (``learning``, ``reach``, ``workshops``, ``mentoring``)
builds a :class:`Report` from ``figures``' tables and charts; ``registry``
builds any of them by slug, cached per data version; ``home`` has the admin
home's month figures, ``donor`` the donor PDF reports and ``access`` who may
see any of it. Everything other modules use is importable from here.
"""

from .. import formatting as fmt
from ..filters import ReportFilters
from ..models import DonorReport
from .access import PERMISSION, check_may_view_reports, may_view_reports
from .donor import (
    donor_content,
    donor_filters,
    get_donor_report_for_user,
    open_donor_report_pdf,
    recent_ready_reports,
    render_donor_report,
    request_donor_report,
)
from .figures import (
    COUNT,
    DATE,
    DAYS,
    PEOPLE,
    PERCENT,
    ROWS_SHOWN,
    TEXT,
    Column,
    Figure,
    Headline,
    Report,
    Table,
)
from .home import MonthFigure, month_figures
from .learning import learning_report
from .mentoring import mentoring_report
from .reach import ORGANISATIONS_SHOWN, reach_report
from .registry import REPORTS, build_report
from .workshops import HOSTS_SHOWN, workshops_report

__all__ = [
    "fmt",
    "ReportFilters",
    "DonorReport",
    "PERMISSION",
    "may_view_reports",
    "check_may_view_reports",
    "ROWS_SHOWN",
    "TEXT",
    "COUNT",
    "PEOPLE",
    "PERCENT",
    "DAYS",
    "DATE",
    "Column",
    "Table",
    "Figure",
    "Headline",
    "Report",
    "learning_report",
    "ORGANISATIONS_SHOWN",
    "reach_report",
    "HOSTS_SHOWN",
    "workshops_report",
    "mentoring_report",
    "REPORTS",
    "build_report",
    "MonthFigure",
    "month_figures",
    "get_donor_report_for_user",
    "request_donor_report",
    "donor_filters",
    "donor_content",
    "render_donor_report",
    "open_donor_report_pdf",
    "recent_ready_reports",
]
