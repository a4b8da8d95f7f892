"""The schema and the store also run on a DuckLake catalog (the target for larger teams)."""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from experiments.db import Database
from experiments.errors import Conflict
from experiments.migrations import HEAD, current_version, schema_snapshot
from experiments.models import Decision
from experiments.store import Store
from tests.cli_runner import run_cli
from tests.factories import make_campaign, make_cycle, make_learning
from tests.postgres import Cluster

SNAPSHOT = Path(__file__).resolve().parent / "schema_snapshot.txt"


@pytest.fixture
def lake_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Database:
    monkeypatch.setenv("TRACKER_DATA_PATH", str(tmp_path / "data"))
    return Database.open(f"ducklake:{tmp_path / 'catalog.ducklake'}")


@pytest.fixture
def lake(lake_db: Database) -> Store:
    return Store(lake_db)


def test_migrations_build_the_same_schema_on_ducklake(lake_db: Database) -> None:
    assert current_version(lake_db.cursor()) == HEAD
    assert schema_snapshot(lake_db.cursor()) == SNAPSHOT.read_text()


def test_store_works_on_ducklake_and_checks_uniqueness_itself(lake: Store) -> None:
    campaign = make_campaign(lake, "Spring Sale")
    cycle = make_cycle(lake, campaign)
    learning = make_learning(lake, cycle)
    assert lake.decide_learning(learning.id, Decision.DROP).decision is Decision.DROP
    # No unique index on DuckLake: the store's own check inside the transaction refuses it.
    with pytest.raises(Conflict, match="^a campaign named 'spring sale' already exists"):
        make_campaign(lake, "spring sale")
    assert [c.name for c in lake.campaigns()] == ["Spring Sale"]
    assert len(lake.audit_log()) == 4


# ---------------------------------------------------------------- a catalog in PostgreSQL


def test_the_schema_and_the_store_work_on_a_catalog_in_postgresql(
    postgres: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DATA_PATH", str(tmp_path / "data"))
    target = postgres.lake_target()
    code, out, err = run_cli("--db", target, "init")
    assert (code, err) == (0, "")
    db = Database.open(target)
    try:
        assert schema_snapshot(db.cursor()) == SNAPSHOT.read_text()
        make_campaign(Store(db), "Spring Sale")
    finally:
        db.close()
    # A second process sees it: the catalog is the server's, not this process's.
    code, out, err = run_cli("--db", target, "campaign", "list", "--json")
    assert code == 0, err
    assert [c["name"] for c in json.loads(out)] == ["Spring Sale"]
    # The command line's backup reads it like a file's: every table as Parquet, one snapshot.
    code, out, err = run_cli("--db", target, "backup", str(tmp_path / "bk"), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["tables"] and (tmp_path / "bk" / "campaign.parquet").is_file()


def _no_postgres_wheel(monkeypatch: pytest.MonkeyPatch) -> None:
    # As on a machine that installed requirements.txt only: the import fails.
    monkeypatch.setitem(sys.modules, "duckdb_extension_postgres", None)


def _no_data_path(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_DATA_PATH", raising=False)


def _nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    pass


LAKE_REFUSALS = [
    pytest.param(
        "db",
        _no_postgres_wheel,
        "error: ducklake:postgres:{dsn} is a DuckLake catalog, but the duckdb-extension-postgres "
        "package is not installed, so its extension cannot be loaded. Nothing was written. "
        "Install the scale-out packages with pip install -r requirements-scale.txt and run the "
        "command again.\n",
        id="extension not installed",
    ),
    pytest.param(
        "db",
        _no_data_path,
        "error: ducklake:postgres:{dsn} keeps its catalog in PostgreSQL, but no folder for its "
        "data files is set. Nothing was written. Set TRACKER_DATA_PATH to a folder (or "
        "object-storage address) that every app server reaches, and run the command again.\n",
        id="no data folder",
    ),
    pytest.param(
        "closed",
        _nothing,
        "error: The PostgreSQL server that holds the catalog ducklake:postgres:{dsn} cannot be "
        "reached (Connection refused). Nothing was written. Start PostgreSQL, or correct host, "
        "port, user and dbname in --db (or $TRACKER_DB), and run the command again.\n",
        id="server not running",
    ),
    pytest.param(
        "password",
        _nothing,
        "error: The PostgreSQL server that holds the catalog ducklake:postgres:{dsn} cannot be "
        "reached ({reason}). Nothing was written. Start PostgreSQL, or correct host, "
        "port, user and dbname in --db (or $TRACKER_DB), and run the command again.\n",
        id="unknown database, password hidden",
    ),
]


@pytest.mark.parametrize(("where", "setup", "expected"), LAKE_REFUSALS)
def test_a_catalog_in_postgresql_that_cannot_be_attached_is_refused_in_one_line(
    postgres: Cluster,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
    setup: Callable[[pytest.MonkeyPatch], None],
    expected: str,
) -> None:
    monkeypatch.setenv("TRACKER_DATA_PATH", str(tmp_path / "data"))
    if where == "db":
        dsn = postgres.dsn(postgres.new_database())
    elif where == "closed":
        with socket.socket() as s:  # a port nothing listens on
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        dsn = f"dbname=t host=127.0.0.1 port={port} user=tracker"
    else:
        dsn = postgres.dsn("missing") + " password=s3cret"
    setup(monkeypatch)
    code, out, err = run_cli("--db", f"ducklake:postgres:{dsn}", "init")
    shown = dsn.replace("s3cret", "***")
    reason = 'FATAL:  database "missing" does not exist'
    assert (code, out) == (11, "")
    assert err == expected.format(dsn=shown, reason=reason)
    assert "s3cret" not in err
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").iterdir())
