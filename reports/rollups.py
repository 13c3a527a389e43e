"""Rollups the database keeps up to date, so a report reads a few rows, not every row.

:class:`~reports.models.LessonsDone` holds each enrolment's number of lessons
done. The learning report's funnel needs it for every enrolment of the
period; counting it from ``courses_lessonprogress`` (five or more rows per
enrolment, hundreds of thousands on a national platform) took most of the
report's first computation. Row triggers on ``courses_lessonprogress`` keep
it: a lesson done adds one to its enrolment's count, a deleted one (an
enrolment deleted takes its progress with it) takes one off, and a count
that falls to nothing is removed. The triggers are written in SQL, so bulk
writes, ``.update()`` and raw SQL keep it right as they keep the figures'
version (``reports.freshness``).

:func:`install` (after every ``migrate``, beside the version's triggers)
creates the triggers and counts every enrolment's lessons again in the same
transaction, with writers to the progress table held off on PostgreSQL, so
the rollup is exact even where a migration rebuilt the progress table and
lost its triggers for a moment.
"""

from __future__ import annotations

PROGRESS = "courses_lessonprogress"
ROLLUP = "reports_lessonsdone"
TRIGGER = "reports_lessons_done"

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION reports_lessons_done() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM reports_lessonsdone;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE reports_lessonsdone SET n = n - 1 WHERE enrolment_id = OLD.enrolment_id;
        DELETE FROM reports_lessonsdone WHERE enrolment_id = OLD.enrolment_id AND n <= 0;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO reports_lessonsdone (enrolment_id, n) VALUES (NEW.enrolment_id, 1)
        ON CONFLICT (enrolment_id) DO UPDATE SET n = reports_lessonsdone.n + 1;
    END IF;
    RETURN NULL;
END $$
"""

# The SQL names only the constants above (no f-strings: nothing varies).
# SQLite: the same steps, one trigger per event (its triggers see OLD and NEW rows only).
_SQLITE_ADD = (
    "INSERT OR IGNORE INTO reports_lessonsdone (enrolment_id, n) VALUES (NEW.enrolment_id, 0); "
    "UPDATE reports_lessonsdone SET n = n + 1 WHERE enrolment_id = NEW.enrolment_id;"
)
_SQLITE_TAKE = (
    "UPDATE reports_lessonsdone SET n = n - 1 WHERE enrolment_id = OLD.enrolment_id; "
    "DELETE FROM reports_lessonsdone WHERE enrolment_id = OLD.enrolment_id AND n <= 0;"
)
_SQLITE_TRIGGERS = {
    "insert": ("AFTER INSERT", _SQLITE_ADD),
    "delete": ("AFTER DELETE", _SQLITE_TAKE),
    "update": ("AFTER UPDATE OF enrolment_id", f"{_SQLITE_TAKE} {_SQLITE_ADD}"),
}

_RECOUNT = (
    f"INSERT INTO {ROLLUP} (enrolment_id, n) "  # noqa: S608 - constants only
    f"SELECT enrolment_id, COUNT(*) FROM {PROGRESS} GROUP BY enrolment_id"
)


def install(db) -> None:
    """Create the rollup's triggers and count it afresh (idempotent), on connection ``db``."""
    existing = set(db.introspection.table_names())
    if not {PROGRESS, ROLLUP} <= existing:
        return
    from django.db import transaction

    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql":
            # Writers wait until the count is taken; readers do not.
            cursor.execute(f"LOCK TABLE {PROGRESS} IN SHARE MODE")
            cursor.execute(_PG_FUNCTION)
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_row ON {PROGRESS}")
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER}_row AFTER INSERT OR DELETE OR UPDATE OF enrolment_id "
                f"ON {PROGRESS} FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
            )
            cursor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}_truncate ON {PROGRESS}")
            cursor.execute(
                f"CREATE TRIGGER {TRIGGER}_truncate AFTER TRUNCATE ON {PROGRESS} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
            )
        elif db.vendor == "sqlite":
            for event, (when, body) in _SQLITE_TRIGGERS.items():
                name = f"{TRIGGER}_{event}"
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(f"CREATE TRIGGER {name} {when} ON {PROGRESS} BEGIN {body} END")
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            return
        cursor.execute(f"DELETE FROM {ROLLUP}")  # noqa: S608 - a constant
        cursor.execute(_RECOUNT)
