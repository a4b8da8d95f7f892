"""Moving a team's database to another storage: every table, one transaction, checked."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from experiments.db import Database
from experiments.store import Store
from tests.cli_runner import run_cli
from tests.factories import make_campaign, row_counts
from tests.postgres import Cluster


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def content(db: Database) -> dict[str, int]:
    return {t: n for t, n in row_counts(db).items() if t != "write_claim"}


@pytest.fixture
def lake_target(postgres: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TRACKER_DATA_PATH", str(tmp_path / "lake-data"))
    return postgres.lake_target()


@pytest.mark.parametrize("to", ["ducklake-postgres", "file"])
def test_the_demo_moves_whole_and_the_source_stays_as_it_was(
    demo_db: Path, tmp_path: Path, lake_target: str, to: str
) -> None:
    target = lake_target if to == "ducklake-postgres" else str(tmp_path / "moved.duckdb")
    source = Database.open(demo_db)
    expected = content(source)
    source.close()
    before = sha(demo_db)
    code, out, err = run_cli("migrate-storage", "--from", str(demo_db), "--to", target, "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert sha(demo_db) == before  # opened read-only: not a byte changed
    assert {t: v["source_rows"] for t, v in doc["tables"].items()} == expected
    moved = Database.open(target)
    try:
        # Every table holds what the source held; the audit also records the move itself.
        assert content(moved) == {**expected, "audit": expected["audit"] + 1}
        last = Store(moved).audit_log()[0]
        assert (last.entity, last.entity_id, last.action) == ("database", str(demo_db), "restore")
        assert [c.name for c in Store(moved).campaigns()] == [
            c.name for c in Store(Database.open(demo_db)).campaigns()
        ]
    finally:
        moved.close()


def _filled(target: str) -> None:
    db = Database.open(target)
    make_campaign(Store(db), "Already here")
    db.close()


MOVE_REFUSALS = [
    pytest.param(
        "demo",
        "filled",
        "error: the target {to} already holds data (audit (1), campaign (1)); a move goes only "
        "into an empty database: name a new one with --to\n",
        2,
        id="target not empty",
    ),
    pytest.param(
        "demo",
        "same",
        "error: --from and --to name the same database; name a new target with --to\n",
        2,
        id="same database",
    ),
    pytest.param(
        ":memory:",
        "new",
        "error: :memory: cannot be moved from: name the DuckDB file the team uses now (by default "
        "data/tracker.duckdb) with --from\n",
        2,
        id="source in memory",
    ),
    pytest.param(
        "missing",
        "new",
        "error: there is no database at {src}; check the path, or create one with init\n",
        3,
        id="source missing",
    ),
]


@pytest.mark.parametrize(("src_kind", "to_kind", "expected", "exit_code"), MOVE_REFUSALS)
def test_a_move_that_cannot_be_done_is_refused_and_writes_nothing(
    demo_db: Path, tmp_path: Path, src_kind: str, to_kind: str, expected: str, exit_code: int
) -> None:
    src = {"demo": str(demo_db), ":memory:": ":memory:",
           "missing": str(tmp_path / "missing.duckdb")}[src_kind]  # fmt: skip
    to = str(demo_db) if to_kind == "same" else str(tmp_path / "target.duckdb")
    if to_kind == "filled":
        _filled(to)
    before = sha(demo_db)
    counts = None
    if to_kind == "filled":
        db = Database.open(to)
        counts = row_counts(db)
        db.close()
    code, out, err = run_cli("migrate-storage", "--from", src, "--to", to)
    assert (code, out) == (exit_code, "")
    assert err == expected.format(to=to, src=src)
    assert sha(demo_db) == before
    if counts is not None:
        db = Database.open(to)
        assert row_counts(db) == counts
        db.close()
    assert not (tmp_path / "missing.duckdb").exists()
