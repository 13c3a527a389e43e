"""A "Mentors" group whose members may schedule and host workshops."""

from django.db import migrations


def create_group(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type, _ = ContentType.objects.get_or_create(app_label="workshops", model="workshop")
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type,
        codename="host_workshop",
        defaults={"name": "Can schedule and host live workshops"},
    )
    group, _ = Group.objects.get_or_create(name="Mentors")
    group.permissions.add(permission)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Mentors").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
