from django.core.management.base import BaseCommand

from notifications import services


class Command(BaseCommand):
    help = "Queue the weekly digest e-mail of everyone who chose it for some kind of notice."

    def handle(self, *args, **options):
        count = services.queue_digests()
        self.stdout.write(f"Queued {count} digest(s).")
