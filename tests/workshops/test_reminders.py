"""Reminders 24 hours and 1 hour before, scheduled as deferred tasks."""

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from django_tasks import default_task_backend

from accounts.factories import UserFactory
from workshops import services
from workshops.factories import RegistrationFactory, WorkshopFactory
from workshops.models import Workshop
from workshops.tasks import send_workshop_reminders

pytestmark = pytest.mark.django_db

DUMMY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def dummy_tasks(settings):
    """The dummy backend can defer and keeps what was enqueued, without running it."""
    settings.TASKS = DUMMY
    default_task_backend.clear()
    yield default_task_backend
    default_task_backend.clear()


def schedule(user, starts_in):
    mentor = UserFactory()
    mentor.groups.add(services.mentors_group())
    starts = timezone.now() + starts_in
    return services.schedule_workshop(
        mentor,
        title_en="Fundraising clinic",
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        capacity=20,
        audience="signed_in",
    )


def test_scheduling_enqueues_reminders_and_auto_end_with_run_times(
    dummy_tasks, user, django_capture_on_commit_callbacks
):
    """With a backend that can defer, two reminders and the automatic end are enqueued,
    each to run at its time."""
    with django_capture_on_commit_callbacks(execute=True):
        workshop = schedule(user, timedelta(days=3))
    ours = {"send_workshop_reminders", "end_overdue_workshop"}
    enqueued = {
        (r.task.name, r.task.run_after, tuple(r.args))
        for r in dummy_tasks.results
        if r.task.name in ours
    }
    assert enqueued == {
        (
            "send_workshop_reminders",
            workshop.starts_at - timedelta(hours=24),
            (workshop.pk, "24h", workshop.starts_at.isoformat()),
        ),
        (
            "send_workshop_reminders",
            workshop.starts_at - timedelta(hours=1),
            (workshop.pk, "1h", workshop.starts_at.isoformat()),
        ),
        ("end_overdue_workshop", workshop.ends_at + services.AUTO_END_GRACE, (workshop.pk,)),
    }


def test_reminders_already_due_are_not_enqueued(
    dummy_tasks, user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        schedule(user, timedelta(hours=5))
    reminders = [r for r in dummy_tasks.results if r.task.name == "send_workshop_reminders"]
    assert [r.args[1] for r in reminders] == ["1h"]


def test_immediate_backend_enqueues_nothing(user, django_capture_on_commit_callbacks):
    """The immediate backend cannot defer: nothing is sent early; housekeeping covers it."""
    with django_capture_on_commit_callbacks(execute=True):
        schedule(user, timedelta(days=3))
    assert mail.outbox == []


def test_reminder_is_sent_once_in_each_persons_language(user, django_capture_on_commit_callbacks):
    """A reminder is a notice of kind ``workshop_starting``, e-mailed by default,
    once per person, in each person's language."""
    workshop = WorkshopFactory(
        title_en="Fundraising clinic",
        title_km="គ្លីនិកការរៃអង្គាសថវិកា",
        starts_at=timezone.now() + timedelta(hours=23),
    )
    user.preferred_language = "km"
    user.save()
    RegistrationFactory(workshop=workshop, user=user)
    RegistrationFactory(workshop=workshop, user=UserFactory(email="en@example.org"))
    starts = workshop.starts_at.isoformat()
    with django_capture_on_commit_callbacks(execute=True):
        assert send_workshop_reminders.call(workshop.pk, "24h", starts) == 2
        assert send_workshop_reminders.call(workshop.pk, "24h", starts) == 0
    assert len(mail.outbox) == 2
    by_to = {m.to[0]: m for m in mail.outbox}
    assert "គ្លីនិកការរៃអង្គាសថវិកា" in by_to[user.email].subject
    assert "ម៉ោងកម្ពុជា" in by_to[user.email].body
    assert "“Fundraising clinic” starts" in by_to["en@example.org"].subject
    assert f"/en/workshops/{workshop.pk}/" in by_to["en@example.org"].body


def test_stale_reminder_for_a_moved_workshop_does_nothing(user):
    workshop = WorkshopFactory(starts_at=timezone.now() + timedelta(hours=23))
    RegistrationFactory(workshop=workshop, user=user)
    old = (workshop.starts_at - timedelta(days=1)).isoformat()
    assert send_workshop_reminders.call(workshop.pk, "24h", old) == 0
    assert mail.outbox == []


def test_moving_a_workshop_resends_reminders(user, django_capture_on_commit_callbacks):
    workshop = schedule(user, timedelta(hours=20))
    RegistrationFactory(workshop=workshop, user=user)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_due_reminders(workshop, "24h")
    assert len(mail.outbox) == 1
    with django_capture_on_commit_callbacks(execute=True):
        services.update_workshop(
            workshop.host,
            workshop,
            starts_at=workshop.starts_at + timedelta(hours=2),
            ends_at=workshop.ends_at + timedelta(hours=2),
        )
    assert services.send_due_reminders(workshop, "24h") == 1


def test_housekeeping_sends_due_reminders_and_ends_forgotten_workshops(
    user, django_capture_on_commit_callbacks
):
    soon = WorkshopFactory(starts_at=timezone.now() + timedelta(minutes=50))
    RegistrationFactory(workshop=soon, user=user)
    forgotten = WorkshopFactory(
        starts_at=timezone.now() - timedelta(hours=3),
        ends_at=timezone.now() - timedelta(hours=2),
        status="live",
    )
    with django_capture_on_commit_callbacks(execute=True):
        call_command("workshop_housekeeping", stdout=io.StringIO())
    subjects = sorted(m.subject for m in mail.outbox)
    assert len(subjects) == 2, "the 24-hour and the 1-hour reminder were both due"
    forgotten.refresh_from_db()
    assert forgotten.status == Workshop.Status.ENDED
    assert forgotten.events.get().kind == "workshop.ended"
