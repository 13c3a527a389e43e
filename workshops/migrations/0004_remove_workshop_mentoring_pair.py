# The link from a workshop to a mentoring pair moved to the mentoring app
# (mentoring.PairWorkshop). mentoring/0002 copies the existing links first: it
# declares ``run_before`` this migration, so that workshops does not name
# mentoring here (0003 still does: it is history).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0003_course_and_mentoring_pair"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="workshop",
            name="mentoring_pair",
        ),
    ]
