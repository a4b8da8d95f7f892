"""Shared fixtures: a real DuckDB (in memory or in a temp file), never a mocked one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from experiments.db import Database
from experiments.store import Store

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


@pytest.fixture
def demo_db(db_path: Path) -> Path:
    """The database file of $TRACKER_DB, holding the demo workspace."""
    from experiments.demo import load_demo

    database = Database.open(db_path)
    load_demo(Store(database))
    database.close()
    return db_path


@pytest.fixture
def db_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh database file, also set as $TRACKER_DB for the CLI and the pages."""
    path = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", str(path))
    return path
