"""Nothing secret rests in the task queue, and finished task rows are pruned.

With the database task backend (production), a queued task's arguments sit
in a table that database backups copy. These tests queue the e-mails that
carry secrets (a password-reset link, a sign-in code, an address
verification link, an invitation link), read every column of the task
table, and find neither the secret nor the recipient; then the worker sends
the e-mails with their secrets intact and prunes the rows.
"""

import re
import signal
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation
from django_tasks_db.models import DBTaskResult

from lms.tasks import prune_finished_tasks
from tests.conftest import reauthenticate

# Transactional: the worker checks its database connection between tasks,
# which would end a test's open transaction on PostgreSQL.
pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"https?://\S+")
CODE = re.compile(r"\d{4}-\d{4}-\d{4}")


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def en(name, **kwargs):
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def task_table() -> str:
    """Every column of every row of the task table, as one text."""
    table = DBTaskResult._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
        return "\n".join(" | ".join(str(value) for value in row) for row in cursor.fetchall())


def run_worker() -> None:
    """``manage.py worker --batch``: run what is queued, then stop."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("worker", batch=True, startup_delay=False, reload=False, verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


def secrets_in(messages) -> list[str]:
    found = []
    for message in messages:
        found += LINK.findall(message.body) + CODE.findall(message.body)
    return found


def test_no_secret_or_address_is_readable_in_the_task_table(client, user, organisation):
    """Reset, sign-in code, verification and invitation: queued sealed, sent intact."""
    client.post(en("account_reset_password"), {"email": user.email})
    client.post(en("account_request_login_code"), {"email": user.email})
    client.post(
        en("account_signup"),
        {
            "email": "new.person@example.org",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
            "display_name": "New",
            "preferred_language": "en",
        },
    )
    rep = client.__class__()
    rep.force_login(user)
    reauthenticate(rep)
    rep.post(
        en("accounts:organisation_invite", slug=organisation.slug),
        {"email": "invitee@example.org", "role": "member"},
    )
    assert not mail.outbox, "e-mails wait for the worker"
    queued = task_table()
    assert DBTaskResult.objects.count() == 4

    run_worker()
    assert len(mail.outbox) == 4
    secrets = secrets_in(mail.outbox)
    assert any("/password/reset/key/" in s for s in secrets)
    assert any("/confirm-email/" in s for s in secrets)
    invitation_link = next(s for s in secrets if "/me/invitations/" in s)
    invitation_token = invitation_link.rstrip("/").rsplit("/", 1)[-1]
    assert any(CODE.fullmatch(s) for s in secrets)
    after = task_table()
    for secret in secrets:
        key = secret.rstrip("/").rsplit("/", 1)[-1]
        assert key not in queued and key not in after, secret
    assert invitation_token not in queued + after
    for address in (user.email, "new.person@example.org", "invitee@example.org"):
        assert address not in queued + after


def test_the_worker_prunes_finished_task_rows_on_a_schedule(settings, client, user):
    """Each run of the worker's pruning task deletes finished rows past the
    retention and queues the next run an interval later (one, however many
    workers start)."""
    settings.TASKS_RESULTS_RETENTION = 0
    client.post(en("account_request_login_code"), {"email": user.email})
    run_worker()
    assert len(mail.outbox) == 1
    remaining = DBTaskResult.objects.all()
    assert not remaining.filter(task_path="lms.tasks.send_email").exists()
    waiting = remaining.filter(task_path=prune_finished_tasks.module_path, status="READY")
    assert waiting.count() == 1
    due = waiting.get().run_after - timezone.now()
    assert timedelta(seconds=settings.TASKS_PRUNE_INTERVAL - 60) < due
    assert due <= timedelta(seconds=settings.TASKS_PRUNE_INTERVAL)

    run_worker()  # a second worker start adds no second schedule
    assert remaining.filter(task_path=prune_finished_tasks.module_path, status="READY").count() == 1


def test_prune_tasks_keeps_recent_and_failed_rows_for_their_retention(settings, client, user):
    """``manage.py prune_tasks`` deletes only what is past its retention."""
    client.post(en("account_request_login_code"), {"email": user.email})
    run_worker()
    sent = DBTaskResult.objects.filter(task_path="lms.tasks.send_email")
    assert sent.count() == 1
    call_command("prune_tasks", verbosity=0)
    assert sent.count() == 1  # finished a moment ago: kept for a day
    sent.update(finished_at=timezone.now() - timedelta(days=2))
    call_command("prune_tasks", verbosity=0)
    assert not sent.exists()
