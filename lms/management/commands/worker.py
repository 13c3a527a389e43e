"""``manage.py worker``: the background-task worker, pruning as it goes.

django-tasks' ``db_worker``, plus a schedule: on start it makes sure a
``lms.tasks.prune_finished_tasks`` task is waiting, and each run of that
task deletes finished rows and queues the next run ``TASKS_PRUNE_INTERVAL``
seconds later. Several workers share the one schedule. Takes every option
of ``db_worker``.
"""

from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand

from lms.tasks import schedule_pruning


class Command(DBWorkerCommand):
    help = "Run the database task worker, and prune finished task rows on a schedule."

    def handle(self, *args, **options):
        schedule_pruning(delay=0)
        return super().handle(*args, **options)
