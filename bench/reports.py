"""Benchmark the admin reports against a bare admin page, at a tenth and at full scale.

Seeds a fresh database (``reports.seeding``) with a tenth of a national
platform, counts the queries of every report page and the admin home, grows
it to full scale (100,000 enrolments, 20,000 learners, 200 courses, 2,000
workshops with attendance, 1,000 mentoring pairs), counts again, then times
each page against a bare admin page (the admin's own chrome and nothing
else) through the same middleware, in one process, back to back in each of
several rounds; a page's ratio is the median of its rounds' ratios.

A report's figures are computed once per version of the data and then read
from the cache (``reports.freshness``). Each page is timed both ways: *cold*
(the data version moved on before each request, as a write to any table the
reports read moves it, so the first editor to open a report after a change
computes its figures; the rest of the cache, sessions and Wagtail's own data,
stays as that write leaves it) and *warm* (read from the cache, as every later
editor meets it). The query counts are those of the
cold request. Last, it renders a donor report PDF of the default period.

The last line is::

    RESULT report_ratio_max=<n> report_ratio_warm_max=<n> queries_small=<n>
    queries_large=<n> donor_pdf_s=<n>

(on one line). ``report_ratio_max`` is the **cold** worst case: the
highest median ratio of a page whose figures are computed in that request;
``report_ratio_warm_max`` the same with the figures cached. ``queries_*``
add up the pages' query counts (each page's count must be the same at both
scales). Targets: ``report_ratio_max`` ≤ 5, ``queries_small ==
queries_large``.

Run: ``.venv/bin/python bench/reports.py [--rounds 7] [--keep]``. With
``DATABASE_URL`` set it uses PostgreSQL (a fresh ``<name>_bench_reports``
database, dropped at the end); otherwise a temporary SQLite file. With
``--keep`` (PostgreSQL only) the seeded databases, ``<name>_bench_reports_small``
at a tenth and ``<name>_bench_reports`` at full scale, are kept and reused by
the next run (seeding takes minutes), after ``migrate``.
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

    User.objects.filter(email="bench-admin@example.org").delete()  # a kept database's
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
    """Each page's queries when its figures are computed (the data just changed)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, url in PAGES.items():
        client.get(url)
        _data_changed()
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (name, response.status_code)
        counts[name] = len(captured.captured_queries)
    return counts


def _data_changed() -> None:
    """Move the reports' data version on, as the triggers of any write to their tables do:
    every cached figure is then stale, and nothing else in the cache changes."""
    from django.db import connection

    from reports import freshness

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT nextval('{freshness.SEQUENCE}')")
        else:
            cursor.execute(f"UPDATE {freshness.SEQUENCE} SET n = n + 1")  # noqa: S608


def _time(client, url: str, repeat: int, *, cold: bool = False) -> float:

    total = 0.0
    for _ in range(repeat):
        if cold:
            _data_changed()
        start = time.perf_counter()
        response = client.get(url)
        total += time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
    return total / repeat


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # Planner statistics and no dead rows (the rollups' triggers update rows as the seed
        # goes in), as autovacuum keeps a live database.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def _use(database, name: str, keep: bool):
    """Create (or, kept, reuse) the database ``name`` and migrate it; True if it was empty."""
    from django.db import connection

    from courses.models import Enrolment

    connection.close()
    database["NAME"] = database["BENCH_BASE_NAME"]
    database["TEST"]["NAME"] = name
    created = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, keepdb=keep, serialize=False
    )
    return created, not Enrolment.objects.exists()


