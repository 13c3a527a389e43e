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

:class:`~reports.models.DailyLearning` holds, per Phnom Penh day, the
enrolments made, the completions and the standing course certificates
issued: the learning report's series over time, unfiltered, sums a few
hundred of its rows where it counted every enrolment of the period. Row
triggers on ``courses_enrolment`` and ``certificates_certificate`` keep it
the same way. Each PostgreSQL session writes to one of :data:`SLOTS` rows of
a day (by its backend's process id), so concurrent enrolments on one day do
not wait for each other's row lock; SQLite has one writer and one slot.

:class:`~reports.models.Certified` holds, per enrolment, how many standing
course certificates were issued for it, kept by row triggers on the
certificate table: the funnel's "certified" joins it where it took the
distinct enrolments of every standing certificate each time.
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
        UPDATE reports_enrolmentprogress SET lessons_done = 0 WHERE lessons_done <> 0;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE reports_lessonsdone SET n = n - 1 WHERE enrolment_id = OLD.enrolment_id;
        DELETE FROM reports_lessonsdone WHERE enrolment_id = OLD.enrolment_id AND n <= 0;
        UPDATE reports_enrolmentprogress SET lessons_done = COALESCE(
            (SELECT n FROM reports_lessonsdone WHERE enrolment_id = OLD.enrolment_id), 0)
        WHERE enrolment_id = OLD.enrolment_id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO reports_lessonsdone (enrolment_id, n) VALUES (NEW.enrolment_id, 1)
        ON CONFLICT (enrolment_id) DO UPDATE SET n = reports_lessonsdone.n + 1;
        UPDATE reports_enrolmentprogress SET lessons_done = COALESCE(
            (SELECT n FROM reports_lessonsdone WHERE enrolment_id = NEW.enrolment_id), 0)
        WHERE enrolment_id = NEW.enrolment_id;
    END IF;
    RETURN NULL;
END $$
"""

# The SQL names only the constants above (no f-strings: nothing varies).
# SQLite: the same steps, one trigger per event (its triggers see OLD and NEW rows only).
_SQLITE_ADD = (
    "INSERT OR IGNORE INTO reports_lessonsdone (enrolment_id, n) VALUES (NEW.enrolment_id, 0); "
    "UPDATE reports_lessonsdone SET n = n + 1 WHERE enrolment_id = NEW.enrolment_id; "
    "UPDATE reports_enrolmentprogress SET lessons_done = COALESCE((SELECT n FROM "
    "reports_lessonsdone WHERE enrolment_id = NEW.enrolment_id), 0) "
    "WHERE enrolment_id = NEW.enrolment_id;"
)
_SQLITE_TAKE = (
    "UPDATE reports_lessonsdone SET n = n - 1 WHERE enrolment_id = OLD.enrolment_id; "
    "DELETE FROM reports_lessonsdone WHERE enrolment_id = OLD.enrolment_id AND n <= 0; "
    "UPDATE reports_enrolmentprogress SET lessons_done = COALESCE((SELECT n FROM "
    "reports_lessonsdone WHERE enrolment_id = OLD.enrolment_id), 0) "
    "WHERE enrolment_id = OLD.enrolment_id;"
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
    """Create the rollups' triggers and count them afresh (idempotent), on connection ``db``."""
    existing = set(db.introspection.table_names())
    # The lessons-done and certified triggers write the enrolments' narrow copy too.
    if {PROGRESS, ROLLUP, FACTS} <= existing:
        _install_lessons_done(db)
    if {ENROLMENT, CERTIFICATE, DAILY} <= existing:
        _install_daily(db)
    if {CERTIFICATE, CERTIFIED, FACTS} <= existing:
        _install_certified(db)
    if {ENROLMENT, ROLLUP, CERTIFIED, FACTS, LEARNER, USER} <= existing:
        _install_progress(db)


def _pg_triggers(cursor, name: str, table: str, columns: str, function: str) -> None:
    """Replace ``name``'s PostgreSQL triggers on ``table``: one per row written (inserts,
    deletes, updates of ``columns``) and one per TRUNCATE, each calling ``function``."""
    cursor.execute(f"DROP TRIGGER IF EXISTS {name}_row ON {table}")
    cursor.execute(
        f"CREATE TRIGGER {name}_row AFTER INSERT OR DELETE OR UPDATE OF {columns} "
        f"ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"
    )
    cursor.execute(f"DROP TRIGGER IF EXISTS {name}_truncate ON {table}")
    cursor.execute(
        f"CREATE TRIGGER {name}_truncate AFTER TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


def _sqlite_trigger(cursor, name: str, table: str, when: str, body: str) -> None:
    """Replace the SQLite trigger ``name`` on ``table``."""
    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
    cursor.execute(f"CREATE TRIGGER {name} {when} ON {table} BEGIN {body} END")


def _install_lessons_done(db) -> None:
    from django.db import transaction

    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql":
            # Writers wait until the count is taken; readers do not.
            cursor.execute(f"LOCK TABLE {PROGRESS} IN SHARE MODE")
            cursor.execute(_PG_FUNCTION)
            _pg_triggers(cursor, TRIGGER, PROGRESS, "enrolment_id", TRIGGER)
        elif db.vendor == "sqlite":
            for event, (when, body) in _SQLITE_TRIGGERS.items():
                _sqlite_trigger(cursor, f"{TRIGGER}_{event}", PROGRESS, when, body)
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            return
        cursor.execute(f"DELETE FROM {ROLLUP}")  # noqa: S608 - a constant
        cursor.execute(_RECOUNT)


# --- Learning per day -------------------------------------------------------------------------

ENROLMENT = "courses_enrolment"
CERTIFICATE = "certificates_certificate"
DAILY = "reports_dailylearning"
DAILY_TRIGGER = "reports_daily"
SLOTS = 16
#: A course certificate that stands (``reports.queries.base.STANDING``).
_STANDS = (
    "{row}.kind = 'course' AND {row}.is_current AND {row}.status IN ('valid', 'awaiting_name')"
)

_PG_DAY = "(({ts}) AT TIME ZONE 'Asia/Phnom_Penh')::date"
# Only the constants above are formatted into the SQL: nothing varies.
_PG_DAILY = f"""
CREATE OR REPLACE FUNCTION reports_daily_add(d date, e integer, c integer, k integer)
RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF d IS NULL THEN
        RETURN;
    END IF;
    INSERT INTO reports_dailylearning AS t (day, slot, enrolments, completions, certificates)
    VALUES (d, pg_backend_pid() % {SLOTS}, e, c, k)
    ON CONFLICT (day, slot) DO UPDATE SET enrolments = t.enrolments + EXCLUDED.enrolments,
        completions = t.completions + EXCLUDED.completions,
        certificates = t.certificates + EXCLUDED.certificates;
END $$;

CREATE OR REPLACE FUNCTION reports_daily_enrolment() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE reports_dailylearning SET enrolments = 0, completions = 0;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM reports_daily_add({_PG_DAY.format(ts="OLD.enrolled_at")}, -1, 0, 0);
        PERFORM reports_daily_add({_PG_DAY.format(ts="OLD.completed_at")}, 0, -1, 0);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        PERFORM reports_daily_add({_PG_DAY.format(ts="NEW.enrolled_at")}, 1, 0, 0);
        PERFORM reports_daily_add({_PG_DAY.format(ts="NEW.completed_at")}, 0, 1, 0);
    END IF;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION reports_daily_certificate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        UPDATE reports_dailylearning SET certificates = 0;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND {_STANDS.format(row="OLD")} THEN
        PERFORM reports_daily_add({_PG_DAY.format(ts="OLD.issued_at")}, 0, 0, -1);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND {_STANDS.format(row="NEW")} THEN
        PERFORM reports_daily_add({_PG_DAY.format(ts="NEW.issued_at")}, 0, 0, 1);
    END IF;
    RETURN NULL;
END $$;
"""  # noqa: S608
_PG_DAILY_TRIGGERS = {
    ENROLMENT: ("enrolment", "enrolled_at, completed_at"),
    CERTIFICATE: ("certificate", "kind, is_current, status, issued_at"),
}

# SQLite stores UTC as text; Phnom Penh has kept UTC+7 all year since 1920.
_SQLITE_DAY = "date({ts}, '+7 hours')"


def _sqlite_add(day: str, column: str, sign: str) -> str:
    return (
        f"INSERT OR IGNORE INTO {DAILY} (day, slot, enrolments, completions, certificates) "  # noqa: S608
        f"SELECT {day}, 0, 0, 0, 0 WHERE {day} IS NOT NULL; "
        f"UPDATE {DAILY} SET {column} = {column} {sign} 1 WHERE day = {day} AND slot = 0;"
    )


def _sqlite_enrolment(row: str, sign: str) -> str:
    return _sqlite_add(_SQLITE_DAY.format(ts=f"{row}.enrolled_at"), "enrolments", sign) + (
        _sqlite_add(_SQLITE_DAY.format(ts=f"{row}.completed_at"), "completions", sign)
    )


def _sqlite_certificate(row: str, sign: str) -> str:
    issued = _SQLITE_DAY.format(ts=f"{row}.issued_at")
    day = f"(CASE WHEN {_STANDS.format(row=row)} THEN {issued} END)"
    return _sqlite_add(day, "certificates", sign)


_SQLITE_DAILY_TRIGGERS = {
    (ENROLMENT, "insert"): ("AFTER INSERT", _sqlite_enrolment("NEW", "+")),
    (ENROLMENT, "delete"): ("AFTER DELETE", _sqlite_enrolment("OLD", "-")),
    (ENROLMENT, "update"): (
        "AFTER UPDATE OF enrolled_at, completed_at",
        _sqlite_enrolment("OLD", "-") + " " + _sqlite_enrolment("NEW", "+"),
    ),
    (CERTIFICATE, "insert"): ("AFTER INSERT", _sqlite_certificate("NEW", "+")),
    (CERTIFICATE, "delete"): ("AFTER DELETE", _sqlite_certificate("OLD", "-")),
    (CERTIFICATE, "update"): (
        "AFTER UPDATE OF kind, is_current, status, issued_at",
        _sqlite_certificate("OLD", "-") + " " + _sqlite_certificate("NEW", "+"),
    ),
}


def _daily_recount(day) -> str:
    """Every day's figures counted from the tables, into slot 0."""
    enrolled, completed, issued = (
        day.format(ts=column) for column in ("enrolled_at", "completed_at", "issued_at")
    )
    return (
        f"INSERT INTO {DAILY} (day, slot, enrolments, completions, certificates) "  # noqa: S608
        "SELECT day, 0, SUM(e), SUM(c), SUM(k) FROM ("
        f"SELECT {enrolled} AS day, 1 AS e, 0 AS c, 0 AS k FROM {ENROLMENT} "
        f"UNION ALL SELECT {completed}, 0, 1, 0 FROM {ENROLMENT} WHERE completed_at IS NOT NULL "
        f"UNION ALL SELECT {issued}, 0, 0, 1 FROM {CERTIFICATE} "
        f"WHERE {_STANDS.format(row=CERTIFICATE)}"
        ") AS rows GROUP BY day"
    )


def _install_daily(db) -> None:
    from django.db import transaction

    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {ENROLMENT}, {CERTIFICATE} IN SHARE MODE")
            cursor.execute(_PG_DAILY)
            for table, (kind, columns) in _PG_DAILY_TRIGGERS.items():
                _pg_triggers(
                    cursor, f"{DAILY_TRIGGER}_{kind}", table, columns, f"reports_daily_{kind}"
                )
            day = _PG_DAY
        elif db.vendor == "sqlite":
            for (table, event), (when, body) in _SQLITE_DAILY_TRIGGERS.items():
                _sqlite_trigger(cursor, f"{DAILY_TRIGGER}_{table}_{event}", table, when, body)
            day = _SQLITE_DAY
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            return
        cursor.execute(f"DELETE FROM {DAILY}")  # noqa: S608 - a constant
        cursor.execute(_daily_recount(day))


# --- Certified enrolments ---------------------------------------------------------------------

CERTIFIED = "reports_certified"
CERTIFIED_TRIGGER = "reports_certified"
# A standing course certificate counts for the enrolment it was issued for.
_COUNTS = _STANDS + " AND {row}.source_id IS NOT NULL"
#: The narrow copy of the enrolment (``reports.EnrolmentProgress``) takes the rollup's count.
_SYNC_CERTIFIED = (
    "UPDATE reports_enrolmentprogress SET certificates = COALESCE((SELECT n FROM "
    "reports_certified WHERE enrolment_id = {row}.source_id), 0) "
    "WHERE enrolment_id = {row}.source_id;"
)

_PG_CERTIFIED = f"""
CREATE OR REPLACE FUNCTION reports_certified() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM reports_certified;
        UPDATE reports_enrolmentprogress SET certificates = 0 WHERE certificates <> 0;
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND {_COUNTS.format(row="OLD")} THEN
        UPDATE reports_certified SET n = n - 1 WHERE enrolment_id = OLD.source_id;
        DELETE FROM reports_certified WHERE enrolment_id = OLD.source_id AND n <= 0;
        {_SYNC_CERTIFIED.format(row="OLD")}
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND {_COUNTS.format(row="NEW")} THEN
        INSERT INTO reports_certified (enrolment_id, n) VALUES (NEW.source_id, 1)
        ON CONFLICT (enrolment_id) DO UPDATE SET n = reports_certified.n + 1;
        {_SYNC_CERTIFIED.format(row="NEW")}
    END IF;
    RETURN NULL;
END $$
"""  # noqa: S608


def _sqlite_certified(row: str, sign: str) -> str:
    counts = _COUNTS.format(row=row)
    if sign == "+":
        return (
            f"INSERT OR IGNORE INTO {CERTIFIED} (enrolment_id, n) "  # noqa: S608
            f"SELECT {row}.source_id, 0 WHERE {counts}; "
            f"UPDATE {CERTIFIED} SET n = n + 1 WHERE enrolment_id = {row}.source_id AND {counts}; "
            + _SYNC_CERTIFIED.format(row=row)
        )
    return (
        f"UPDATE {CERTIFIED} SET n = n - 1 WHERE enrolment_id = {row}.source_id AND {counts}; "  # noqa: S608
        f"DELETE FROM {CERTIFIED} WHERE enrolment_id = {row}.source_id AND n <= 0; "
        + _SYNC_CERTIFIED.format(row=row)
    )


_SQLITE_CERTIFIED_TRIGGERS = {
    "insert": ("AFTER INSERT", _sqlite_certified("NEW", "+")),
    "delete": ("AFTER DELETE", _sqlite_certified("OLD", "-")),
    "update": (
        "AFTER UPDATE OF kind, is_current, status, source_id",
        _sqlite_certified("OLD", "-") + " " + _sqlite_certified("NEW", "+"),
    ),
}
_CERTIFIED_RECOUNT = (
    f"INSERT INTO {CERTIFIED} (enrolment_id, n) "  # noqa: S608 - constants only
    f"SELECT source_id, COUNT(*) FROM {CERTIFICATE} "
    f"WHERE {_COUNTS.format(row=CERTIFICATE)} GROUP BY source_id"
)


def _install_certified(db) -> None:
    from django.db import transaction

    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {CERTIFICATE} IN SHARE MODE")
            cursor.execute(_PG_CERTIFIED)
            _pg_triggers(
                cursor,
                CERTIFIED_TRIGGER,
                CERTIFICATE,
                "kind, is_current, status, source_id",
                CERTIFIED_TRIGGER,
            )
        elif db.vendor == "sqlite":
            for event, (when, body) in _SQLITE_CERTIFIED_TRIGGERS.items():
                _sqlite_trigger(cursor, f"{CERTIFIED_TRIGGER}_{event}", CERTIFICATE, when, body)
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            return
        cursor.execute(f"DELETE FROM {CERTIFIED}")  # noqa: S608 - a constant
        cursor.execute(_CERTIFIED_RECOUNT)


# --- Enrolments as the reports count them -----------------------------------------------------

FACTS = "reports_enrolmentprogress"
FACTS_TRIGGER = "reports_enrolment_progress"
_FACTS_COLUMNS = "user_id, course_id, course_key, enrolled_at, completed_at"
_FACTS_INSERT = (
    f"INSERT INTO {FACTS} (enrolment_id, {_FACTS_COLUMNS}, lessons_done, certificates) "  # noqa: S608
    "VALUES (NEW.id, NEW.user_id, NEW.course_id, NEW.course_key, NEW.enrolled_at, "
    f"NEW.completed_at, COALESCE((SELECT n FROM {ROLLUP} WHERE enrolment_id = NEW.id), 0), "
    f"COALESCE((SELECT n FROM {CERTIFIED} WHERE enrolment_id = NEW.id), 0))"
)
LEARNER = "reports_learner"
USER = "accounts_user"
# A learner's row, made again from their enrolments (a few, by the user index).
_LEARNER_REFRESH = (
    f"DELETE FROM {LEARNER} WHERE user_id = {{user}}; "  # noqa: S608
    f"INSERT INTO {LEARNER} (user_id, last_enrolled_at, language) "
    f"SELECT e.user_id, MAX(e.enrolled_at), COALESCE(MIN(u.preferred_language), '') "
    f"FROM {ENROLMENT} e LEFT JOIN {USER} u ON u.id = e.user_id "
    f"WHERE e.user_id = {{user}} GROUP BY e.user_id;"
)
# A user written after their enrolment (foreign keys are checked at commit) gives it.
_LEARNER_LANGUAGE = (
    f"UPDATE {LEARNER} SET language = NEW.preferred_language "  # noqa: S608
    "WHERE user_id = NEW.id AND language <> NEW.preferred_language;"
)
_PG_LEARNER = f"""
CREATE OR REPLACE FUNCTION {LEARNER}_language() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        {_LEARNER_LANGUAGE}
    END IF;
    RETURN NULL;
END $$
"""
_LEARNER_RECOUNT = (
    f"INSERT INTO {LEARNER} (user_id, last_enrolled_at, language) "  # noqa: S608
    f"SELECT e.user_id, MAX(e.enrolled_at), MIN(u.preferred_language) FROM {ENROLMENT} e "
    f"JOIN {USER} u ON u.id = e.user_id GROUP BY e.user_id"
)
_PG_FACTS = f"""
CREATE OR REPLACE FUNCTION {FACTS_TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        DELETE FROM {FACTS};
        DELETE FROM {LEARNER};
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.id, NEW.user_id, NEW.course_id, NEW.course_key,
        NEW.enrolled_at, NEW.completed_at) IS NOT DISTINCT FROM (OLD.id, OLD.user_id,
        OLD.course_id, OLD.course_key, OLD.enrolled_at, OLD.completed_at) THEN
        RETURN NULL;  -- a save that changed nothing the reports count
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM {FACTS} WHERE enrolment_id = OLD.id;
        {_LEARNER_REFRESH.format(user="OLD.user_id")}
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        {_FACTS_INSERT};
        {_LEARNER_REFRESH.format(user="NEW.user_id")}
    END IF;
    RETURN NULL;
END $$
"""  # noqa: S608
_SQLITE_FACTS_DELETE = f"DELETE FROM {FACTS} WHERE enrolment_id = OLD.id;"  # noqa: S608
_OLD_LEARNER, _NEW_LEARNER = (
    _LEARNER_REFRESH.format(user=f"{row}.user_id") for row in ("OLD", "NEW")
)
_SQLITE_FACTS_TRIGGERS = {
    "insert": ("AFTER INSERT", f"{_FACTS_INSERT}; {_NEW_LEARNER}"),
    "delete": ("AFTER DELETE", f"{_SQLITE_FACTS_DELETE} {_OLD_LEARNER}"),
    "update": (
        f"AFTER UPDATE OF id, {_FACTS_COLUMNS}",
        f"{_SQLITE_FACTS_DELETE} {_OLD_LEARNER} {_FACTS_INSERT}; {_NEW_LEARNER}",
    ),
}
_FACTS_RECOUNT = (
    f"INSERT INTO {FACTS} (enrolment_id, {_FACTS_COLUMNS}, lessons_done, certificates) "  # noqa: S608
    "SELECT e.id, e.user_id, e.course_id, e.course_key, e.enrolled_at, e.completed_at, "
    f"COALESCE(d.n, 0), COALESCE(c.n, 0) FROM {ENROLMENT} e "
    f"LEFT JOIN {ROLLUP} d ON d.enrolment_id = e.id "
    f"LEFT JOIN {CERTIFIED} c ON c.enrolment_id = e.id "
    # In the order of the index the reports read it by, as later enrolments come in.
    "ORDER BY e.enrolled_at"
)


def _install_progress(db) -> None:
    from django.db import transaction

    fresh = db.vendor == "postgresql" and not db.in_atomic_block
    with transaction.atomic(using=db.alias), db.cursor() as cursor:
        if db.vendor == "postgresql":
            cursor.execute(
                f"LOCK TABLE {ENROLMENT}, {PROGRESS}, {CERTIFICATE}, {USER} IN SHARE MODE"  # noqa: S608
            )
            cursor.execute(_PG_FACTS)
            _pg_triggers(cursor, FACTS_TRIGGER, ENROLMENT, f"id, {_FACTS_COLUMNS}", FACTS_TRIGGER)
            cursor.execute(_PG_LEARNER)
            _pg_triggers(cursor, LEARNER, USER, "preferred_language", f"{LEARNER}_language")
        elif db.vendor == "sqlite":
            for event, (when, body) in _SQLITE_FACTS_TRIGGERS.items():
                _sqlite_trigger(cursor, f"{FACTS_TRIGGER}_{event}", ENROLMENT, when, body)
            cursor.execute(f"DROP TRIGGER IF EXISTS {LEARNER}")  # an earlier name
            for event, when in (
                ("update", "AFTER UPDATE OF preferred_language"),
                ("insert", "AFTER INSERT"),
            ):
                _sqlite_trigger(cursor, f"{LEARNER}_{event}", USER, when, _LEARNER_LANGUAGE)
        else:  # pragma: no cover - the project runs on PostgreSQL and SQLite only
            return
        for table, recount in ((FACTS, _FACTS_RECOUNT), (LEARNER, _LEARNER_RECOUNT)):
            if fresh:
                # A fresh file, where deleting every row would leave as many dead ones to
                # scan (a transaction with writes pending on it may not truncate it).
                cursor.execute(f"TRUNCATE {table}")
            else:
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a constant
            cursor.execute(recount)
            if db.vendor == "postgresql":
                # The planner's statistics, filled afresh.
                cursor.execute(f"ANALYZE {table}")
