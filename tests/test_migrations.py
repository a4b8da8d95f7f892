"""Schema migrations: empty → head, idempotent, atomic, snapshot, newer databases refused."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest

from experiments import goals
from experiments.db import Database, connect
from experiments.errors import SchemaError
from experiments.migrations import (
    HEAD,
    MIGRATIONS,
    VERSION_TABLE,
    Migration,
    current_version,
    migrate,
    schema_snapshot,
)
from experiments.models import Decision, FeedbackStatus, Phase, ScopeKind
from experiments.store import Store

SNAPSHOT = Path(__file__).resolve().parent / "schema_snapshot.txt"


def _tables(conn: duckdb.DuckDBPyConnection) -> set[str]:
    rows = conn.execute("SELECT table_name FROM information_schema.tables").fetchall()
    return {r[0] for r in rows}


def test_empty_database_migrates_to_head() -> None:
    conn = connect(":memory:")
    assert migrate(conn) == [m.version for m in MIGRATIONS]
    assert current_version(conn) == HEAD
    assert {"campaign", "cycle", "learning", "metric_fact", "audit"} <= _tables(conn)


def test_migrating_twice_is_a_no_op() -> None:
    conn = connect(":memory:")
    migrate(conn)
    before = schema_snapshot(conn)
    assert migrate(conn) == []
    assert schema_snapshot(conn) == before
    rows = conn.execute("SELECT count(*) FROM schema_version").fetchone()
    assert rows == (len(MIGRATIONS),)


def test_schema_equals_committed_snapshot() -> None:
    conn = connect(":memory:")
    migrate(conn)
    # To accept a new migration, regenerate with migrations.schema_snapshot and review the diff.
    assert schema_snapshot(conn) == SNAPSHOT.read_text()


def test_failing_migration_leaves_database_as_it_was() -> None:
    conn = connect(":memory:")
    migrate(conn)
    before = schema_snapshot(conn)
    broken = Migration(
        HEAD + 1, "broken", ("CREATE TABLE half_done (x INTEGER)", "CREATE TABL oops")
    )
    with pytest.raises(
        SchemaError, match=rf"^migration {HEAD + 1} \(broken\) failed and was rolled back"
    ):
        migrate(conn, MIGRATIONS + (broken,))
    assert current_version(conn) == HEAD
    assert "half_done" not in _tables(conn)
    assert schema_snapshot(conn) == before


def test_failing_first_migration_leaves_an_empty_database() -> None:
    conn = connect(":memory:")
    broken = Migration(1, "broken", ("CREATE TABLE half_done (x INTEGER)", "SELECT * FROM nowhere"))
    with pytest.raises(SchemaError):
        migrate(conn, (broken,))
    assert current_version(conn) == 0
    assert "half_done" not in _tables(conn)


def test_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "newer.duckdb"
    db = Database.open(path)
    db.conn.execute("INSERT INTO schema_version VALUES (?, 'from the future', now())", [HEAD + 5])
    db.close()
    with pytest.raises(SchemaError) as err:  # DatabaseTooNew is a SchemaError
        Database.open(path)
    assert str(err.value) == (
        f"{path} has schema version {HEAD + 5}, but this version of Launch & Learn understands "
        f"schema versions up to {HEAD} only. Nothing was written. Ask your admin to update "
        "Launch & Learn (git pull, then pip install -r requirements.txt) and restart the "
        "dashboard. The file itself is fine; keep it as it is."
    )


def test_unique_indexes_back_up_the_store_checks() -> None:
    conn = connect(":memory:")
    migrate(conn)
    now = "current_timestamp::TIMESTAMP"
    # The columns by name: later migrations add columns to campaign (its account currency).
    insert = (
        "INSERT INTO campaign (id, name, status, channels, audience, goal_ids, relationship_focus, "
        "budget, people_hours, competitive_context, success_measure, stakeholders, created_at, "
        f"updated_at) VALUES (uuid(), 'Same', 'active', [], '', [], NULL, NULL, NULL, "
        f"'', '', [], {now}, {now})"
    )
    conn.execute(insert)
    with pytest.raises(duckdb.ConstraintException):
        conn.execute(insert)


def test_a_lower_number_that_arrives_after_a_higher_one_is_still_applied() -> None:
    # Work done side by side: a database already at 7 (test plans) that was made without 6
    # (responsibilities) still gets 6, once, and lands on the snapshot.
    conn = connect(":memory:")
    without_6 = tuple(m for m in MIGRATIONS if m.version != 6)
    assert without_6[-1].version > 6
    migrate(conn, without_6)
    assert migrate(conn) == [6]
    assert migrate(conn) == []
    assert current_version(conn) == HEAD
    assert schema_snapshot(conn) == SNAPSHOT.read_text()


def test_without_indexes_the_schema_is_the_same() -> None:
    # DuckLake has no indexes: the tables must not depend on them.
    with_idx, without = connect(":memory:"), connect(":memory:")
    migrate(with_idx)
    migrate(without, indexes=False)
    assert schema_snapshot(with_idx) == schema_snapshot(without)


def test_a_database_with_data_walks_to_head_and_goal_scopes_become_ids(tmp_path: Path) -> None:
    """Migration 3: goals that named their campaign by name now name it by id; the rest stays."""
    path = tmp_path / "v2.duckdb"
    conn = connect(str(path))
    migrate(conn, MIGRATIONS[:2])
    now = "current_timestamp::TIMESTAMP"
    sale, care = "0a1b2c3d-0000-4000-8000-000000000001", "0a1b2c3d-0000-4000-8000-000000000002"
    for cid, name in [(sale, "Spring Sale"), (care, "Community Care")]:
        conn.execute(
            f"INSERT INTO campaign VALUES (?, ?, 'active', [], '', [], NULL, NULL, NULL, '', '', "
            f"[], {now}, {now})",
            [cid, name],
        )
    goals = [  # name, scope kind, scope value as an older version stored it
        ("By name", "campaign", "Spring Sale"),
        ("By name in another case", "campaign", " spring SALE"),
        ("By id", "campaign", care),
        ("Campaign not there yet", "campaign", "Autumn"),
        ("On a channel", "channel", "Spring Sale"),
        ("Everywhere", "all", None),
    ]
    for name, kind, value in goals:
        conn.execute(
            "INSERT INTO goal VALUES (uuid(), ?, 'leads', 'at_least', 100, NULL, NULL, NULL, ?, "
            f"?, '', '', {now}, {now})",
            [name, kind, value],
        )
    conn.close()

    db = Database.open(path)  # opening migrates to the head
    assert current_version(db.conn) == HEAD
    stored = dict(db.conn.execute("SELECT name, scope_value FROM goal").fetchall())
    assert stored == {
        "By name": sale,
        "By name in another case": sale,
        "By id": care,
        "Campaign not there yet": "Autumn",
        "On a channel": "Spring Sale",
        "Everywhere": None,
    }
    assert db.conn.execute("SELECT count(*) FROM campaign").fetchone() == (2,)
    db.close()


# A version-1 database as the first release wrote it: one row (or a few) in every table, with
# the values a real workspace holds. Written as SQL because today's store writes today's schema.
CAMPAIGN, GOAL, IMPORT = (uuid.UUID(int=n) for n in (1, 2, 3))
CYCLE_1, CYCLE_2, LEARNING, FEEDBACK, OPTIMIZATION, MAPPING, AUDIT = (
    uuid.UUID(int=n) for n in range(10, 17)
)
AT = datetime(2026, 3, 1, 9, 30)
V1_ROWS: tuple[tuple[str, str, list[object]], ...] = (
    ("app_user", "(username, display_name, role, created_at)", ["lena", "Lena", "marketer", AT]),
    ("goal", "(id, name, metric, comparator, target, baseline, period_start, period_end, "
     "scope_kind, scope_value, owner, objective, created_at, updated_at)",
     [GOAL, "Clicks in March", "clicks", "at_least", 300.0, 150.0, date(2026, 3, 1),
      date(2026, 3, 30), "campaign", str(CAMPAIGN), "Lena", "More shop visits", AT, AT]),
    ("campaign", "(id, name, status, channels, audience, goal_ids, relationship_focus, budget, "
     "people_hours, competitive_context, success_measure, stakeholders, created_at, updated_at)",
     [CAMPAIGN, "Spring Sale", "active", ["Meta"], "Gardeners", [GOAL], "new", 5000.0, 40.0,
      "Garden centres", "Orders", ["Sales"], AT, AT]),
    ("campaign_alias", "(campaign_id, platform, name)", [CAMPAIGN, "meta", "SPR"]),
    ("cycle", "(id, campaign_id, number, phase, start_date, end_date, hypothesis, "
     "planned_changes, budget, previous_id, went_live, channels, start_at, campaign_at, "
     "feedback_at, optimization_at, closed_at, created_at)",
     [CYCLE_1, CAMPAIGN, 1, "closed", date(2026, 3, 1), date(2026, 3, 10), "Short copy wins",
      "Two headlines", 2000.0, None, "", ["Meta"], AT, AT, AT, AT, AT, AT]),
    ("cycle", "(id, campaign_id, number, phase, start_date, end_date, hypothesis, "
     "planned_changes, budget, previous_id, went_live, channels, start_at, campaign_at, "
     "feedback_at, optimization_at, closed_at, created_at)",
     [CYCLE_2, CAMPAIGN, 2, "campaign", date(2026, 3, 11), date(2026, 3, 20),
      "Free shipping lifts orders", "Shipping banner", 3000.0, CYCLE_1, "", ["Meta"], AT, AT,
      None, None, None, AT]),
    ("feedback", "(id, cycle_id, source, kind, text, status, goal_id, optimization_id, "
     "created_at, updated_at)",
     [FEEDBACK, CYCLE_1, "comments", "criticism", "Shipping costs were a surprise", "addressed",
      None, OPTIMIZATION, AT, AT]),
    ("optimization", "(id, cycle_id, what, why, learning_ids, feedback_ids, owner, status, "
     "created_at, updated_at)",
     [OPTIMIZATION, CYCLE_1, "Show shipping costs early", "Criticism in the comments",
      [LEARNING], [FEEDBACK], "Lena", "planned", AT, AT]),
    ("learning", "(id, cycle_id, statement, evidence, evidence_snapshot, confidence, tags, "
     "decision, decided_at, carried_into_id, applied, applied_reason, outcome, created_at, "
     "updated_at)",
     [LEARNING, CYCLE_1, "Short copy wins on Meta", "CTR 1.0% → 2.0%", None, "high", ["copy"],
      "carry_forward", AT, CYCLE_2, True, "", None, AT, AT]),
    ("import", "(id, file_name, sha256, platform, actor, imported_at, rows, new_rows, "
     "replaced_rows, unchanged_rows, skipped_rows, date_min, date_max, status)",
     [IMPORT, "meta.csv", "ab" * 32, "meta", "lena", AT, 20, 20, 0, 0, 0, date(2026, 3, 1),
      date(2026, 3, 20), "imported"]),
    ("column_mapping", "(id, name, signature, mapping, options, created_at)",
     [MAPPING, "Shop", '["Tag", "Kampagne", "Klicks"]',
      '{"Tag": "date", "Kampagne": "source_campaign", "Klicks": "clicks"}',
      '{"number_style": "de", "day_first": true}', AT]),
    ("audit", "(id, happened_at, actor, entity, entity_id, action, before_json, after_json)",
     [AUDIT, AT, "lena", "campaign", str(CAMPAIGN), "create", None, '{"name": "Spring Sale"}']),
)  # fmt: skip


def _v1_database(path: Path) -> duckdb.DuckDBPyConnection:
    """A database file at schema version 1 holding V1_ROWS and 20 days of Meta facts."""
    conn = connect(path)
    migrate(conn, MIGRATIONS[:1])
    for table, columns, values in V1_ROWS:
        marks = ", ".join("?" * len(values))
        conn.execute(f'INSERT INTO "{table}" {columns} VALUES ({marks})', values)
    conn.execute(
        "INSERT INTO metric_fact (import_id, platform, source_campaign, variant, date, spend, "
        "impressions, clicks, extra) SELECT ?, 'meta', 'SPR', '', DATE '2026-03-01' + d::INT, "
        "12.5, 1000, 10 + (d >= 10)::INT * 10, MAP {'Ergebnisindikator': 'link_click'} "
        "FROM range(20) t(d)",
        [IMPORT],
    )
    return conn


def _contents(
    conn: duckdb.DuckDBPyConnection, columns: dict[str, list[str]]
) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the given tables, read through the given columns only, in a stable order."""
    contents = {}
    for table, cols in columns.items():
        quoted = ", ".join(f'"{c}"' for c in cols)
        contents[table] = conn.execute(f'SELECT {quoted} FROM "{table}" ORDER BY ALL').fetchall()
    return contents


