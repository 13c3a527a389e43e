"""Background tasks shared by every app."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django_tasks import task

from .sealed import unseal


@task()
def send_email(sealed: str) -> None:
    """Send one e-mail rendered at enqueue time (``lms.mail.queue_email``).

    The message arrives sealed (``lms.sealed``): the task row never holds a
    readable address, link or code.
    """
    message = unseal(sealed)
    email = EmailMultiAlternatives(
        subject=message["subject"],
        body=message["body"],
        from_email=message.get("from_email") or settings.DEFAULT_FROM_EMAIL,
        to=message["to"],
        headers=message.get("headers") or {},
    )
    if message.get("html"):
        email.attach_alternative(message["html"], "text/html")
    email.send()


# ---------------------------------------------------------------------------
# Pruning finished task rows (database backend only)
# ---------------------------------------------------------------------------


def prune_task_results(now=None) -> int:
    """Delete finished task rows older than the retention settings; returns how many.

    Successful rows go after ``TASKS_RESULTS_RETENTION`` seconds, failed ones
    after ``TASKS_FAILED_RESULTS_RETENTION`` (kept longer, to read the error).
    """
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    finished = DBTaskResult.objects.finished()
    succeeded = finished.filter(status=TaskResultStatus.SUCCESSFUL).filter(
        finished_at__lte=now - timedelta(seconds=settings.TASKS_RESULTS_RETENTION)
    )
    failed = finished.exclude(status=TaskResultStatus.SUCCESSFUL).filter(
        finished_at__lte=now - timedelta(seconds=settings.TASKS_FAILED_RESULTS_RETENTION)
    )
    deleted = 0
    for rows in (succeeded, failed):
        count, _ = rows.delete()
        deleted += count
    return deleted


PRUNE_PRIORITY = -100


@task(priority=PRUNE_PRIORITY)
def prune_finished_tasks() -> int:
    """Prune finished rows, then come back in ``TASKS_PRUNE_INTERVAL`` seconds.

    ``manage.py worker`` queues the first one; each run queues the next one
    unless another is already waiting, so several workers keep one schedule.
    """
    deleted = prune_task_results()
    schedule_pruning()
    return deleted


def schedule_pruning(delay: float | None = None) -> bool:
    """Queue ``prune_finished_tasks`` unless one is waiting; returns whether it queued one."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    waiting = DBTaskResult.objects.filter(
        task_path=prune_finished_tasks.module_path, status=TaskResultStatus.READY
    )
    if waiting.exists():
        return False
    delay = settings.TASKS_PRUNE_INTERVAL if delay is None else delay
    # The lowest priority: the worker runs everything else that is due first.
    run_after = timezone.now() + timedelta(seconds=delay) if delay else None
    prune_finished_tasks.using(priority=PRUNE_PRIORITY, run_after=run_after).enqueue()
    return True
