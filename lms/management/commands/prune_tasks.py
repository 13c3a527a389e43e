"""``manage.py prune_tasks``: delete finished background-task rows.

The database task backend keeps a row per task after it ran. The rows hold
nothing readable (e-mails travel sealed, ``lms.sealed``), but there is no
reason to keep them: successful ones go after ``TASKS_RESULTS_RETENTION``
seconds, failed ones after ``TASKS_FAILED_RESULTS_RETENTION``. The worker
(``manage.py worker``) runs this every ``TASKS_PRUNE_INTERVAL`` seconds;
it can also run from cron.
"""

from django.core.management.base import BaseCommand

from lms.tasks import prune_task_results


class Command(BaseCommand):
    help = "Delete finished background-task rows older than the retention settings."

    def handle(self, *args, **options):
        deleted = prune_task_results()
        self.stdout.write(f"Deleted {deleted} finished task row(s).")