def _seeded(database, args) -> tuple[dict, dict, object]:
    """Query counts at a tenth and at full scale; the full-scale database's name."""
    from django.db import connection

    from reports import seeding

    base = database["BENCH_BASE_NAME"]
    started = time.perf_counter()
    if args.keep and "postgresql" in database["ENGINE"]:
        # Each migrate counts the rollups afresh (reports.rollups.install): vacuum and analyse
        # after it as after seeding, as autovacuum would soon after a deploy.
        _, empty = _use(database, f"{base}_bench_reports_small", keep=True)
        if empty:
            seeding.seed(args.scale / 10)
        _analyze()
        client, _ = _staff_client()
        small = _count_queries(client)
        created, empty = _use(database, f"{base}_bench_reports", keep=True)
        if empty:
            seeding.seed(args.scale / 10)
            seeding.seed(args.scale, previous=args.scale / 10)
        _analyze()
        print(
            f"{'seeded' if empty else 'reused the seeded databases'} in "
            f"{time.perf_counter() - started:.0f} s ({connection.vendor})"
        )
        return small, None
    if "postgresql" in database["ENGINE"]:
        created, _ = _use(database, f"{base}_bench_reports", keep=False)
    else:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)
        created = None
    seeding.seed(args.scale / 10)
    _analyze()
    client, _ = _staff_client()
    small = _count_queries(client)
    seeding.seed(args.scale, previous=args.scale / 10)
    _analyze()
    print(f"seeded in {time.perf_counter() - started:.0f} s ({connection.vendor})")
    return small, created


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="requests per page and round")
    parser.add_argument("--scale", type=float, default=1.0, help="1 is national scale")
    parser.add_argument("--keep", action="store_true", help="keep and reuse the seeded databases")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    database = _setup(tmp)
    database["BENCH_BASE_NAME"] = database["NAME"]
    from django.db import connection

    created = None
    try:
        from django.test.utils import setup_test_environment

        setup_test_environment()
        small, created = _seeded(database, args)
        from reports import services

        client, user = _staff_client()
        from courses.models import Enrolment

        print(f"enrolments: {Enrolment.objects.count()}")
        large = _count_queries(client)
        for name in PAGES:
            print(f"queries {name:10} {small[name]:3} at 1/10, {large[name]:3} at full scale")

        for url in [BARE_PATH, *PAGES.values()]:
            _time(client, url, 1)  # warm
        times = {name: [] for name in ["bare", *PAGES]}
        ratios = {name: [] for name in PAGES}
        cold_times = {name: [] for name in PAGES}
        cold_ratios = {name: [] for name in PAGES}
        for _ in range(args.rounds):
            for name, url in PAGES.items():
                bare = _time(client, BARE_PATH, args.repeat)
                # The previous page's cold runs made its figures stale: fill the cache again.
                client.get(url)
                page = _time(client, url, args.repeat)
                cold = _time(client, url, args.repeat, cold=True)
                times["bare"].append(bare)
                times[name].append(page)
                ratios[name].append(page / bare)
                cold_times[name].append(cold)
                cold_ratios[name].append(cold / bare)
        print(f"bare admin page: {statistics.median(times['bare']) * 1000:7.1f} ms")
        for name in PAGES:
            print(
                f"{name:10} cold {statistics.median(cold_times[name]) * 1000:7.1f} ms, "
                f"ratio {statistics.median(cold_ratios[name]):5.2f}; "
                f"warm {statistics.median(times[name]) * 1000:7.1f} ms, "
                f"ratio {statistics.median(ratios[name]):5.2f}"
            )
        ratio_max = max(statistics.median(r) for r in cold_ratios.values() if r)
        warm_max = max(statistics.median(r) for r in ratios.values() if r)

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
        if args.keep:
            services.DonorReport.objects.filter(requested_by=user).delete()
    finally:
        if created is not None:
            connection.creation.destroy_test_db(created, verbosity=0, keepdb=False)
        shutil.rmtree(tmp, ignore_errors=True)

    assert small == large, "query counts grew with the data"
    print(
        f"RESULT report_ratio_max={ratio_max:.2f} report_ratio_warm_max={warm_max:.2f} "
        f"queries_small={sum(small.values())} queries_large={sum(large.values())} "
        f"donor_pdf_s={donor_pdf_s:.2f}"
    )


if __name__ == "__main__":
    main()
