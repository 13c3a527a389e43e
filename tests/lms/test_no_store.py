"""Every download that holds someone's data is sent with ``Cache-Control: no-store``
(and ``private``): on the site, in the admin's listings and reports, and the files
a person keeps (certificate PDFs, a pair's files, calendars)."""

import re

import pytest
from django.urls import reverse
from django.utils import translation
from wagtail.admin.viewsets import viewsets

from tests.conftest import reauthenticate
from tests.support.world import build_world

pytestmark = pytest.mark.django_db

# The donor report PDF is checked where it is rendered (tests/reports/test_donor_report.py).
REPORT_TABLES = [
    "/admin/reports/platform/reach/?table=provinces",
    "/admin/reports/platform/learning/?table=funnel",
]
WAGTAIL_REPORTS = [
    "/admin/reports/site-history/",
    "/admin/reports/aging-pages/",
    "/admin/reports/locked/",
]


def en(name, *args):
    with translation.override("en"):
        return reverse(name, args=args)


def assert_no_store(response, url):
    assert response.status_code == 200, url
    parts = {part.strip() for part in response.get("Cache-Control", "").split(",")}
    assert {"no-store", "private"} <= parts, (url, response.get("Cache-Control"))


@pytest.fixture
def world():
    return build_world()


def test_a_persons_own_files_are_never_cached(world):
    owner = world.clients["owner"]
    reauthenticate(owner)
    own = world.own
    for url in (
        en("certificates:download", own.certificate.pk),
        en("mentoring:resource_download", own.pair.pk, own.resource.pk),
        en("accounts:data_export"),
        en("workshops:attendance_csv", own.workshop.pk),
        en("workshops:transcript", own.workshop.pk),
        en("workshops:ics", own.workshop.pk),
        en("workshops:feed", own.feed.token),
    ):
        assert_no_store(owner.get(url), url)


def test_making_a_feed_address_is_never_cached(world):
    response = world.clients["owner"].post(en("workshops:calendar"))
    assert re.search(r"/calendar/[A-Za-z0-9_-]+\.ics", response.content.decode())
    assert_no_store(response, "calendar")


def project_exports():
    return [
        v
        for v in viewsets.viewsets
        if getattr(v, "list_export", None) and not type(v).__module__.startswith("wagtail.")
    ]


def test_every_admin_export_is_never_cached(world):
    """Each listing that exports (a listing added later too), as CSV and XLSX."""
    staff = world.clients["editor"]
    exporting = project_exports()
    assert len(exporting) >= 8
    for viewset in exporting:
        index = reverse(viewset.get_url_name("index"))
        for kind in ("csv", "xlsx"):
            url = f"{index}?export={kind}"
            assert_no_store(staff.get(url), url)


def test_report_and_wagtail_report_exports_are_never_cached(world):
    staff = world.clients["editor"]
    for base in REPORT_TABLES:
        for kind in ("csv", "xlsx"):
            url = f"{base}&start=2025-01-01&end=2025-03-31&export={kind}"
            assert_no_store(staff.get(url), url)
    for base in WAGTAIL_REPORTS:
        for kind in ("csv", "xlsx"):
            url = f"{base}?export={kind}"
            assert_no_store(staff.get(url), url)


def test_the_matching_round_export_is_never_cached(world):
    from mentoring import services

    matching_round = services.open_round(world.users["editor"], name="Round")
    url = reverse("matching_rounds:export", args=[matching_round.pk])
    assert_no_store(world.clients["editor"].get(url), url)
