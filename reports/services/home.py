"""The admin home: this month against last month."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from .. import formatting as fmt
from .. import freshness, queries
from ..filters import day_start, month_start, today


@dataclass
class MonthFigure:
    label: str
    this: int
    last: int
    report: str

    @property
    def change(self) -> int:
        return self.this - self.last

    @property
    def change_label(self) -> str:
        sign = "+" if self.change > 0 else ""
        return fmt.digits(sign) + fmt.number(self.change) if self.change else fmt.number(0)


def month_figures(on: datetime.date | None = None) -> list[MonthFigure]:
    """This month's figures against last month's, cached per data version."""
    on = on or today()
    return freshness.cached(
        "month-figures", (on, translation.get_language()), lambda: _month_figures(on)
    )


def _month_figures(on: datetime.date) -> list[MonthFigure]:
    this = month_start(on)
    last = month_start(on, 1)
    following = month_start(datetime.date(this.year, this.month, 28) + datetime.timedelta(days=7))
    counts = queries.month_counts(day_start(last), day_start(this), day_start(following))
    labels = [
        ("enrolments", _("Enrolments"), "learning"),
        ("completions", _("Completions"), "learning"),
        ("certificates", _("Certificates issued"), "learning"),
        ("attendance", _("Workshop attendance"), "workshops"),
        ("pairs", _("Active mentoring pairs"), "mentoring"),
    ]
    return [
        MonthFigure(label, counts[key]["this"], counts[key]["last"], report)
        for key, label, report in labels
    ]
