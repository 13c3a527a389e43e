"""Background tasks: reminders and the automatic end, enqueued with a run time, and
attendance, enqueued after commit when people leave or the workshop ends. Tasks carry ids."""

from datetime import datetime

from django_tasks import task

from . import services
from .models import Workshop


@task()
def send_workshop_reminders(workshop_id: int, which: str, starts_at: str) -> int:
    """Send the 24-hour or 1-hour reminder. Does nothing if the workshop moved since."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None or workshop.starts_at != datetime.fromisoformat(starts_at):
        return 0
    return services.send_due_reminders(workshop, which)


@task()
def end_overdue_workshop(workshop_id: int) -> bool:
    """End a workshop its host forgot to end (after its end time and a grace period)."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        return False
    return services.end_workshop_automatically(workshop) is not None


@task()
def record_workshop_attendance(workshop_id: int, user_ids: list[int] | None = None) -> int:
    """Store the attendance of everyone who joined the workshop (or of ``user_ids``)."""
    return services.record_attendance(workshop_id, user_ids)
