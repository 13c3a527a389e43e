"""Enqueue again certificate renders left pending (for a cron job).

A render task lost with its worker leaves the certificate "being prepared";
this puts it back in the queue. Failed renders are retried too with ``--failed``.
"""

import datetime

from django.core.management.base import BaseCommand

from certificates.models import Certificate
from certificates.services import pdfs


class Command(BaseCommand):
    help = "Re-enqueue certificate PDFs stuck in 'being prepared' (and optionally failed ones)."

    def add_arguments(self, parser):
        parser.add_argument("--minutes", type=int, default=15)
        parser.add_argument("--failed", action="store_true", help="Also retry failed renders.")

    def handle(self, *args, minutes, failed, **options):
        count = pdfs.requeue_stale(datetime.timedelta(minutes=minutes))
        if failed:
            for certificate in Certificate.objects.filter(
                status=Certificate.Status.VALID, render_state=Certificate.RenderState.FAILED
            ):
                pdfs.enqueue_render(certificate, force=True)
                count += 1
        self.stdout.write(f"Re-enqueued {count} certificate renders.")
