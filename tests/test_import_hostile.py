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

from experiments.db import Database
from experiments.errors import ImportFormatError
from experiments.importers import service, workbook_limits
from experiments.importers.decoding import MB
from experiments.store import Store
from tests import hostile_files as hf
from tests import sql
from tests.conftest import FIXTURES, ROOT
from tests.test_import_bad import PLATFORMS as PLATFORM_KEYS

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


def test_import_of_the_sparse_grid_writes_nothing(db: Database, store: Store) -> None:
    service.run(store, (FIXTURES / "google_ads_de.csv").read_bytes(), "google_ads_de.csv")
    before = sql.one(db, "SELECT count(*) FROM metric_fact")
    with pytest.raises(ImportFormatError, match="spans 1,048,576 rows"):
        service.run(store, hf.sparse_grid(), "grid.xlsx")
    assert sql.one(db, "SELECT count(*) FROM metric_fact") == before


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


# Text files that raised csv.Error (a traceback) or were stored as impossible numbers before.
HEADER = "Day,Campaign,Impr.,Clicks,Cost,Conversions\n"
ROW = "2026-11-01,Spring,100,5,1.50,1\n"
TODO_NUMBER = "write the real value, or leave the cell empty if there is none"
TEXT_CASES: list[tuple[str, bytes, str]] = [
    ("bare CR inside an unquoted cell", (HEADER + "2026-11-01,Spr\ring,100,5,1.50,1\n").encode(),
     "bad.csv, line 2: a line break (CR) stands inside a cell that is not in quotes — export the "
     "report again from the platform, or fix that line"),
    ("a cell of 5 MB", (HEADER + "2026-11-01," + "y" * (5 << 20) + ",100,5,1.50,1\n").encode(),
     "bad.csv, line 2: a cell is longer than 128 KB — no platform writes cells this long: export "
     "the report again, or fix that line"),
    ("one line of 5 MB", b"x" * (5 << 20),
     "bad.csv, line 1: no platform or saved mapping knows this header (" + "x" * 39 + "…) — map "
     "its columns once on the import page (the mapping is saved), or name the platform with "
     f"--platform ({PLATFORM_KEYS})"),
    ("a header cell of 50 KB", ("When," + "H" * 50_000 + ",What,A,B,C\n" + ROW).encode(),
     "bad.csv, line 1: no platform or saved mapping knows this header (When, " + "H" * 39 + "…, "
     "What, A, B, C) — map its columns once on the import page (the mapping is saved), or name the "
     f"platform with --platform ({PLATFORM_KEYS})"),
    ("1e309", (HEADER + "2026-11-01,Spring,1e309,5,1.50,1\n").encode(),
     f"bad.csv, line 2, column 3: '1e309' in 'Impr.' is not a finite number — {TODO_NUMBER}"),
    ("inf", (HEADER + ROW + "2026-11-02,Spring,100,inf,1.50,1\n").encode(),
     f"bad.csv, line 3, column 4: 'inf' in 'Clicks' is not a finite number — {TODO_NUMBER}"),
    ("NaN", (HEADER + "2026-11-01,Spring,100,5,NaN,1\n").encode(),
     f"bad.csv, line 2, column 5: 'NaN' in 'Cost' is not a finite number — {TODO_NUMBER}"),
    ("negative impressions", (HEADER + "2026-11-01,Spring,-100,5,1.50,1\n").encode(),
     "bad.csv, line 2, column 3: '-100' in 'Impr.' is negative — Google Ads reports no values "
     "below 0 here: correct the cell"),
    ("negative spend", (HEADER + "2026-11-01,Spring,100,5,-1.50,1\n").encode(),
     "bad.csv, line 2, column 5: '-1.50' in 'Cost' is negative — Google Ads reports no values "
     "below 0 here: correct the cell"),
    ("absurdly large spend", (HEADER + '2026-11-01,Spring,100,5,"2,000,000,000,000,000",1\n').encode(),
     "bad.csv, line 2, column 5: '2,000,000,000,000,000' in 'Cost' is larger than any export "
     "reports — correct the cell: values up to 1,000,000,000,000,000 are read"),
    ("UTF-8 and Windows-1252 rows in one file",
     (HEADER + "2026-11-01,Frühjahr,100,5,1.50,1\n").encode()
     + "2026-11-02,Frühjahr,120,6,2.50,0\n".encode("cp1252"),
     "bad.csv, line 3: the file mixes two encodings: line 2 is UTF-8 (it has 'ü'), line 3 is not "
     "(Windows-1252 or another Excel encoding) — save the whole file once more in one encoding "
     "(in Excel: CSV UTF-8) and upload that"),
]  # fmt: skip


@pytest.mark.parametrize(("data", "message"), [c[1:] for c in TEXT_CASES],
                         ids=[c[0] for c in TEXT_CASES])  # fmt: skip
def test_hostile_text_file_gets_its_message_and_writes_nothing(
    db: Database, store: Store, data: bytes, message: str
) -> None:
    service.run(store, (FIXTURES / "google_ads_de.csv").read_bytes(), "google_ads_de.csv")
    before = sql.one(db, "SELECT count(*), sum(impressions) FROM metric_fact")
    with pytest.raises(ImportFormatError) as caught:
        service.run(store, data, "bad.csv")
    assert str(caught.value) == message
    assert sql.one(db, "SELECT count(*), sum(impressions) FROM metric_fact") == (before)


def test_mac_csv_with_cr_line_endings_imports(store: Store) -> None:
    # Excel for Mac's "CSV (Macintosh)" ends every line with a bare CR.
    data = (HEADER + ROW + "2026-11-02,Spring,120,6,2.50,0\n").replace("\n", "\r").encode()
    result = service.run(store, data, "mac.csv")
    assert (result.rows, result.totals["impressions"], result.totals["clicks"]) == (2, 220, 11)


def test_google_ads_conversion_adjustments_may_be_negative(store: Store) -> None:
    data = (HEADER + ROW + "2026-11-02,Spring,120,6,2.50,-1\n").encode()
    result = service.run(store, data, "adjusted.csv")
    assert result.totals["conversions"] == 0


def test_random_bytes_get_a_message_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "noise.csv"
    path.write_bytes(bytes((i * 7919 + 13) % 255 + 1 for i in range(200_000)))
    done = subprocess.run(
        [sys.executable, "-m", "experiments", "--db", str(tmp_path / "t.duckdb"), "import",
         str(path)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2
    # Noise is no text in any encoding exports come in: refused before its header is looked for.
    assert done.stderr.startswith("error: noise.csv: the file is not UTF-8, and no encoding")
    assert "Traceback" not in done.stderr and len(done.stderr) < 400


def test_a_file_wholly_in_windows_1252_still_imports(db: Database, store: Store) -> None:
    data = (HEADER + "2026-11-01,Frühjahr €,100,5,1.50,1\n").encode("cp1252")
    result = service.run(store, data, "german_excel.csv")
    assert result.rows == 1
    names = sql.rows(db, "SELECT DISTINCT source_campaign FROM metric_fact")
    assert names == [("Frühjahr €",)]
