"""Give existing pages readable slugs (Khmer vowel signs kept), with redirects.

Runs ``lms.slugs.make_existing_slugs_readable``, the same code the editor's
form follows; Wagtail's redirects app records a permanent redirect from each
old address once the migration commits. It needs the current page models
(their trees, their revisions, the redirects app's signal), so it depends on
the latest migration of every app with page types; a database without pages
with Khmer titles is left untouched, without reading any page.
"""

from django.db import migrations


def readable_slugs(apps, schema_editor):
    from wagtail.models import Page

    from lms.slugs import make_existing_slugs_readable

    if Page.objects.filter(depth__gt=2, title__regex=r"[\u17b4-\u17d3]").exists():
        make_existing_slugs_readable()


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0001_initial"),
        ("courses", "0003_search_entries"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailredirects", "0008_add_verbose_name_plural"),
    ]

    operations = [migrations.RunPython(readable_slugs, migrations.RunPython.noop)]
