"""Report figures cached under the version of the data they are computed from.

A national platform's report takes seconds of aggregation over every
enrolment, lesson done and attendance, and editors read the same reports
again and again between changes. So each report is computed once per
*data version* and read from the cache after that.

The version is kept by the database itself, so no write can forget it:
triggers on every table the reports read (:data:`SOURCES`) bump it for any
insert, update, delete or truncate, including bulk writes, ``.update()``
and raw SQL that no Django signal would see. On PostgreSQL the version is
a sequence: ``nextval`` takes no row lock, so writers never queue behind
each other, and it is not rolled back. Each source table has two
triggers: one per statement, which bumps the version at once (so a
report read later in the same transaction, as in a test, sees the change),
and a deferred constraint trigger, which bumps it again as the writing
transaction commits (so a report computed by another session between the
statement and the commit, without the new rows, is not served afterwards).
On SQLite, whose writers are serialised anyway, it is a one-row table.
Reading it is one query. :func:`install` creates the sequence and the triggers and
runs after every ``migrate`` (``post_migrate``), so a table rebuilt by a
migration, or a table added to :data:`SOURCES`, gets its trigger back.

A cached report is also bounded in time (:data:`CACHE_SECONDS`): figures
that depend on the clock ("at risk now": no check-in in the last 30 days)
move on without any write.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging

from django.core.cache import cache
from django.db import connection

from . import rollups

logger = logging.getLogger(__name__)

CACHE_SECONDS = 10 * 60
SEQUENCE = "reports_data_version"
TRIGGER = "reports_data_version_bump"

#: ``app_label.ModelName`` of every model whose table the reports read (an
#: M2M field's table is named by ``app_label.ModelName.field``).
#: ``tests/reports/test_freshness.py`` checks that every table a report's
#: queries touch is here.
SOURCES = (
    "accounts.User",
    "accounts.Organisation",
    "accounts.Organisation.focus_areas",
    "accounts.FocusArea",
    "accounts.Membership",
    "wagtailcore.Page",
    "wagtailcore.Locale",
    "courses.CoursePage",
    "courses.LessonPage",
    "courses.Enrolment",
    "courses.LessonProgress",
    "reports.LessonsDone",
    "reports.DailyLearning",
    "reports.Certified",
    "reports.EnrolmentProgress",
    "reports.Learner",
    "certificates.Certificate",
    "workshops.Workshop",
    "workshops.Registration",
    "workshops.Attendance",
    "mentoring.MatchingRound",
    "mentoring.MentoringPair",
    "mentoring.CheckIn",
    "mentoring.PairFeedback",
)


def source_tables() -> list[str]:
    from django.apps import apps

    tables = []
    for source in SOURCES:
        app_label, model_name, *field = source.split(".")
        model = apps.get_model(app_label, model_name)
        if field:
            tables.append(model._meta.get_field(field[0]).remote_field.through._meta.db_table)
        else:
            tables.append(model._meta.db_table)
    return tables


def install(using: str = "default") -> None:
    """Create the version and a trigger on every source table (idempotent)."""
    from django.db import connections

    db = connections[using]
    quote = db.ops.quote_name
    existing = set(db.introspection.table_names())
    tables = [table for table in source_tables() if table in existing]
    with db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(f"CREATE SEQUENCE IF NOT EXISTS {SEQUENCE}")
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN PERFORM nextval('{SEQUENCE}'); "
                "RETURN NULL; END $$"
            )
            for table in tables:
                statement_trigger = quote(f"{TRIGGER}_statement")
                commit_trigger = quote(f"{TRIGGER}_commit")
                cursor.execute(f"DROP TRIGGER IF EXISTS {statement_trigger} ON {quote(table)}")
                cursor.execute(
                    f"CREATE TRIGGER {statement_trigger} "
                    f"AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {quote(table)} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
                )
                cursor.execute(f"DROP TRIGGER IF EXISTS {commit_trigger} ON {quote(table)}")
                cursor.execute(
                    f"CREATE CONSTRAINT TRIGGER {commit_trigger} "
                    f"AFTER INSERT OR UPDATE OR DELETE ON {quote(table)} "
                    "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                    f"EXECUTE FUNCTION {TRIGGER}()"
                )
        elif db.vendor == "sqlite":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {SEQUENCE} (n integer NOT NULL)")
            cursor.execute(
                f"INSERT INTO {SEQUENCE} (n) SELECT 0 "  # noqa: S608 - constants only
                f"WHERE NOT EXISTS (SELECT 1 FROM {SEQUENCE})"
            )
            for table in tables:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = quote(f"{TRIGGER}_{table}_{event.lower()}")
                    # Table names come from the models, quoted; nothing else varies.
                    cursor.execute(
                        f"CREATE TRIGGER IF NOT EXISTS {name} AFTER {event} "  # noqa: S608
                        f"ON {quote(table)} BEGIN UPDATE {SEQUENCE} SET n = n + 1; END"
                    )
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            logger.warning("Report figures are not cached on %s", db.vendor)
    rollups.install(db)


#: Inside :func:`one_version`, the version read first (a one-item list), else None.
_SCOPE: contextvars.ContextVar[list | None] = contextvars.ContextVar(
    "reports_data_version_scope", default=None
)


@contextlib.contextmanager
def one_version():
    """Inside, the data version is read once and every cached figure is of that version.

    A report page reads its filter choices and its figures: three values of
    one version, for one query instead of three. For requests that read only;
    a write inside would not be seen by later reads in the same scope.
    """
    token = _SCOPE.set([])
    try:
        yield
    finally:
        _SCOPE.reset(token)


def data_version() -> str | None:
    """The current version of the reports' data (one query), or None if it is not kept."""
    scope = _SCOPE.get()
    if scope:
        return scope[0]
    version = _read_version()
    if scope is not None:
        scope.append(version)
    return version


def _read_version() -> str | None:
    if connection.vendor == "postgresql":
        sql = f"SELECT last_value, is_called FROM {SEQUENCE}"  # noqa: S608 - a constant
    elif connection.vendor == "sqlite":
        sql = f"SELECT n, 1 FROM {SEQUENCE}"  # noqa: S608 - a constant
    else:  # pragma: no cover
        return None
    with connection.cursor() as cursor:
        cursor.execute(sql)
        value, called = cursor.fetchone()
    return f"{value}.{int(bool(called))}"


def cached(name: str, parts: tuple, compute):
    """``compute()``, or its value from the cache for the same ``name``, ``parts`` and data.

    ``parts`` must identify everything the value depends on besides the data
    (the filters, the language, options); their ``repr`` goes into the key.
    """
    version = data_version()
    if version is None:
        return compute()
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    key = f"reports:{name}:{version}:{digest}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, CACHE_SECONDS)
    return value
