"""The shape of the statement an import runs: what DuckDB makes of it, on a real database.

A million-row export goes through one INSERT … SELECT, so an operator that touches every row
more than it needs to costs seconds. These tests read DuckDB's own plan of the statement (no
timing) and the values the conversions give for the cells that take the cheap paths.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from experiments.db import Database
from experiments.importers import quoted, service, stage_load
from experiments.importers.plan import prepare
from experiments.store import Store, cell_sql, file_sql
from tests import sql as raw

FIXTURES = Path(__file__).parent / "fixtures"
CON = duckdb.connect()


def plan_text(name: str, typed: bool) -> str:
    path = FIXTURES / name
    with prepare(path.read_bytes(), name, source=path) as p:
        plan = p.read_plan()
        types = file_sql.typed_read(plan) if typed else None
        sql, params = file_sql.select_sql(plan, strict=True, types=types)
        rows = CON.execute(f"EXPLAIN {sql}", params).fetchall()
    return "\n".join(str(r[1]) for r in rows)


@pytest.mark.parametrize("typed", [True, False], ids=["typed read", "text read"])
@pytest.mark.parametrize("name", ["meta_de_results.csv", "meta_en.csv", "google_ads_de.csv"])
def test_the_import_reads_the_file_without_a_join(name: str, typed: bool) -> None:
    # The empty-marker test was an IN list of eight values, which DuckDB turned into one hash
    # join per converted column, each trimming every cell of its column.
    plan = plan_text(name, typed)
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
    assert sql_value(cell_sql.present_sql("v"), text) == present


# A Meta export with two columns no canonical metric takes: a label with a quote, a backslash,
# braces and an umlaut, and cells with quotes, a line break and a formula.
HOSTILE_EXTRA = (
    "Campaign name,Ad set name,Reporting starts,Reporting ends,Amount spent (EUR),Impressions,"
    'Link clicks,"We""ird \\ {label} ü",Notes\n'
    'Spring Sale,Broad,2026-11-02,2026-11-02,412.50,48210,812,"say ""hi"" \\ {x}","two\nlines"\n'
    "Spring Sale,Narrow,2026-11-02,2026-11-02,12.50,210,12,,=1+2\n"
).encode()


def test_extra_columns_are_not_built_by_the_map_constructor() -> None:
    # MAP(keys, values) checks the keys of every row again: a fifth of a million-row import.
    with prepare(HOSTILE_EXTRA, "meta_extra.csv") as p:
        plan = p.read_plan()
        sql, params = file_sql.select_sql(plan, strict=True)
    assert [label for label, _ in plan.extra] == ['We"ird \\ {label} ü', "Notes"]
    assert "MAP(?::VARCHAR[]" not in sql
    assert 'We"ird \\ {label} ü' not in sql and 'We"ird \\ {label} ü' in params


def test_extra_columns_keep_labels_and_cells_exactly(db: Database, store: Store) -> None:
    service.run(store, HOSTILE_EXTRA, "meta_extra.csv")
    stored = raw.rows(db, "SELECT variant, extra FROM metric_fact ORDER BY variant")
    assert stored == [
        ("Broad", {'We"ird \\ {label} ü': 'say "hi" \\ {x}', "Notes": "two\nlines"}),
        ("Narrow", {'We"ird \\ {label} ü': None, "Notes": "=1+2"}),
    ]


CHUNK = 1 << 20


@pytest.mark.parametrize(
    ("rows", "mixed"),
    [
        ([b"a;1\r\n"] * 5, False),
        ([b"a;1\n"] * 5, False),
        ([b'a;"x\ny"\r\n'] * 5, True),
        ([b"a;1\r\n", b"a;1\n"], True),
        ([b"a;1\r"] * 5, False),
    ],
)
@pytest.mark.parametrize("cut", [-2, -1, 0, 1, 2])
def test_mixed_line_ends_are_found_across_the_chunks_they_are_counted_in(
    rows: list[bytes], mixed: bool, cut: int
) -> None:
    # The rows are counted a megabyte at a time; the first row's line end lies just before,
    # across or just after a cut, and still counts once.
    data = b"p" * (CHUNK - 4 + cut) + b"".join(rows)
    assert stage_load._mixed_line_ends(data, 0, len(data)) is mixed
    assert stage_load._mixed_line_ends(memoryview(b"\xef" + data)[1:], 0, len(data)) is mixed
    assert stage_load._mixed_line_ends(data, CHUNK - 4 + cut, len(data)) is mixed


@pytest.mark.parametrize(("name", "searches"), [("meta_de_results.csv", 1), ("meta_en.csv", 2)])
def test_the_blank_line_below_the_table_is_searched_for_once(
    name: str, searches: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Looking for more tables and locating the rows both need the blank line below the header;
    # over a large export each search is a scan of the whole file. (meta_en.csv has a summary
    # row, so its rows start below where the first search started.)
    calls: list[int] = []
    search = quoted.next_blank

    def counted(text: bytes | memoryview, pos: int, delimiter: str) -> object:
        calls.append(pos)
        return search(text, pos, delimiter)

    monkeypatch.setattr(quoted, "next_blank", counted)
    path = FIXTURES / name
    with prepare(path.read_bytes(), name, source=path) as p:
        assert p.table.end > p.table.start
    assert len(calls) == searches
