"""The shape of the statement an import runs: what DuckDB makes of it, on a real database.

A million-row export goes through one INSERT … SELECT, so an operator that touches every row
more than it needs to costs seconds. These tests read DuckDB's own plan of the statement (no
timing) and the values the conversions give for the cells that take the cheap paths.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from experiments.importers.plan import prepare
from experiments.store import file_sql

FIXTURES = Path(__file__).parent / "fixtures"
CON = duckdb.connect()


def plan_text(name: str) -> str:
    path = FIXTURES / name
    with prepare(path.read_bytes(), name, source=path) as p:
        sql, params = file_sql.select_sql(p.read_plan(), strict=True)
        rows = CON.execute(f"EXPLAIN {sql}", params).fetchall()
    return "\n".join(str(r[1]) for r in rows)


@pytest.mark.parametrize("name", ["meta_de_results.csv", "meta_en.csv", "google_ads_de.csv"])
def test_the_import_reads_the_file_without_a_join(name: str) -> None:
    # The empty-marker test was an IN list of eight values, which DuckDB turned into one hash
    # join per converted column, each trimming every cell of its column.
    plan = plan_text(name)
    assert "READ_CSV" in plan
    assert "JOIN" not in plan and "COLUMN_DATA_SCAN" not in plan


def sql_value(expression: str, text: str | None) -> object:
    row = CON.execute(f"SELECT {expression} FROM (VALUES (?::VARCHAR)) t(v)", [text]).fetchone()
    assert row is not None
    return row[0]


@pytest.mark.parametrize(
    ("text", "present"),
    [("0", "0"), ("9", "9"), ("12,50", "12,50"), ("02.11.2026", "02.11.2026"), ("-", None),
     ("-5", "-5"), (" --", None), (" 7 ", " 7 "), (":", ":"), ("/", "/"), ("n/a", None),
     ("k. A.", None), ("", None), (None, None), ("€ -", "€ -"), ("Käufe", "Käufe")],
)  # fmt: skip
def test_a_cell_starting_with_a_digit_is_never_taken_for_an_empty_marker(
    text: str | None, present: str | None
) -> None:
    # Numbers and dates skip the trim (their first byte is a digit); the bytes just outside
    # '0'..'9' (':' and '/') and cells starting with a space still get the whole test.
    assert sql_value(file_sql.present_sql("v"), text) == present
