"""The fixed rows of CourseLanguage, one per accounts.taxonomy.LanguageCode."""

from django.db import migrations

CODES = ["km", "en", "fr", "zh", "vi", "th", "cja", "cmo", "kdt", "tpu"]


def add_languages(apps, schema_editor):
    CourseLanguage = apps.get_model("courses", "CourseLanguage")
    for code in CODES:
        CourseLanguage.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [migrations.RunPython(add_languages, migrations.RunPython.noop)]
