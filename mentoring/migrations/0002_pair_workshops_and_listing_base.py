# Mentoring owns the link from a pair to its private workshops (it was
# workshops.Workshop.mentoring_pair); requests and offers share an abstract
# base, whose one-open-listing constraint is named after the model.

import django.db.models.deletion
from django.db import migrations, models


def copy_links(apps, schema_editor):
    """One PairWorkshop per workshop that named a pair (before the field goes)."""
    Workshop = apps.get_model("workshops", "Workshop")
    PairWorkshop = apps.get_model("mentoring", "PairWorkshop")
    linked = Workshop.objects.filter(mentoring_pair__isnull=False).values_list(
        "pk", "mentoring_pair_id"
    )
    PairWorkshop.objects.bulk_create(
        [PairWorkshop(workshop_id=workshop, pair_id=pair) for workshop, pair in linked.iterator()],
        batch_size=500,
    )


def restore_links(apps, schema_editor):
    Workshop = apps.get_model("workshops", "Workshop")
    PairWorkshop = apps.get_model("mentoring", "PairWorkshop")
    for workshop, pair in PairWorkshop.objects.values_list("workshop_id", "pair_id").iterator():
        Workshop.objects.filter(pk=workshop).update(mentoring_pair_id=pair)


class Migration(migrations.Migration):

    dependencies = [
        ("mentoring", "0001_requests_offers_rounds_pairs"),
        ("workshops", "0003_course_and_mentoring_pair"),
    ]
    run_before = [("workshops", "0004_remove_workshop_mentoring_pair")]

    operations = [
        migrations.CreateModel(
            name="PairWorkshop",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                (
                    "pair",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="workshop_links",
                        to="mentoring.mentoringpair",
                    ),
                ),
                (
                    "workshop",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mentoring_link",
                        to="workshops.workshop",
                    ),
                ),
            ],
            options={
                "verbose_name": "pair workshop",
                "verbose_name_plural": "pair workshops",
            },
        ),
        migrations.RemoveConstraint(
            model_name="mentoringoffer",
            name="mentoring_one_open_offer_per_organisation",
        ),
        migrations.RemoveConstraint(
            model_name="mentoringrequest",
            name="mentoring_one_open_request_per_organisation",
        ),
        migrations.AddConstraint(
            model_name="mentoringoffer",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_open", True)),
                fields=("organisation",),
                name="mentoring_one_open_mentoringoffer_per_organisation",
            ),
        ),
        migrations.AddConstraint(
            model_name="mentoringrequest",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_open", True)),
                fields=("organisation",),
                name="mentoring_one_open_mentoringrequest_per_organisation",
            ),
        ),
        migrations.RunPython(copy_links, restore_links),
    ]
