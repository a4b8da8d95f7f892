"""Values written as SQL literals give what the driver's binding gives: value and type.

The command line binds values as literals so that DuckDB's driver never loads pandas
(sql_params.py). These tests run each value both ways on a real DuckDB and compare, on random
text (quotes, backslashes, line breaks, any Unicode), numbers at the edges of their types,
days, moments, ids and lists; and check a whole import from the command line in a fresh process
loads no pandas and stores what an import in this process stores.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import subprocess
import sys
import uuid
from pathlib import Path

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments import sql_params
from experiments.db import Database
from experiments.importers import service
from experiments.store import Store
from tests import sql as raw

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
CON = duckdb.connect()

VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([2**31 - 1, 2**31, -(2**31), -(2**31) - 1, 0]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    st.sampled_from(["it's", "''", "\\", "\\'", "a\nb", "?", "$1", "'); DROP TABLE t; --"]),
    st.uuids(),
    st.dates(),
    st.datetimes(),
    st.lists(st.text(), min_size=1, max_size=4),
    st.lists(st.integers(min_value=-(2**63), max_value=2**63 - 1), min_size=1, max_size=4),
)


def both_ways(sql: str, params: list[object]) -> tuple[object, object]:
    """Return (rows and column types) of ``sql`` bound by the driver, then as literals."""
    out: list[object] = []
    for literal in (False, True):
        sql_params.bind_by_literals(literal)
        try:
            cur = sql_params.execute(CON, sql, params)
            out.append((cur.fetchall(), [str(d[1]) for d in cur.description or []]))
        except duckdb.Error as e:
            out.append(type(e))
        finally:
            sql_params.bind_by_literals(False)
    return out[0], out[1]


def same(a: object, b: object) -> bool:
    # NaN is not equal to itself.
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a):
        return math.isnan(b)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


@settings(max_examples=400, deadline=None)
@given(value=VALUES)
def test_a_value_as_a_literal_is_the_value_the_driver_binds(value: object) -> None:
    driver, literal = both_ways("SELECT ?", [value])
    if sql_params.literal(value) is None:
        return  # bound the driver's way either way
    assert same(driver, literal)


@settings(max_examples=200, deadline=None)
@given(text=st.text(), number=st.integers(-(2**63), 2**63 - 1), day=st.dates(), at=st.datetimes())
def test_values_land_in_typed_columns_alike(
    text: str, number: int, day: dt.date, at: dt.datetime
) -> None:
    CON.execute(
        "CREATE OR REPLACE TABLE t (id UUID, v VARCHAR, n BIGINT, d DATE, ts TIMESTAMP, x DOUBLE)"
    )
    row = [uuid.uuid4(), text, number, day, at, number / 7]
    for literal in (False, True):
        sql_params.bind_by_literals(literal)
        try:
            sql_params.execute(CON, "INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)", row)
        except duckdb.Error:
            assert "\x00" in text or not literal  # NUL text is refused by either way alike
        finally:
            sql_params.bind_by_literals(False)
    stored = CON.execute("SELECT * FROM t").fetchall()
    assert len(stored) in (0, 2) and (not stored or stored[0] == stored[1])


@pytest.mark.parametrize(
    "value",
    [b"bytes", dt.datetime(2026, 1, 1, tzinfo=dt.UTC), 2**63, [], [1, "a"], [[1]], {"a": 1},
     "nul\x00inside", "\udc80"],
)  # fmt: skip
def test_a_value_without_an_exact_literal_is_bound_by_the_driver(value: object) -> None:
    assert sql_params.literal(value) is None or sql_params.literals([value]) is None


def test_a_command_line_import_loads_no_pandas_and_stores_the_same_rows(
    tmp_path: Path, db: Database, store: Store
) -> None:
    name = "meta_de_results.csv"
    service.run(store, (FIXTURES / name).read_bytes(), name)
    target = tmp_path / "cli.duckdb"
    runner = (
        "import runpy, sys\n"
        "try:\n"
        "    runpy.run_module('experiments', run_name='__main__')\n"
        "except SystemExit as e:\n"
        "    print('exit', e.code, 'pandas' in sys.modules, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_DB"}
    done = subprocess.run(
        [sys.executable, "-c", runner, "--db", str(target), "import", str(FIXTURES / name)],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False,
    )  # fmt: skip
    assert done.stderr.strip().splitlines()[-1] == "exit 0 False", done.stderr
    shown = "platform, source_campaign, variant, segment, date, date_to, spend, impressions, " \
            "clicks, conversions, extra, currency"  # fmt: skip
    query = f"SELECT {shown} FROM metric_fact ORDER BY ALL"
    other = Database.open(target)
    try:
        assert raw.rows(other, query) == raw.rows(db, query)
    finally:
        other.close()
