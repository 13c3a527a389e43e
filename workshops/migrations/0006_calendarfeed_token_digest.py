"""Keep only a digest of each calendar feed's secret (lms.sealed.digest), never the secret.

Existing feed addresses go on working: their secrets are digested in place.
Going back cannot bring a secret back, so it deletes the feeds (their owners make
new addresses).
"""

from django.db import migrations, models


def digest_tokens(apps, schema_editor):
    from lms.sealed import digest

    CalendarFeed = apps.get_model("workshops", "CalendarFeed")
    for feed in CalendarFeed.objects.only("pk", "token").iterator():
        CalendarFeed.objects.filter(pk=feed.pk).update(token_hash=digest(feed.token))


def forget_feeds(apps, schema_editor):
    apps.get_model("workshops", "CalendarFeed").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0005_admin_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(digest_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="calendarfeed", name="token"),
        # Backwards, this runs before the secret's column is made again.
        migrations.RunPython(migrations.RunPython.noop, forget_feeds),
        migrations.AlterField(
            model_name="calendarfeed",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
