"""``manage.py index_courses``: rebuild the catalogue's search index from the live courses.

Publishing keeps the index up to date; run this after restoring a database
from a copy made without it, or after changing how text is normalised.
"""

from django.core.management.base import BaseCommand

from courses import search


class Command(BaseCommand):
    help = "Rebuild the catalogue's search index (courses and their lessons)."

    def handle(self, *args, **options):
        count = search.rebuild()
        self.stdout.write(f"Indexed {count} courses.")
