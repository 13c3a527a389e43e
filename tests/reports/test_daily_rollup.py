"""The learning-per-day rollup stays equal to the enrolment and certificate tables."""

from __future__ import annotations

import datetime
from collections import Counter

from django.db import connection
from django.db.models import Sum

from certificates.models import Certificate
from courses.models import Enrolment
from reports import freshness
from reports.models import DailyLearning
from tests.reports.conftest import PP, _certificate, pp, utc
from tests.reports.test_report_pages import page

STANDING = (Certificate.Status.VALID, Certificate.Status.AWAITING_NAME)


def _rollup() -> dict[tuple[str, datetime.date], int]:
    rows = DailyLearning.objects.values("day").annotate(
        e=Sum("enrolments"), c=Sum("completions"), k=Sum("certificates")
    )
    result = {}
    for row in rows:
        for name, key in (("enrolments", "e"), ("completions", "c"), ("certificates", "k")):
            if row[key]:
                result[name, row["day"]] = row[key]
    return result


def _truth() -> dict[tuple[str, datetime.date], int]:
    counts: Counter = Counter()
    for enrolled, completed in Enrolment.objects.values_list("enrolled_at", "completed_at"):
        counts["enrolments", enrolled.astimezone(PP).date()] += 1
        if completed:
            counts["completions", completed.astimezone(PP).date()] += 1
    certificates = Certificate.objects.filter(
        kind=Certificate.Kind.COURSE, is_current=True, status__in=STANDING
    ).values_list("issued_at", flat=True)
    for issued in certificates:
        counts["certificates", issued.astimezone(PP).date()] += 1
    return dict(counts)


def test_it_counts_each_phnom_penh_day(world):
    assert _rollup() == _truth() != {}
    # Enrolled at 00:30 on 1 February in Phnom Penh: 31 January in UTC.
    assert _rollup()["enrolments", datetime.date(2025, 2, 1)] >= 1


def test_writes_of_every_kind_keep_it_exact(world):
    enrolment = world.enrolments["L3A"]
    # .update() of the dates (a completion is written that way), moving across days.
    Enrolment.objects.filter(pk=enrolment.pk).update(
        enrolled_at=utc(2025, 1, 5, 20), completed_at=pp(2025, 3, 1)
    )
    assert _rollup() == _truth()
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=None)
    assert _rollup() == _truth()
    # Bulk insert, and an update of columns the rollup does not read.
    other = world.enrolments["L4A"]
    Enrolment.objects.bulk_create(
        [
            Enrolment(
                user=other.user,
                course=course,
                course_key=course.translation_key,
                enrolled_at=pp(2025, 2, 2),
                completed_at=pp(2025, 2, 3),
                last_activity_at=pp(2025, 2, 2),
            )
            for course in world.courses.values()
            if not Enrolment.objects.filter(user=other.user, course_key=course.translation_key)
        ]
    )
    Enrolment.objects.update(last_activity_at=pp(2025, 3, 3))
    assert _rollup() == _truth()

    # Certificates: issued, revoked, moved to another day, no longer current, deleted.
    certificate = _certificate(other, pp(2025, 2, 10), status="awaiting_name")
    assert _rollup() == _truth()
    Certificate.objects.filter(pk=certificate.pk).update(issued_at=pp(2025, 2, 11))
    assert _rollup() == _truth()
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.REVOKED)
    assert _rollup() == _truth()
    Certificate.objects.filter(pk=certificate.pk).update(status=Certificate.Status.VALID)
    Certificate.objects.filter(kind=Certificate.Kind.COURSE).update(is_current=False)
    assert _rollup() == _truth()
    Certificate.objects.update(is_current=True)
    assert _rollup() == _truth()

    # Raw SQL and a deletion that cascades from the learner.
    with connection.cursor() as cursor:
        for table, column in (
            ("courses_lessonprogress", "enrolment_id"),
            ("courses_enrolment", "id"),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {column} = %s", [enrolment.pk])  # noqa: S608
    assert _rollup() == _truth()
    other.user.delete()
    assert _rollup() == _truth()
    Certificate.objects.all().delete()
    assert _rollup() == _truth()


def test_install_counts_afresh_what_its_triggers_missed(world):
    DailyLearning.objects.all().delete()
    DailyLearning.objects.create(day=datetime.date(2020, 1, 1), enrolments=7)
    freshness.install()
    assert _rollup() == _truth() != {}


def test_a_completion_moves_the_series_on_the_next_view(admin_client, world):
    """The unfiltered chart reads the rollup; a completion written now counts at once."""
    from tests.reports.test_report_pages import table

    def march():
        return table(page(admin_client, "learning"), "over-time")[2]

    assert march() == ["Mar 2025", "3", "0", "0"]
    enrolment = Enrolment.objects.filter(completed_at__isnull=True).first()
    Enrolment.objects.filter(pk=enrolment.pk).update(completed_at=pp(2025, 3, 4))
    assert march() == ["Mar 2025", "3", "1", "0"]


def _home_figure(client, label: str) -> tuple[str, str]:
    """This month's and last month's figure of one card of the admin home's panel."""
    import re

    html = client.get("/admin/").content.decode()
    panel = html.split('id="report-home-title"', 1)[1].split("</section>", 1)[0]
    before, after = panel.split(label, 1)
    this = re.search(r'report-headline__value">([^<]+)<', before.rsplit("<li>", 1)[1])
    last = re.search(r"Last month: ([^ ]+) ", after)
    return this.group(1), last.group(1)


def test_the_admin_home_counts_this_and_last_months_enrolments_from_it(admin_client, world):
    """Enrolled this month, enrolled last month and completed this month, in Phnom Penh."""
    from django.utils import timezone

    from accounts.factories import UserFactory
    from reports.filters import month_start

    today = timezone.now().astimezone(PP).date()
    last_month = datetime.datetime.combine(month_start(today, 1), datetime.time(1), tzinfo=PP)
    assert _home_figure(admin_client, "Enrolments") == ("0", "0")
    learner = UserFactory()
    Enrolment.objects.create(user=learner, course=world.courses["A"])
    old = Enrolment.objects.create(user=learner, course=world.courses["B"])
    Enrolment.objects.filter(pk=old.pk).update(enrolled_at=last_month, completed_at=timezone.now())
    assert _home_figure(admin_client, "Enrolments") == ("1", "1")
    assert _home_figure(admin_client, "Completions") == ("1", "0")


def test_completion_medians_are_the_middle_or_the_mean_of_the_two_middle_ones(world):
    """Per course and over all, on either database's way of finding them; none without
    completions."""
    import dataclasses

    from reports.filters import ReportFilters
    from reports.queries import completion_medians

    filters = ReportFilters(start=datetime.date(2025, 1, 1), end=datetime.date(2025, 3, 31))
    medians, overall = completion_medians(filters)
    durations = sorted(
        (completed - enrolled).total_seconds() / 86400
        for enrolled, completed in Enrolment.objects.filter(
            enrolled_at__gte=filters.since,
            enrolled_at__lt=filters.until,
            completed_at__isnull=False,
        ).values_list("enrolled_at", "completed_at")
    )
    middle = len(durations) // 2
    expected = (
        durations[middle] if len(durations) % 2 else (durations[middle - 1] + durations[middle]) / 2
    )
    assert len(durations) >= 2
    assert abs(overall - expected) < 1e-9
    assert sorted(round(days, 1) for days in medians.values()) == [3.0, 15.0]
    empty = dataclasses.replace(
        filters, start=datetime.date(2020, 1, 1), end=datetime.date(2020, 1, 2)
    )
    assert completion_medians(empty) == ({}, None)
