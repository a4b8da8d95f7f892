"""Schema migrations: empty → head, idempotent, atomic, snapshot, newer databases refused."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from experiments.db import Database, connect
from experiments.errors import SchemaError
from experiments.migrations import (
    HEAD,
    MIGRATIONS,
    Migration,
    current_version,
    migrate,
    schema_snapshot,
)

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
    with pytest.raises(SchemaError) as err:
        Database.open(path)
    assert str(err.value) == (
        f"this database has schema version {HEAD + 5}, newer than this version of Launch & "
        f"Learn understands (up to {HEAD}); update Launch & Learn (git pull, then "
        "pip install -r requirements.txt) before opening it"
    )


def test_unique_indexes_back_up_the_store_checks() -> None:
    conn = connect(":memory:")
    migrate(conn)
    now = "current_timestamp::TIMESTAMP"
    insert = (
        "INSERT INTO campaign VALUES (uuid(), 'Same', 'active', [], '', [], NULL, NULL, NULL, "
        f"'', '', [], {now}, {now})"
    )
    conn.execute(insert)
    with pytest.raises(duckdb.ConstraintException):
        conn.execute(insert)


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
