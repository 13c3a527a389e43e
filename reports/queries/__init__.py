"""Every read of another app's models that the reports make, in one package.

``reports`` is the top layer: it reads courses, workshops, mentoring,
certificates and accounts, and nothing imports it. Reads that need another
app's tables for an aggregate live here, one module per report (``learning``,
``reach``, ``workshops``, ``mentoring``, ``home``) beside what they share
(``base``: the cohort and periods the filters choose; ``choices``: the filter
forms' choices), so that the dependency is visible in one place. Each function
is one SQL query (the docstring says so when it is more) whose cost does not
depend on how many rows come back from Python: grouping and counting happen in
the database, and only aggregated rows (a few per period, course, province or
rating) reach Python.
"""

from .base import AT_RISK_DAYS, STANDING, course_certificates, enrolments, period_index
from .choices import course_choices, course_titles, organisation_choices
from .home import certificates_count, completions_count, donor_headline, month_counts
from .learning import (
    FUNNEL_STAGES,
    DaysBetween,
    completion_medians,
    funnel,
    learning_series,
    lesson_totals,
)
from .mentoring import JSONArrayLength, feedback, pair_totals, pairs_at_risk, rounds
from .reach import reach
from .workshops import workshop_figures

__all__ = [
    "STANDING",
    "AT_RISK_DAYS",
    "period_index",
    "enrolments",
    "course_certificates",
    "course_choices",
    "organisation_choices",
    "course_titles",
    "learning_series",
    "lesson_totals",
    "funnel",
    "FUNNEL_STAGES",
    "DaysBetween",
    "completion_medians",
    "reach",
    "workshop_figures",
    "JSONArrayLength",
    "rounds",
    "pair_totals",
    "pairs_at_risk",
    "feedback",
    "month_counts",
    "donor_headline",
    "completions_count",
    "certificates_count",
]
