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
