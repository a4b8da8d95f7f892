"""An import lets DuckDB append a file's rows in any order (facts have none), and the connection
keeps its order of inserted rows for everything else, whether the import succeeded or not."""

from __future__ import annotations

import pytest

from experiments.db import Database
from experiments.errors import ImportFormatError
from experiments.importers import service
from experiments.store import Store
from tests import sql

HEADER = "Campaign name,Reporting starts,Reporting ends,Amount spent (EUR),Impressions\n"
ROWS = "".join(f"Spring,2026-11-{d:02d},2026-11-{d:02d},{d}.50,{d * 100}\n" for d in range(1, 29))


@pytest.fixture
def db(any_db: Database) -> Database:
    # The same on every target, DuckLake included.
    return any_db


def order_kept(db: Database) -> bool:
    row = sql.one(db, "SELECT current_setting('preserve_insertion_order')")
    assert row is not None
    return bool(row[0])


@pytest.mark.parametrize(
    ("body", "refused"),
    [(ROWS, False), (ROWS + "Spring,2026-11-29,2026-11-29,1e20,100\n", True)],
    ids=["imported", "refused-in-the-insert"],
)
def test_the_insertion_order_setting_is_given_back(
    db: Database, store: Store, body: str, refused: bool
) -> None:
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
