"""Background tasks: rendering donor report PDFs.

django-tasks runs them at once in development and tests and in the database
worker (``manage.py db_worker``) in production. A task is given the report's
id only and reads everything else from the database when it runs.
"""

from __future__ import annotations

from django_tasks import task


@task()
def render_donor_report(report_id: str) -> str:
    from . import services

    report = services.render_donor_report(report_id)
    return report.state if report is not None else "missing"
