"""Numbered schema migrations, each applied in one transaction together with its record.

A shipped migration is never edited: a schema change is a new entry at the end of MIGRATIONS.
The schema keeps to what DuckLake also runs (no sequences, no primary or foreign keys, no
defaults): ids come from the store, and uniqueness is checked by the store inside the write
transaction. Where the target supports it, the same uniqueness is declared as a unique index too.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from experiments.db import corruption
from experiments.errors import DatabaseTooNew, NotATrackerDatabase, SchemaError
from experiments.sql_params import execute

VERSION_TABLE = "schema_version"

# Canonical base metrics: one nullable DOUBLE column each in metric_fact. The order here is the
# column order; counts are DOUBLE too because platforms report fractional conversions.
BASE_METRICS_V1: tuple[str, ...] = (
    "spend",
    "impressions",
    "reach",
    "clicks",
    "conversions",
    "leads",
    "revenue",
    "sessions",
    "engaged_sessions",
    "recipients",
    "deliveries",
    "opens",
    "unsubscribes",
    "engagements",
    "video_views",
    "replies",
    "replied_within_1h",
    "response_time_s",
)


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    name: str
    statements: tuple[str, ...]
    # Declared only where the target supports indexes (plain DuckDB files, not DuckLake).
    indexes: tuple[str, ...] = ()


_FACT_METRICS = ",\n    ".join(f"{m} DOUBLE" for m in BASE_METRICS_V1)

M1 = Migration(
    1,
    "domain model",
    (
        """CREATE TABLE app_user (
    username VARCHAR NOT NULL,
    display_name VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE goal (
    id UUID NOT NULL,
    name VARCHAR NOT NULL,
    metric VARCHAR NOT NULL,
    comparator VARCHAR NOT NULL,
    target DOUBLE NOT NULL,
    baseline DOUBLE,
    period_start DATE,
    period_end DATE,
    scope_kind VARCHAR NOT NULL,
    scope_value VARCHAR,
    owner VARCHAR NOT NULL,
    objective VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE campaign (
    id UUID NOT NULL,
    name VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    channels VARCHAR[] NOT NULL,
    audience VARCHAR NOT NULL,
    goal_ids UUID[] NOT NULL,
    relationship_focus VARCHAR,
    budget DOUBLE,
    people_hours DOUBLE,
    competitive_context VARCHAR NOT NULL,
    success_measure VARCHAR NOT NULL,
    stakeholders VARCHAR[] NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE campaign_alias (
    campaign_id UUID NOT NULL,
    platform VARCHAR,
    name VARCHAR NOT NULL
)""",
        """CREATE TABLE cycle (
    id UUID NOT NULL,
    campaign_id UUID NOT NULL,
    number INTEGER NOT NULL,
    phase VARCHAR NOT NULL,
    start_date DATE,
    end_date DATE,
    hypothesis VARCHAR NOT NULL,
    planned_changes VARCHAR NOT NULL,
    budget DOUBLE,
    previous_id UUID,
    went_live VARCHAR NOT NULL,
    channels VARCHAR[] NOT NULL,
    start_at TIMESTAMP,
    campaign_at TIMESTAMP,
    feedback_at TIMESTAMP,
    optimization_at TIMESTAMP,
    closed_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE feedback (
    id UUID NOT NULL,
    cycle_id UUID NOT NULL,
    source VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    goal_id UUID,
    optimization_id UUID,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE optimization (
    id UUID NOT NULL,
    cycle_id UUID NOT NULL,
    what VARCHAR NOT NULL,
    why VARCHAR NOT NULL,
    learning_ids UUID[] NOT NULL,
    feedback_ids UUID[] NOT NULL,
    owner VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE learning (
    id UUID NOT NULL,
    cycle_id UUID NOT NULL,
    statement VARCHAR NOT NULL,
    evidence VARCHAR NOT NULL,
    evidence_snapshot VARCHAR,
    confidence VARCHAR,
    tags VARCHAR[] NOT NULL,
    decision VARCHAR NOT NULL,
    decided_at TIMESTAMP,
    carried_into_id UUID,
    applied BOOLEAN,
    applied_reason VARCHAR NOT NULL,
    outcome VARCHAR,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE import (
    id UUID NOT NULL,
    file_name VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    platform VARCHAR NOT NULL,
    actor VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    rows BIGINT NOT NULL,
    new_rows BIGINT NOT NULL,
    replaced_rows BIGINT NOT NULL,
    unchanged_rows BIGINT NOT NULL,
    skipped_rows BIGINT NOT NULL,
    date_min DATE,
    date_max DATE,
    status VARCHAR NOT NULL
)""",
        f"""CREATE TABLE metric_fact (
    import_id UUID NOT NULL,
    platform VARCHAR NOT NULL,
    source_campaign VARCHAR NOT NULL,
    variant VARCHAR NOT NULL,
    date DATE NOT NULL,
    {_FACT_METRICS},
    extra MAP(VARCHAR, VARCHAR)
)""",
        """CREATE TABLE column_mapping (
    id UUID NOT NULL,
    name VARCHAR NOT NULL,
    signature VARCHAR NOT NULL,
    mapping VARCHAR NOT NULL,
    options VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL
)""",
        """CREATE TABLE audit (
    id UUID NOT NULL,
    happened_at TIMESTAMP NOT NULL,
    actor VARCHAR NOT NULL,
    entity VARCHAR NOT NULL,
    entity_id VARCHAR NOT NULL,
    action VARCHAR NOT NULL,
    before_json VARCHAR,
    after_json VARCHAR
)""",
    ),
    indexes=(
        "CREATE UNIQUE INDEX campaign_name_uq ON campaign (name)",
        "CREATE UNIQUE INDEX cycle_number_uq ON cycle (campaign_id, number)",
        "CREATE UNIQUE INDEX import_sha_uq ON import (sha256)",
        "CREATE UNIQUE INDEX app_user_uq ON app_user (username)",
        "CREATE INDEX fact_campaign_date ON metric_fact (source_campaign, date)",
    ),
)

# Undo of an import gives back the facts it replaced, so replaced facts are kept aside (one full
# copy of the row as it was, and the import that replaced it). A migration that adds a base metric
# adds its column to both tables. Undone imports keep their record (status 'undone') and their
# bytes may be imported again, so sha256 is indexed but no longer unique; the store checks it.
# The (source_campaign, date) index goes: DuckDB 1.5's planner never uses it for the app's fact
# queries (EXPLAIN shows sequential scans with zone-map filters), while keeping it up to date
# made a 1,000,000-row import about a second slower (insert plus checkpoint) and it sits in memory.
_REPLACED_METRICS = ",\n    ".join(f"{m} DOUBLE" for m in BASE_METRICS_V1)

M2 = Migration(
    2,
    "replaced facts for undo",
    (
        f"""CREATE TABLE metric_fact_replaced (
    replaced_by UUID NOT NULL,
    import_id UUID NOT NULL,
    platform VARCHAR NOT NULL,
    source_campaign VARCHAR NOT NULL,
    variant VARCHAR NOT NULL,
    date DATE NOT NULL,
    {_REPLACED_METRICS},
    extra MAP(VARCHAR, VARCHAR)
)""",
    ),
    indexes=(
        "DROP INDEX IF EXISTS import_sha_uq",
        "CREATE INDEX import_sha ON import (sha256)",
        "DROP INDEX IF EXISTS fact_campaign_date",
    ),
)

# Goals scoped to a campaign were kept by the campaign's name when the goal came first (the demo
# creates goals before their campaigns); every reader then guessed between id and name, and the
# goals page guessed wrong. Each such scope now holds the id of the campaign of that name (any
# case); a name no campaign has stays as it is. A data rewrite only: the schema is unchanged.
M3 = Migration(
    3,
    "goal scopes name campaigns by id",
    (
        """UPDATE goal SET scope_value = (
    SELECT CAST(c.id AS VARCHAR) FROM campaign c
    WHERE lower(c.name) = lower(trim(goal.scope_value)) LIMIT 1)
WHERE scope_kind = 'campaign' AND scope_value IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM campaign c WHERE CAST(c.id AS VARCHAR) = lower(goal.scope_value))
    AND EXISTS (SELECT 1 FROM campaign c WHERE lower(c.name) = lower(trim(goal.scope_value)))""",
    ),
)

# Team mode signs people in with a password (a bcrypt hash; the text itself is never stored) and
# an admin deactivates a member instead of deleting them, so the audit keeps their name.
M4 = Migration(
    4,
    "team sign-in",
    (
        "ALTER TABLE app_user ADD COLUMN password_hash VARCHAR",
        # No DEFAULT: DuckLake adds a column only with a literal one, and the store writes both.
        "ALTER TABLE app_user ADD COLUMN active BOOLEAN",
        "UPDATE app_user SET active = true",
    ),
)

# A fact covers a period: ``date`` is its first day and ``date_to`` its last (a daily fact has
# both equal), so exports of "the last 14 days by campaign" are kept as they came instead of
# refused. Existing facts are daily. No DEFAULT: DuckLake adds a column only with a literal one,
# so the values are set by an UPDATE and the store writes both columns from now on.
M5 = Migration(
    5,
    "facts cover a period",
    (
        "ALTER TABLE metric_fact ADD COLUMN date_to DATE",
        "UPDATE metric_fact SET date_to = date",
        "ALTER TABLE metric_fact_replaced ADD COLUMN date_to DATE",
        "UPDATE metric_fact_replaced SET date_to = date",
    ),
)

# Responsibilities: a pending learning, an open criticism and a planned optimization each get a
# member who answers for it (a username, checked by the store against the active users) and an
# optional due date. The optimization's older ``owner`` stays as the free text it always was.
# Comments hold the usernames they mention, so a mention is found without reading every text.
# Number 5 belongs to the period facts; this one reads and writes none of their columns.
M6 = Migration(
    6,
    "responsibilities and comments",
    (
        *(
            f"ALTER TABLE {table} ADD COLUMN {column} {kind}"
            for table in ("learning", "feedback", "optimization")
            for column, kind in (("assignee", "VARCHAR"), ("due_date", "DATE"))
        ),
        """CREATE TABLE comment (
    id UUID NOT NULL,
    target VARCHAR NOT NULL,
    target_id UUID NOT NULL,
    author VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    mentions VARCHAR[] NOT NULL,
    created_at TIMESTAMP NOT NULL
)""",
    ),
)

# What a cycle tests, declared before its campaign runs: its primary metric (with the direction
# and the smallest change worth acting on), guardrail metrics, and whether its variants are a
# randomized split (a platform's A/B test) rather than segments that merely differ.
M7 = Migration(
    7,
    "test plans",
    (
        "ALTER TABLE cycle ADD COLUMN primary_metric VARCHAR",
        "ALTER TABLE cycle ADD COLUMN primary_direction VARCHAR",
        "ALTER TABLE cycle ADD COLUMN min_effect DOUBLE",
        "ALTER TABLE cycle ADD COLUMN guardrails VARCHAR[]",
        "ALTER TABLE cycle ADD COLUMN randomized BOOLEAN",
        "UPDATE cycle SET randomized = false",
    ),
)

# Ad-level and breakdown exports: a fact's segment ("Age=18-24 · Gender=female", or the ids that
# tell apart ads of one name) is part of its key, so a breakdown's rows are facts of their own
# instead of repeated rows. ``breakdown`` names the file's segment columns ("Age · Gender"): one
# campaign's days are never counted once with and once without a breakdown (the store refuses
# the second file). Existing facts have neither ('' for both). No DEFAULT, as in migration 5.
M8 = Migration(
    8,
    "segments of facts",
    # Both columns of a table before its one UPDATE: DuckDB refuses to alter a table again in
    # the transaction that has updated it.
    tuple(
        statement
        for table in ("metric_fact", "metric_fact_replaced")
        for statement in (
            f"ALTER TABLE {table} ADD COLUMN segment VARCHAR",
            f"ALTER TABLE {table} ADD COLUMN breakdown VARCHAR",
            f"UPDATE {table} SET segment = '', breakdown = ''",
        )
    ),
)

# Money comes in the currency of the ad account that spent it. Each fact keeps the ISO 4217 code
# its export named (in a header like 'Amount spent (IDR)' or a currency column; NULL: the export
# named none, and the campaign's account currency is assumed). A campaign may hold its account
# currency (NULL: the first import that names one decides). Rates per currency and month, entered
# by an admin, let facts of different currencies be added up; without them they never are.
M9 = Migration(
    9,
    "currencies",
    (
        "ALTER TABLE metric_fact ADD COLUMN currency VARCHAR",
        "ALTER TABLE metric_fact_replaced ADD COLUMN currency VARCHAR",
        "ALTER TABLE campaign ADD COLUMN currency VARCHAR",
        """CREATE TABLE fx_rate (
    currency VARCHAR NOT NULL,
    month DATE NOT NULL,
    into_currency VARCHAR NOT NULL,
    rate DOUBLE NOT NULL,
    set_by VARCHAR NOT NULL,
    set_at TIMESTAMP NOT NULL
)""",
    ),
)

# Several processes write a DuckLake catalog, which has no unique indexes: a write that first
# checks a name is free (a campaign, a user, an import's bytes) also changes this one row, so
# that of two such writes at once DuckLake commits one and refuses the other (BaseStore._claim).
# A DuckDB file never uses it (unique indexes and one writing process), but has it too: every
# target holds the same schema.
M10 = Migration(
    10,
    "one claim row for writes that need a name free",
    (
        "CREATE TABLE write_claim (n BIGINT NOT NULL)",
        "INSERT INTO write_claim VALUES (0)",
    ),
)

# Base metrics added after the first schema, each a nullable DOUBLE column of metric_fact (and of
# metric_fact_replaced), appended in this order: new followers a day and page views, from
# LinkedIn page analytics' Followers and Visitors exports.
BASE_METRICS_V12: tuple[str, ...] = ("new_followers", "page_views")

M12 = Migration(
    12,
    "new followers and page views",
    tuple(
        f"ALTER TABLE {table} ADD COLUMN {m} DOUBLE"
        for table in ("metric_fact", "metric_fact_replaced")
        for m in BASE_METRICS_V12
    ),
)

# Meta's result indicator ('Purchases', 'Link clicks' …) of each fact, as its export wrote it: a
# column of its own instead of an entry in every row's extra map (a map per row cost a fifth of
# a million-row import). Facts imported before keep it in extra under the file's label.
M13 = Migration(
    13,
    "result type of facts",
    tuple(
        f"ALTER TABLE {table} ADD COLUMN result_type VARCHAR"
        for table in ("metric_fact", "metric_fact_replaced")
    ),
)

MIGRATIONS: tuple[Migration, ...] = (M1, M2, M3, M4, M5, M6, M7, M8, M9, M10, M12, M13)
HEAD = MIGRATIONS[-1].version


def current_version(conn: duckdb.DuckDBPyConnection) -> int:
    """Return the schema version recorded in the database, 0 for an empty one."""
    exists = execute(
        conn, "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [VERSION_TABLE]
    ).fetchone()
    if not exists or not exists[0]:
        return 0
    row = conn.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def foreign(conn: duckdb.DuckDBPyConnection) -> bool:
    """Return True when the database holds tables but no schema version: another program's."""
    row = execute(
        conn,
        "SELECT count(*) FILTER (WHERE table_name = ?), count(*) FROM duckdb_tables() "
        "WHERE database_name = current_database()",
        [VERSION_TABLE],
    ).fetchone()
    return bool(row and row[0] == 0 and row[1] > 0)


def migrate(
    conn: duckdb.DuckDBPyConnection,
    migrations: tuple[Migration, ...] = MIGRATIONS,
    *,
    indexes: bool = True,
    name: str = "the database",
) -> list[int]:
    """Apply the missing migrations, each in its own transaction; return their versions.
    ``name`` is the database as messages name it (its path)."""
    if foreign(conn):
        # Refused before anything is created: our tables do not belong in another's file.
        raise NotATrackerDatabase(name, "foreign")
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS {VERSION_TABLE} "
        "(version INTEGER NOT NULL, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    version = current_version(conn)
    head = migrations[-1].version if migrations else 0
    if version > head:
        raise DatabaseTooNew(name, "schema", found=version, known=head)
    # Each migration is applied once by its own record, not by the highest number: numbers are
    # taken by work done side by side, so a lower one (6) can reach a database that already has
    # a higher one (7). Such migrations touch none of each other's columns.
    done = {int(r[0]) for r in conn.execute(f"SELECT version FROM {VERSION_TABLE}").fetchall()}
    applied = []
    for m in migrations:
        if m.version in done:
            continue
        conn.begin()
        try:
            for statement in m.statements + (m.indexes if indexes else ()):
                conn.execute(statement)
            execute(
                conn,
                f"INSERT INTO {VERSION_TABLE} VALUES (?, ?, current_timestamp::TIMESTAMP)",
                [m.version, m.name],
            )
        except duckdb.Error as e:
            conn.rollback()
            if damaged := corruption(e, name, "start"):
                raise damaged from e
            raise SchemaError(
                f"migration {m.version} ({m.name}) failed and was rolled back: {e}"
            ) from e
        conn.commit()
        applied.append(m.version)
    return applied


def schema_snapshot(conn: duckdb.DuckDBPyConnection) -> str:
    """Return the tables and columns of the main schema as stable text, for the snapshot test."""
    rows = conn.execute(
        "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns "
        "WHERE table_schema = 'main' ORDER BY table_name, ordinal_position"
    ).fetchall()
    lines = []
    for table, column, dtype, nullable in rows:
        lines.append(f"{table}.{column} {dtype}{'' if nullable == 'YES' else ' NOT NULL'}")
    return "\n".join(lines) + "\n"
