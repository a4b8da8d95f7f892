"""Hostile workbooks are refused before the reader sees them, with a message and nothing written.

Before these checks, the sparse grid made python-calamine abort the whole process (SIGABRT): the
command-line test below runs the import in a child process so that an abort fails the test
instead of ending the test run.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from experiments.errors import ImportFormatError
from experiments.importers import service, workbook_limits
from experiments.importers.decoding import MB
from experiments.store import Store
from tests import hostile_files as hf
from tests.conftest import FIXTURES, ROOT

CSV_TODO = "save the sheet as CSV UTF-8 in Excel and import that: CSV files have no such limit"
GRID = (
    "sheet 1 spans 1,048,576 rows × 16,384 columns, more than the 10,000,000 cells a "
    "workbook may have here — delete the empty rows and columns far outside the table (a stray "
    "cell can stretch a sheet to the last row or column), save, and upload again — or " + CSV_TODO
)
SMALL = workbook_limits.Limits(members=2_000, inflated_bytes=4 * MB, cells=10_000_000)

# (case, build, limits, message after "bad.xlsx: ")
CASES: list[tuple[str, Callable[[], bytes], workbook_limits.Limits, str]] = [
    ("sparse grid A1 + XFD1048576", hf.sparse_grid, workbook_limits.LIMITS, GRID),
    ("grid from cell references alone", hf.sparse_without_dimension, workbook_limits.LIMITS, GRID),
    ("dimension that claims the grid", hf.lying_dimension, workbook_limits.LIMITS, GRID),
    ("deflate bomb", lambda: hf.deflate_bomb(8), SMALL,
     f"the workbook unpacks to more than 4 MB — {CSV_TODO}"),
    ("bomb whose zip headers lie about its size", lambda: hf.lying_sizes(8), SMALL,
     "the workbook is damaged (its zip structure cannot be read) — open it in Excel, save it "
     "again as .xlsx and upload that"),
    ("lying bomb under the default limit", lambda: hf.lying_sizes(300), workbook_limits.LIMITS,
     "the workbook is damaged (its zip structure cannot be read) — open it in Excel, save it "
     "again as .xlsx and upload that"),
    ("thousands of parts", lambda: hf.many_parts(2_100), workbook_limits.LIMITS,
     f"the workbook has 2,109 parts, more than the 2,000 an export has — {CSV_TODO}"),
    ("part packed with bzip2", hf.bzip2_part, workbook_limits.LIMITS,
     "a part of the workbook is packed in an unusual way (method 12) — open it in Excel, save "
     "it again as .xlsx and upload that"),
    ("cut off in the middle", lambda: hf.sparse_grid()[:900], workbook_limits.LIMITS,
     "the workbook is damaged (its zip structure cannot be read) — open it in Excel, save it "
     "again as .xlsx and upload that"),
]  # fmt: skip


@pytest.mark.parametrize(("build", "limits", "message"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_hostile_workbook_is_refused_before_reading(
    build: Callable[[], bytes], limits: workbook_limits.Limits, message: str
) -> None:
    with pytest.raises(ImportFormatError) as caught:
        workbook_limits.check(build(), "bad.xlsx", limits)
    assert str(caught.value) == f"bad.xlsx: {message}"


def test_the_limits_let_real_exports_through() -> None:
    for path in (FIXTURES / "meta_de.xlsx", FIXTURES / "google_ads_en.xlsx"):
        workbook_limits.check(path.read_bytes(), path.name)


def test_a_full_size_bomb_is_refused_by_the_default_limit() -> None:
    # 300 MB of sheet XML in about 300 KB: over the 256 MB the default allows.
    with pytest.raises(ImportFormatError, match="unpacks to more than 256 MB"):
        workbook_limits.check(hf.deflate_bomb(300), "bomb.xlsx")


@pytest.mark.parametrize("column", [("A", 1), ("Z", 26), ("AA", 27), ("XFD", 16_384)])
def test_column_numbers(column: tuple[str, int]) -> None:
    assert workbook_limits.column_number(column[0].encode()) == column[1]


def test_import_of_the_sparse_grid_writes_nothing(store: Store) -> None:
    service.run(store, (FIXTURES / "google_ads_de.csv").read_bytes(), "google_ads_de.csv")
    before = store.cur.execute("SELECT count(*) FROM metric_fact").fetchone()
    with pytest.raises(ImportFormatError, match="spans 1,048,576 rows"):
        service.run(store, hf.sparse_grid(), "grid.xlsx")
    assert store.cur.execute("SELECT count(*) FROM metric_fact").fetchone() == before


def test_command_line_refuses_the_sparse_grid_without_dying(tmp_path: Path) -> None:
    path = tmp_path / "grid.xlsx"
    path.write_bytes(hf.sparse_grid())
    done = subprocess.run(
        [sys.executable, "-m", "experiments", "--db", str(tmp_path / "t.duckdb"), "import",
         str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr  # bad input; an abort would be -6
    assert done.stdout == ""
    assert done.stderr == f"error: {path.name}: {GRID}\n"
