"""Keep only a digest of each invitation's secret (lms.sealed.digest), never the secret.

Existing links go on working: their secrets are digested in place. Going back
cannot bring a secret back, so it deletes the invitations (they can be sent again).
"""

from django.db import migrations, models


def digest_tokens(apps, schema_editor):
    from lms.sealed import digest

    Invitation = apps.get_model("accounts", "Invitation")
    for invitation in Invitation.objects.only("pk", "token").iterator():
        Invitation.objects.filter(pk=invitation.pk).update(token_hash=digest(invitation.token))


def forget_invitations(apps, schema_editor):
    apps.get_model("accounts", "Invitation").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_admin_labels"),
    ]

    operations = [
        migrations.AddField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(digest_tokens, migrations.RunPython.noop),
        migrations.RemoveField(model_name="invitation", name="token"),
        # Backwards, this runs before the secret's column is made again.
        migrations.RunPython(migrations.RunPython.noop, forget_invitations),
        migrations.AlterField(
            model_name="invitation",
            name="token_hash",
            field=models.CharField(editable=False, max_length=64, unique=True),
        ),
    ]
