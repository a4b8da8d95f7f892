"""The schema and the store also run on a DuckLake catalog (the target for larger teams)."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.db import Database
from experiments.errors import Conflict
from experiments.migrations import HEAD, current_version, schema_snapshot
from experiments.models import Decision
from experiments.store import Store
from tests.factories import make_campaign, make_cycle, make_learning

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
