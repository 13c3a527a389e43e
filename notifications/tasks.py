"""Background delivery of notices. Tasks carry ids and a date, never words or addresses."""

from datetime import datetime

from django_tasks import task

from . import services


@task()
def deliver_notices(notice_ids: list[int]) -> int:
    """E-mail the notices whose recipients chose e-mail for their kind."""
    return services.deliver(notice_ids)


@task()
def send_weekly_digest(user_id: int, until: str) -> int:
    """E-mail one person the digest of the week that ends at ``until`` (ISO 8601)."""
    return services.send_digest(user_id, datetime.fromisoformat(until))
