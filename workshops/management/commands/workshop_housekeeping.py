"""Send due reminders and end forgotten workshops.

For task backends that cannot run a task at a given time (the immediate
backend of a laptop): run it every few minutes from cron. With the database
task backend the deferred tasks do the same and this finds nothing to do.
"""

from django.core.management.base import BaseCommand

from workshops import services


class Command(BaseCommand):
    help = "Send due workshop reminders and end workshops left running past their end."

    def handle(self, *args, **options):
        counts = services.housekeeping()
        self.stdout.write(
            f"Reminders sent: {counts['reminders']}; workshops ended: {counts['ended']}"
        )
