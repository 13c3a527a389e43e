"""Benchmark the admin reports against a bare admin page, at a tenth and at full scale.

Seeds a fresh database (``reports.seeding``) with a tenth of a national
platform, counts the queries of every report page and the admin home, grows
it to full scale (100,000 enrolments, 20,000 learners, 200 courses, 2,000
workshops with attendance, 1,000 mentoring pairs), counts again, then times
each page against a bare admin page (the admin's own chrome and nothing
else) through the same middleware, in one process, back to back in each of
several rounds; a page's ratio is the median of its rounds' ratios. A
report's figures are computed once per version of the data and then read
from the cache (``reports.freshness``): the query counts are those of the
computing request, the rounds time pages as editors meet them between
changes, and a line reports each page's computing time. Last, it renders a
donor report PDF of the default period.

The last line is::

    RESULT report_ratio_max=<n> queries_small=<n> queries_large=<n> donor_pdf_s=<n>

``queries_*`` add up the pages' query counts (each page's count must be
the same at both scales). Targets: ``report_ratio_max`` ≤ 5,
``queries_small == queries_large``.

Run: ``.venv/bin/python bench/reports.py [--rounds 7]``. With ``DATABASE_URL``
set it uses PostgreSQL (a fresh ``<name>_bench_reports`` database, dropped at
the end); otherwise a temporary SQLite file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_PATH = "/admin/bench-bare/"
PAGES = {
    "learning": "/admin/reports/platform/learning/",
    "reach": "/admin/reports/platform/reach/",
    "workshops": "/admin/reports/platform/workshops/",
    "mentoring": "/admin/reports/platform/mentoring/",
    "donor": "/admin/reports/platform/donor/",
    "home": "/admin/",
}


def _setup(tmp: Path):
    os.environ["DJANGO_SETTINGS_MODULE"] = "lms.settings.test"
    os.environ.setdefault("MEDIA_ROOT", str(tmp / "media"))
    os.environ["PRIVATE_MEDIA_ROOT"] = str(tmp / "private")
    os.environ["REDIS_URL"] = ""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    import django

    django.setup()
    from django.conf import settings

    database = settings.DATABASES["default"]
    if "postgresql" in database["ENGINE"]:
        database["TEST"]["NAME"] = f"{database['NAME']}_bench_reports"
    _register_bare_page()
    return database


def _register_bare_page() -> None:
    """An admin page with the admin's chrome (menu, header, breadcrumbs) and no content."""
    from django.urls import path
    from django.views.generic import TemplateView
    from wagtail import hooks
    from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

    class BareView(WagtailAdminTemplateMixin, TemplateView):
        template_name = "wagtailadmin/generic/base.html"
        page_title = "Bare"

    @hooks.register("register_admin_urls")
    def bare_url():
        return [path("bench-bare/", BareView.as_view(), name="bench_bare")]


def _staff_client():
    """A superuser signed in as allauth's MFA stage leaves a session (staff powers need it)."""
    from types import SimpleNamespace

    from allauth.account.internal.flows.login import record_authentication
    from allauth.mfa.models import Authenticator
    from django.test import Client

    from accounts import mfa_secrets
    from accounts.models import User

    user = User.objects.create_superuser("bench-admin@example.org", display_name="Bench admin")
    authenticator = Authenticator.objects.create(
        user=user,
        type=Authenticator.Type.TOTP,
        data={"secret": mfa_secrets.encrypt("JBSWY3DPEHPK3PXP")},
    )
    client = Client()
    client.force_login(user)
    session = client.session
    request = SimpleNamespace(session=session)
    record_authentication(request, user, "password", email=user.email)
    record_authentication(request, user, "mfa", id=authenticator.pk, type=authenticator.type)
    session.save()
    return client, user


def _count_queries(client) -> dict[str, int]:
    """Each page's queries when its figures are computed (nothing cached)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, url in PAGES.items():
        client.get(url)
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured.captured_queries)
    return counts


def _time(client, url: str, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return (time.perf_counter() - start) / repeat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="requests per page and round")
    parser.add_argument("--scale", type=float, default=1.0, help="1 is national scale")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    database = _setup(tmp)
    from django.db import connection

    created = None
    try:
        if "postgresql" in database["ENGINE"]:
            created = connection.creation.create_test_db(
                verbosity=0, autoclobber=True, keepdb=False, serialize=False
            )
        else:
            from django.core.management import call_command

            call_command("migrate", verbosity=0, interactive=False)
        from django.test.utils import setup_test_environment

        setup_test_environment()
        from reports import seeding, services

        started = time.perf_counter()
        seeding.seed(args.scale / 10)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        client, user = _staff_client()
        small = _count_queries(client)
        seeding.seed(args.scale, previous=args.scale / 10)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as a live database keeps them
        print(f"seeded in {time.perf_counter() - started:.0f} s ({connection.vendor})")
        from courses.models import Enrolment

        print(f"enrolments: {Enrolment.objects.count()}")
        large = _count_queries(client)
        for name in PAGES:
            print(f"queries {name:10} {small[name]:3} at 1/10, {large[name]:3} at full scale")

        from django.core.cache import cache

        cold = {}
        for name, url in PAGES.items():
            cache.clear()
            cold[name] = _time(client, url, 1)  # computing the figures; later rounds read them
        print("computing: " + ", ".join(f"{n} {t * 1000:.0f} ms" for n, t in cold.items()))
        for url in [BARE_PATH, *PAGES.values()]:
            _time(client, url, 1)  # warm
        times = {name: [] for name in ["bare", *PAGES]}
        ratios = {name: [] for name in PAGES}
        for _ in range(args.rounds):
            for name, url in PAGES.items():
                bare = _time(client, BARE_PATH, args.repeat)
                page = _time(client, url, args.repeat)
                times["bare"].append(bare)
                times[name].append(page)
                ratios[name].append(page / bare)
        print(f"bare admin page: {statistics.median(times['bare']) * 1000:7.1f} ms")
        for name in PAGES:
            print(
                f"{name:10} {statistics.median(times[name]) * 1000:7.1f} ms, "
                f"ratio {statistics.median(ratios[name]):.2f}"
            )
        ratio_max = max(statistics.median(r) for r in ratios.values() if r)

        report = services.DonorReport.objects.create(
            title="Bench",
            language="km",
            start=services.ReportFilters.default().start,
            end=services.ReportFilters.default().end,
            requested_by=user,
        )
        services.render_donor_report(str(report.pk))  # the fonts' first load
        report = services.DonorReport.objects.create(
            title="Bench", language="en", start=report.start, end=report.end, requested_by=user
        )
        started = time.perf_counter()
        services.render_donor_report(str(report.pk))
        donor_pdf_s = time.perf_counter() - started
        report.refresh_from_db()
        print(f"donor PDF: {donor_pdf_s:.2f} s, {report.size / 1024:.0f} KB, state {report.state}")
    finally:
        if created is not None:
            connection.creation.destroy_test_db(created, verbosity=0, keepdb=False)
        shutil.rmtree(tmp, ignore_errors=True)

    assert small == large, "query counts grew with the data"
    print(
        f"RESULT report_ratio_max={ratio_max:.2f} queries_small={sum(small.values())} "
        f"queries_large={sum(large.values())} donor_pdf_s={donor_pdf_s:.2f}"
    )


if __name__ == "__main__":
    main()
