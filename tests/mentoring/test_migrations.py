"""The link from a workshop to its mentoring pair moved from workshops to mentoring;
the migration carries existing links over, both ways, on SQLite and PostgreSQL."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from mentoring.factories import MentoringPairFactory
from mentoring.models import PairWorkshop
from workshops.factories import WorkshopFactory

BEFORE = [
    ("mentoring", "0001_requests_offers_rounds_pairs"),
    ("workshops", "0003_course_and_mentoring_pair"),
]
AFTER = [
    ("mentoring", "0002_pair_workshops_and_listing_base"),
    ("workshops", "0004_remove_workshop_mentoring_pair"),
]


@pytest.mark.django_db(transaction=True)
def test_pair_workshop_links_survive_the_move_in_both_directions():
    """A workshop linked to a pair is linked to the same pair after migrating back
    (the old foreign key) and forward again (mentoring's link); others stay unlinked."""
    pair = MentoringPairFactory()
    private = WorkshopFactory(audience="pair")
    PairWorkshop.objects.create(pair=pair, workshop=private)
    open_one = WorkshopFactory()
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps.get_model("workshops", "Workshop")
        assert dict(old.objects.values_list("pk", "mentoring_pair_id")) == {
            private.pk: pair.pk,
            open_one.pk: None,
        }
    finally:
        # Forward to the latest migrations, not just AFTER: the tests after this
        # one need today's schema.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert set(AFTER) <= set(MigrationExecutor(connection).loader.applied_migrations)
    assert list(PairWorkshop.objects.values_list("workshop_id", "pair_id")) == [
        (private.pk, pair.pk)
    ]
