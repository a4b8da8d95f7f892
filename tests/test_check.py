"""``check``: a healthy file is said to be healthy, read in full and left as it was; a damaged
one is named by table with what to do (the cases of trouble are in test_database_trouble)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import duckdb
import pytest

from experiments.errors import DatabaseCorrupt, NotFound
from experiments.migrations import HEAD
from tests import broken_databases as broken
from tests.cli_runner import run_cli


def table_rows(path: Path) -> dict[str, int]:
    conn = duckdb.connect(str(path), read_only=True)
    names = [n for (n,) in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
    rows = {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchall()[0][0] for n in names}
    conn.close()
    return rows


@pytest.mark.parametrize(
    "argv",
    [["--db", "{p}", "check"], ["check", "--db", "{p}"]],
    ids=["--db before check", "--db after check"],
)
def test_a_healthy_file_is_said_to_be_healthy_and_left_as_it_was(
    argv: list[str], tmp_path: Path, demo_template: Path
) -> None:
    path = broken.demo_copy(tmp_path / "tracker.duckdb", demo_template)
    before = broken.snapshot(tmp_path)
    code, out, err = run_cli(*[a.format(p=path) for a in argv])
    assert (code, err) == (0, "")
    rows = table_rows(path)
    assert re.fullmatch(
        rf"database {re.escape(str(path))} is healthy: schema version {HEAD}, {len(rows)} tables "
        rf"read in full \({sum(rows.values())} rows\), [\d.]+ [KM]iB\n",
        out,
    ), out
    assert broken.snapshot(tmp_path) == before


def test_check_json_lists_every_table_with_its_rows(tmp_path: Path, demo_template: Path) -> None:
    path = broken.demo_copy(tmp_path / "tracker.duckdb", demo_template)
    code, out, err = run_cli("--db", str(path), "check", "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert {t["table"]: t["rows"] for t in doc["tables"]} == table_rows(path)
    assert all(t["error"] is None for t in doc["tables"])
    assert (doc["healthy"], doc["problem"], doc["exit_code"]) == (True, None, 0)
    assert (doc["schema_version"], doc["known_schema_version"]) == (HEAD, HEAD)


def test_check_json_names_the_damaged_table_and_only_it(
    tmp_path: Path, demo_template: Path
) -> None:
    path = broken.damaged_table(tmp_path / "tracker.duckdb", demo_template)
    code, out, err = run_cli("--db", str(path), "check", "--json")
    assert code == DatabaseCorrupt.exit_code
    doc = json.loads(out)
    failed = {t["table"] for t in doc["tables"] if t["error"] is not None}
    assert failed == {"metric_fact"}
    assert doc["healthy"] is False and err == f"error: {doc['problem']}\n"
    assert doc["problem"].startswith(f"{path} is damaged: the data of metric_fact cannot be read")


def test_a_missing_file_is_not_created_by_check(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "tracker.duckdb"
    code, out, err = run_cli("--db", str(path), "check")
    assert (code, out) == (NotFound.exit_code, "")
    assert (
        err == f"error: there is no database at {path}; check the path, or create one with init\n"
    )
    assert not path.parent.exists()


def test_a_new_database_is_healthy(tmp_path: Path) -> None:
    path = tmp_path / "tracker.duckdb"
    assert run_cli("--db", str(path), "init")[0] == 0
    code, out, _ = run_cli("--db", str(path), "check", "--json")
    doc = json.loads(out)
    assert (code, doc["healthy"], doc["schema_version"]) == (0, True, HEAD)
    # Empty but for the one claim row every database has from its migrations (migration 10).
    rows = {t["table"]: t["rows"] for t in doc["tables"] if t["table"] != "schema_version"}
    assert rows.pop("write_claim") == 1
    assert set(rows.values()) == {0}