def test_a_version_1_database_with_data_walks_to_head_keeping_its_data(tmp_path: Path) -> None:
    path = tmp_path / "v1.duckdb"
    conn = _v1_database(path)
    v1_columns: dict[str, list[str]] = {}
    for table, column in conn.execute(
        "SELECT table_name, column_name FROM information_schema.columns "
        f"WHERE table_schema = 'main' AND table_name <> '{VERSION_TABLE}' "
        "ORDER BY table_name, ordinal_position"
    ).fetchall():
        v1_columns.setdefault(table, []).append(column)
    before = _contents(conn, v1_columns)
    assert all(before.values()), "every version-1 table holds data"
    assert len(before["metric_fact"]) == 20

    # One migration at a time: after each, every version-1 row reads back unchanged.
    for step in range(1, len(MIGRATIONS)):
        assert migrate(conn, MIGRATIONS[: step + 1]) == [MIGRATIONS[step].version]
        assert current_version(conn) == MIGRATIONS[step].version
        assert _contents(conn, v1_columns) == before, MIGRATIONS[step].name
    conn.close()

    # At the head, today's store reads the old workspace as it was written.
    db = Database.open(path)
    try:
        assert current_version(db.conn) == HEAD
        store = Store(db)
        (campaign,) = store.campaigns()
        assert (campaign.id, campaign.name, campaign.goal_ids, campaign.budget) == (
            CAMPAIGN, "Spring Sale", (GOAL,), 5000.0
        )  # fmt: skip
        assert [(a.name, a.platform) for a in campaign.aliases] == [("SPR", "meta")]
        cycles = store.cycles(CAMPAIGN)
        assert [(c.number, c.phase, c.previous_id) for c in cycles] == [
            (1, Phase.CLOSED, None), (2, Phase.CAMPAIGN, CYCLE_1)
        ]  # fmt: skip
        (learning,) = store.learnings(cycle_id=CYCLE_1)
        assert (learning.decision, learning.carried_into_id, learning.applied) == (
            Decision.CARRY_FORWARD, CYCLE_2, True
        )  # fmt: skip
        assert [f.status for f in store.feedback(CYCLE_1)] == [FeedbackStatus.ADDRESSED]
        assert [o.learning_ids for o in store.optimizations(CYCLE_1)] == [(LEARNING,)]
        (record,) = store.imports()
        assert (record.id, record.rows, record.status) == (IMPORT, 20, "imported")
        assert store.fact_count() == 20
        # Migration 5: every fact an older version stored is a daily one, its period its day.
        daily = "SELECT count(*) FROM metric_fact WHERE date_to = date"
        assert db.conn.execute(daily).fetchone() == (20,)
        assert [m.name for m in store.mappings()] == ["Shop"]
        assert [u.username for u in store.users()] == ["lena"]
        # The facts still belong to the campaign's cycles through its alias: 10 a day, then 20.
        metrics = {m.number: m.values for m in store.cycle_metrics()}
        assert metrics[1]["clicks"] == 100 and metrics[2]["clicks"] == 200
        (g,) = store.goals()
        assert (g.id, g.scope_kind, g.scope_value) == (GOAL, ScopeKind.CAMPAIGN, str(CAMPAIGN))
        assert goals.goal_progress(store, g, date(2026, 3, 20)).actual == 300
    finally:
        db.close()
