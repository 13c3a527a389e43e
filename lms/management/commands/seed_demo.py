"""Fill an empty platform with realistic demo content. Safe to run again."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

# Order matters: each step may use what the earlier ones created.
SEEDERS = [
    "lms.demo",
    "certificates.demo_settings",  # before any certificate is issued (mentoring too)
    "accounts.demo",
    "courses.demo",
    "workshops.demo",
    "mentoring.demo",
    "certificates.demo",
]


class Command(BaseCommand):
    help = "Create locales, the home page, organisations, demo users and demo content."

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Run even though DEBUG is off (demo accounts have published passwords).",
        )

    def handle(self, *args, allow_without_debug=False, **options):
        if not settings.DEBUG and not allow_without_debug:
            raise CommandError(
                "seed_demo creates accounts with published passwords; "
                "it only runs with DEBUG on (or --allow-without-debug)."
            )
        for module_name in SEEDERS:
            if find_spec(module_name) is None:
                continue
            module = import_module(module_name)
            with transaction.atomic():
                module.seed(stdout=self.stdout)

        from accounts.demo import credentials

        self.stdout.write(self.style.SUCCESS("\nDemo accounts (e-mail / password):"))
        for role, email, password in credentials():
            self.stdout.write(f"  {role:<12} {email}  /  {password}")
