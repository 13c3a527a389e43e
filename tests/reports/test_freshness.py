"""Reports are read from the cache until the data they count changes, however it changes."""

import dataclasses
import re

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from reports import freshness, queries, services
from reports.filters import ReportFilters
from tests.reports.conftest import RANGE, pp
from tests.reports.test_report_pages import BASE, headline, page

FILTERS = ReportFilters(start=pp(2025, 1, 1).date(), end=pp(2025, 3, 31).date())
TABLE = re.compile(r'(?:FROM|JOIN)\s+"([a-z0-9_]+)"', re.I)


def test_every_table_a_report_reads_bumps_the_version(world):
    """Each table the reports' queries name carries the triggers, so no change is missed."""
    cache.clear()
    read = set()
    with translation.override("en"), CaptureQueriesContext(connection) as captured:
        for slug in services.REPORTS:
            services.build_report(slug, FILTERS)
        services.build_report("reach", FILTERS, full=True)
        services.month_figures()
        queries.course_choices()
        queries.organisation_choices()
    for query in captured.captured_queries:
        read.update(TABLE.findall(query["sql"]))
    assert read <= set(freshness.source_tables())
    assert {"reports_enrolmentprogress", "reports_dailylearning", "workshops_attendance"} <= read
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT DISTINCT event_object_table FROM information_schema.triggers "
            "WHERE trigger_name LIKE %s",
            [f"{freshness.TRIGGER}%"],
        )
        triggered = {row[0] for row in cursor.fetchall()}
    assert triggered == set(freshness.source_tables())


def test_a_second_view_is_read_from_the_cache(admin_client, world):
    """The figures are computed once; the next view of the same report asks only the version."""
    url = f"{BASE}/learning/?{RANGE}"
    admin_client.get(url)
    with CaptureQueriesContext(connection) as cold:
        cache.clear()
        assert admin_client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert admin_client.get(url).status_code == 200
    assert len(cold.captured_queries) - len(warm.captured_queries) >= 8
    assert not any(
        table in q["sql"]
        for q in warm.captured_queries
        for table in ("courses_enrolment", "reports_enrolmentprogress")
    )


def test_bulk_writes_that_send_no_signal_refresh_the_figures(admin_client, world):
    """An ``.update()`` or raw SQL bumps the version: the next view shows new figures."""
    from courses.models import Enrolment

    assert headline(page(admin_client, "learning"))["Completions"] == "3"
    before = freshness.data_version()
    Enrolment.objects.filter(pk=world.enrolments["L3A"].pk).update(completed_at=pp(2025, 2, 20))
    assert freshness.data_version() != before
    assert headline(page(admin_client, "learning"))["Completions"] == "4"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE courses_enrolment SET enrolled_at = %s WHERE id = %s",
            [pp(2024, 12, 1), world.enrolments["L4A"].pk],
        )
    assert headline(page(admin_client, "learning"))["Enrolments"] == "11"


def test_the_cache_keeps_languages_and_filters_apart(admin_client, world):
    """The same report in another language or with other filters is its own entry."""
    with translation.override("en"):
        english = services.build_report("reach", FILTERS)
        narrowed = services.build_report("reach", dataclasses.replace(FILTERS, province="03"))
    with translation.override("km"):
        khmer = services.build_report("reach", FILTERS)
    assert english.title != khmer.title
    assert english.headline[0].value == "12" and narrowed.headline[0].value != "12"
