"""Raw SQL for tests, read through the Database: a store hands out no cursor.

For what no store method shows (row counts, the stored cells of a fact) and for planting rows
an older version wrote. Each call takes a cursor of its own, outside any store's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from experiments.db import Database


def rows(db: Database, sql: str, params: Sequence[object] = ()) -> list[tuple[Any, ...]]:
    """Return every row a statement gives."""
    cur = db.cursor()
    try:
        return cur.execute(sql, list(params)).fetchall()
    finally:
        cur.close()


def one(db: Database, sql: str, params: Sequence[object] = ()) -> tuple[Any, ...] | None:
    """Return the first row a statement gives, or None."""
    found = rows(db, sql, params)
    return found[0] if found else None


def frame(db: Database, sql: str, params: Sequence[object] = ()) -> pd.DataFrame:
    """Return what a statement gives as a DataFrame."""
    cur = db.cursor()
    try:
        result: pd.DataFrame = cur.execute(sql, list(params)).df()
        return result
    finally:
        cur.close()


def execute(db: Database, sql: str, params: Sequence[object] = ()) -> None:
    """Run a statement that changes data behind the store's back (rows an older version wrote)."""
    cur = db.cursor()
    try:
        cur.execute(sql, list(params))
    finally:
        cur.close()


def row_counts(db: Database) -> dict[str, int]:
    """Return the row count of every table (not the schema record): proof that a refused or
    rolled-back write changed nothing."""
    tables = rows(
        db,
        "SELECT table_name FROM information_schema.tables "
        "WHERE table_schema = 'main' AND table_name <> 'schema_version' ORDER BY 1",
    )
    return {t: rows(db, f"SELECT count(*) FROM {t}")[0][0] for (t,) in tables}
