"""Background work for mentoring: telling organisations about their pairs.

Approving a national round can mean thousands of e-mails; they are rendered
and queued by a worker, not inside the admin's request.
"""

from django_tasks import task


@task()
def notify_pairs(pair_ids: list[int], template: str) -> None:
    """E-mail the representatives of both organisations of each pair, each in
    their own language (``template`` is an e-mail template prefix)."""
    from .services import notify_pairs as send

    send(pair_ids, template)
