from django.db import migrations

CODES = [
    "human-rights",
    "gender-equality",
    "labour-rights",
    "land-housing",
    "environment",
    "legal-aid",
    "civic-education",
    "advocacy",
    "fundraising",
    "financial-management",
    "organisational-management",
    "digital-security",
    "safeguarding",
    "media-communication",
]


def create_focus_areas(apps, schema_editor):
    FocusArea = apps.get_model("accounts", "FocusArea")
    for code in CODES:
        FocusArea.objects.get_or_create(code=code)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_focus_areas, migrations.RunPython.noop)]
