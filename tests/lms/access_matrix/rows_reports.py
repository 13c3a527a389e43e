"""Rows of reports: the platform reports and donor reports in the admin."""

from __future__ import annotations

import uuid

from .outcomes import (
    Outcome,
)
from .shapes import (
    Row,
    admin_row,
    rows,
    same_everywhere,
)

ROWS: dict[str, Row] = {
    # Reports: figures for staff who may read them (the editor may).
    "admin/reports/platform/learning/": admin_row(),
    "admin/reports/platform/reach/": admin_row(),
    "admin/reports/platform/workshops/": admin_row(),
    "admin/reports/platform/mentoring/": admin_row(),
    # An empty request form: refused with its errors (400), nothing queued.
    "admin/reports/platform/donor/": admin_row(
        post=Outcome(400), state=rows("reports.DonorReport")
    ),
    # No such report. (A 404 under /admin/ is sent on by Django's locale
    # middleware to the language-prefixed path, where Wagtail answers 404.)
    "admin/reports/platform/donor/<uuid:pk>/download/": admin_row(
        get=Outcome(302, to="/admin/reports/platform/donor/"),
        values=same_everywhere({"pk": uuid.UUID(int=1)}),
    ),
}
