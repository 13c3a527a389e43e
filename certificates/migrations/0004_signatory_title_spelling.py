"""The default Khmer signatory title in the dictionary's spelling (្ដ, docs/glossary-km.md).

The settings row still holding the old default gets the new one; a title an editor
typed is left as typed, and certificates already issued keep what they were signed with.
"""

from django.db import migrations, models

OLD = "នាយកកម្មវិធីបណ្តុះបណ្តាល"
NEW = "នាយកកម្មវិធីបណ្ដុះបណ្ដាល"


def respell(apps, schema_editor):
    settings = apps.get_model("certificates", "CertificateSettings")
    settings.objects.filter(signatory_title_km=OLD).update(signatory_title_km=NEW)


def unspell(apps, schema_editor):
    settings = apps.get_model("certificates", "CertificateSettings")
    settings.objects.filter(signatory_title_km=NEW).update(signatory_title_km=OLD)


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_admin_labels")]

    operations = [
        migrations.AlterField(
            model_name="certificatesettings",
            name="signatory_title_km",
            field=models.CharField(
                default=NEW, max_length=200, verbose_name="signatory's title in Khmer"
            ),
        ),
        migrations.RunPython(respell, unspell),
    ]
