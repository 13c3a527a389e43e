"""Tell active pairs whose last check-in is a month old that one is due (run daily)."""

from django.core.management.base import BaseCommand

from mentoring import services


class Command(BaseCommand):
    help = "Notify both organisations of each active pair whose check-in is due."

    def handle(self, *args, **options):
        count = services.notify_due_check_ins()
        self.stdout.write(f"Check-in notices: {count}")
