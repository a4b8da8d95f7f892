"""The command line lets an import append a file's rows in any order (facts have none) and gives
the setting back, imported or refused; a server's sessions share one DuckDB instance, whose
setting is global, so there an import never touches it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from experiments.db import Database
from experiments.errors import ImportFormatError
from experiments.importers import service
from experiments.store import Store, facts
from tests import sql

HEADER = "Campaign name,Reporting starts,Reporting ends,Amount spent (EUR),Impressions\n"
ROWS = "".join(f"Spring,2026-11-{d:02d},2026-11-{d:02d},{d}.50,{d * 100}\n" for d in range(1, 29))
SETTING = "preserve_insertion_order"


@pytest.fixture
def db(any_db: Database) -> Database:
    # The same on every target, DuckLake included.
    return any_db


@pytest.fixture(params=[False, True], ids=["server", "command-line"])
def unordered(request: pytest.FixtureRequest) -> Iterator[bool]:
    facts.append_unordered(request.param)
    yield request.param
    facts.append_unordered(False)


def order_kept(db: Database) -> bool:
    row = sql.one(db, f"SELECT current_setting('{SETTING}')")
    assert row is not None
    return bool(row[0])


@pytest.mark.parametrize(
    ("body", "refused"),
    [(ROWS, False), (ROWS + "Spring,2026-11-29,2026-11-29,1e20,100\n", True)],
    ids=["imported", "refused-in-the-insert"],
)
def test_the_insertion_order_setting_is_given_back(
    db: Database, store: Store, monkeypatch: pytest.MonkeyPatch, unordered: bool, body: str,
    refused: bool,
) -> None:  # fmt: skip
    seen: list[str] = []
    run = facts.FactStore._run

    def recorded(self: facts.FactStore, statement: str, params: object = ()) -> object:
        if SETTING in statement:
            seen.append(statement)
        return run(self, statement, params)  # type: ignore[arg-type]

    monkeypatch.setattr(facts.FactStore, "_run", recorded)
    assert order_kept(db)
    data = (HEADER + body).encode()
    if refused:
        with pytest.raises(ImportFormatError, match="1e20"):
            service.run(store, data, "meta.csv")
        assert sql.one(db, "SELECT count(*) FROM metric_fact") == (0,)
    else:
        summary = service.run(store, data, "meta.csv")
        assert summary.rows == 28
        total = sql.one(db, "SELECT sum(spend), count(*) FROM metric_fact")
        assert total == (sum(d + 0.5 for d in range(1, 29)), 28)
    assert order_kept(db)
    # Once per read: a refused file is read typed, then as text, before it is diagnosed.
    pairs = [f"SET {SETTING} = false", f"RESET {SETTING}"] * (2 if refused else 1)
    assert seen == (pairs if unordered else [])
