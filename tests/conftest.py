"""Shared fixtures: a real DuckDB (in memory or in a temp file), never a mocked one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from experiments.db import Database
from experiments.store import Store
from tests.postgres import Cluster, postgres  # noqa: F401  (a fixture, shared by every test)

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def db() -> Iterator[Database]:
    database = Database.open(":memory:")
    yield database
    database.close()


@pytest.fixture
def store(db: Database) -> Store:
    return Store(db)


# Every place the store can keep its data. Test modules that must hold on each of them take
# ``any_db`` as their ``db``; the DuckLake case keeps its catalog in PostgreSQL.
TARGETS = ("memory", "file", "ducklake-postgres")


@pytest.fixture(params=TARGETS)
def any_db(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Database]:
    if request.param == "memory":
        target = ":memory:"
    elif request.param == "file":
        target = str(tmp_path / "tracker.duckdb")
    else:
        cluster: Cluster = request.getfixturevalue("postgres")
        monkeypatch.setenv("TRACKER_DATA_PATH", str(tmp_path / "lake-data"))
        target = cluster.lake_target()
    database = Database.open(target)
    yield database
    database.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file holding the demo workspace, built once per test session: building it
    takes seconds, copying the file takes milliseconds. Tests copy it, never open it."""
    from experiments.demo import load_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    database = Database.open(path)
    load_demo(Store(database))
    database.close()  # checkpoints: the one file holds everything, no write-ahead log is left
    assert not path.with_name(path.name + ".wal").exists()
    return path


def copy_demo(template: Path, path: Path) -> Path:
    """Copy the demo database file to ``path`` and return it."""
    shutil.copyfile(template, path)
    return path


@pytest.fixture
def demo_db(db_path: Path, demo_template: Path) -> Path:
    """The database file of $TRACKER_DB, holding the demo workspace (a copy of its own)."""
    return copy_demo(demo_template, db_path)


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database file, also set as $TRACKER_DB for the CLI and the pages."""
    path = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path
