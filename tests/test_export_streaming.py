"""Exports stream out of DuckDB: the same text as the DataFrame path gave, formula-safe, refused
whole (too many rows for a sheet, a target that cannot be written) with nothing left behind, and
the page says why there is no Excel download before anyone clicks."""

from __future__ import annotations

import csv
import hashlib
import io
import subprocess
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

import experiments.exports as exports
from experiments.db import Database
from experiments.errors import ExportTooLarge
from experiments.exports import XLSX_MAX_ROWS, csv_bytes, export_bytes, write_xlsx
from experiments.import_models import ImportRecord
from experiments.models import new_id
from experiments.store import Store
from experiments.store.exports import EXPORT_TABLES
from tests.apptest import app
from tests.cli_runner import run_cli
from tests.conftest import ROOT, copy_demo
from tests.factories import make_campaign, make_cycle
from tests.test_goals import add_facts, day

SHEET_ROWS = XLSX_MAX_ROWS - 1  # the most rows one Excel sheet holds below its header


def _facts(n: int) -> pd.DataFrame:
    i = np.arange(n)
    return pd.DataFrame({
        "platform": "meta", "source_campaign": [f"Campaign {k}" for k in i // 1024],
        "variant": [f"ad {k}" for k in i % 1024], "date": date(2026, 3, 1), "clicks": 1.0,
    })  # fmt: skip


@pytest.fixture(scope="session")
def full_sheet_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with exactly as many facts as one Excel sheet holds (built once)."""
    path = tmp_path_factory.mktemp("sheet") / "full.duckdb"
    db = Database.open(path)
    record = ImportRecord(
        new_id(), "full.csv", hashlib.sha256(b"full sheet").hexdigest(), "meta", "local",
        datetime(2026, 3, 1), SHEET_ROWS, SHEET_ROWS, 0, 0, 0, None, None, "imported",
    )  # fmt: skip
    Store(db).insert_facts(record, _facts(SHEET_ROWS))
    db.close()
    return path


@pytest.fixture
def full_sheet(db_path: Path, full_sheet_template: Path) -> Path:
    """$TRACKER_DB: exactly as many facts as one sheet holds."""
    return copy_demo(full_sheet_template, db_path)


@pytest.fixture
def over_sheet(full_sheet: Path) -> Path:
    """$TRACKER_DB: one fact more than one sheet holds."""
    db = Database.open(full_sheet)
    add_facts(Store(db), [{"date": day(2), "clicks": 1}], source="One more")
    db.close()
    return full_sheet


# Text as platform files and people bring it: formulas, separators, quotes, line breaks.
AWKWARD = ["=SUM(A1:A9)", "+49 30 1234", "-", "@team", "\t=1+1", "\r=2", "Spring = Sale",
           'Sale, "big" one', "two\nlines", "Ümlaut € 😀", " leading space", "a\rb"]  # fmt: skip


@pytest.fixture
def awkward(demo_db: Path) -> Store:
    """The demo workspace plus awkward names, a cycle and facts that carry them."""
    store = Store(Database.open(demo_db))
    for n, text in enumerate(AWKWARD):
        c = make_campaign(store, f"Awkward {n}", audience=text, success_measure=text)
        make_cycle(store, c, 1, hypothesis=text, planned_changes="")
        add_facts(store, [{"date": day(1), "variant": text, "spend": -1.5, "clicks": 3}],
                  source=text)  # fmt: skip
    add_facts(store, [{"date": day(2), "impressions": 123456789.125},
                      {"date": day(3), "impressions": 1e15, "spend": 0.1 + 0.2}],
              source="Big numbers")  # fmt: skip
    return store


@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("table", EXPORT_TABLES)
def test_csv_through_copy_equals_the_dataframe_path(awkward: Store, table: str, lang: str) -> None:
    streamed = export_bytes(awkward, table, "csv", lang)
    assert streamed == csv_bytes(awkward.export_table(table, lang))
    assert streamed.startswith("\ufeff".encode())
    assert streamed.count(b"\r\n") >= len(awkward.export_table(table)) + 1


def test_a_large_csv_export_keeps_the_tables_order(full_sheet: Path) -> None:
    # A million rows are read in parallel: only an ORDER BY of the statement COPY writes keeps
    # the order (a formula-safe projection over the ordered statement lost it).
    db = Database.open(full_sheet)
    data = export_bytes(Store(db), "facts", "csv")
    db.close()
    keys = [tuple(line.split(b",")[1:3]) for line in data.split(b"\r\n")[1:-1]]
    assert len(keys) == SHEET_ROWS
    assert keys == sorted(keys)  # by campaign, then variant: 'Campaign 10' before 'Campaign 2'


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("text", "safe"),
    [("=SUM(A1:A9)", "'=SUM(A1:A9)"), ("+49 30 1234", "'+49 30 1234"), ("-", "'-"),
     ("@team", "'@team"), ("\t=1+1", "'\t=1+1"), ("\r=2", "'\r=2"),
     ("Spring = Sale", "Spring = Sale"), ('Sale, "big" one', 'Sale, "big" one'),
     ("two\nlines", "two\nlines"), ("Ümlaut € 😀", "Ümlaut € 😀")],
)  # fmt: skip
def test_streamed_exports_are_formula_safe(store: Store, text: str, safe: str) -> None:
    add_facts(store, [{"date": day(1), "variant": text, "spend": -12.5}], source=text)
    (row,) = csv_rows(export_bytes(store, "facts", "csv"))
    assert (row["Campaign in the file"], row["Variant"], row["Spend"]) == (safe, safe, "-12.5")
    sheet = load_workbook(io.BytesIO(export_bytes(store, "facts", "xlsx"))).active
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("Campaign in the file") + 1)
    spend = sheet.cell(row=2, column=header.index("Spend") + 1)
    # An XML reader turns a CR into a line feed; the apostrophe in front is what counts.
    expected = safe.replace("\r", "\n")
    assert (cell.value, cell.data_type, spend.value, spend.data_type) == (expected, "s", -12.5, "n")


def _existing(tmp: Path) -> Path:
    (tmp / "out.csv").write_text("the previous export")
    return tmp / "out.csv"


def _folder(tmp: Path) -> Path:
    (tmp / "out.csv").mkdir()
    return tmp / "out.csv"


def _file_as_parent(tmp: Path) -> Path:
    (tmp / "notes.txt").write_text("a file")
    return tmp / "notes.txt" / "out.csv"


# (case, database fixture, table, the target in a temporary folder, message with {tmp})
BAD: list[tuple[str, str, str, Callable[[Path], Path], str]] = [
    ("xlsx over the row limit", "over_sheet", "facts", lambda tmp: tmp / "facts.xlsx",
     "facts has 1,048,576 rows, more than one Excel sheet holds (1,048,575 below the header); "
     "export it as .csv instead"),
    ("target exists", "demo_db", "facts", _existing,
     "{tmp}/out.csv exists already; add --force to replace it, or choose another path"),
    ("target is a folder", "demo_db", "facts", _folder,
     "cannot write {tmp}/out.csv: it is a folder; name a file inside it"),
    ("parent is a file", "demo_db", "facts", _file_as_parent,
     "cannot write {tmp}/notes.txt/out.csv: {tmp}/notes.txt is a file, not a folder; "
     "choose another path"),
    ("unknown table", "demo_db", "audit", lambda tmp: tmp / "audit.csv",
     "'audit' cannot be exported; choose one of: campaigns, cycles, learnings, goals, facts"),
]  # fmt: skip


def _listing(folder: Path) -> list[tuple[str, str | None]]:
    return sorted((str(p.relative_to(folder)), p.read_text() if p.is_file() else None)
                  for p in folder.rglob("*"))  # fmt: skip


@pytest.mark.parametrize(("database", "table", "target", "message"), [c[1:] for c in BAD],
                         ids=[c[0] for c in BAD])  # fmt: skip
def test_bad_exports_are_refused_whole(
    request: pytest.FixtureRequest, tmp_path: Path, database: str, table: str,
    target: Callable[[Path], Path], message: str,
) -> None:  # fmt: skip
    request.getfixturevalue(database)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = target(out_dir)
    before = _listing(out_dir)
    code, stdout, stderr = run_cli("export", table, "--out", str(out))
    assert (code, stdout, stderr) == (2, "", f"error: {message.format(tmp=out_dir)}\n")
    assert _listing(out_dir) == before


def test_the_download_refuses_what_a_sheet_cannot_hold(over_sheet: Path) -> None:
    db = Database.open(over_sheet)
    with pytest.raises(ExportTooLarge) as caught:
        export_bytes(Store(db), "facts", "xlsx")
    db.close()
    assert (caught.value.rows, caught.value.limit) == (SHEET_ROWS + 1, SHEET_ROWS)


def test_rows_that_arrive_after_the_count_cannot_overflow_the_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(exports, "XLSX_MAX_ROWS", 3)  # a header and two rows
    with pytest.raises(ExportTooLarge, match="more than one Excel sheet holds \\(2 below"):
        write_xlsx(tmp_path / "x.xlsx", ["a"], [[(1,), (2,)], [(3,)]], sheet="facts")


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_export_cut_off_mid_stream_keeps_the_previous_file(
    demo_db: Path, tmp_path: Path, suffix: str
) -> None:
    # As 'ulimit -f' does to a shell: writes beyond 4 KB fail (SIGXFSZ ignored, so EFBIG),
    # inside DuckDB's COPY for CSV and inside openpyxl for XLSX.
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / f"facts.{suffix}"
    out.write_text("the previous export")
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from experiments.db import Database\n"
        "from experiments.errors import InvalidInput\n"
        "from experiments.exports import export_file\n"
        "from experiments.store import Store\n"
        "store = Store(Database.open(sys.argv[2]))\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    export_file(store, 'facts', Path(sys.argv[1]), force=True)\n"
        "except InvalidInput as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(out), str(demo_db)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.stdout == (
        f"cannot write {out}: File too large; nothing was changed — free some space or choose "
        "another path\n"
    )
    assert out.read_text() == "the previous export"
    assert [p.name for p in out.parent.iterdir()] == [out.name]


WARNING = {
    "en": "The table “Metric facts” has 1,048,576 rows, more than one Excel sheet holds "
          "(1,048,575 below the header), so it cannot be downloaded as Excel. Download it as CSV "
          "instead: a CSV file has no row limit (Excel opens only its first 1,048,575 rows, Power "
          "Query or a database reads them all).",
    "de": "Die Tabelle „Kennzahlen-Daten“ hat 1.048.576 Zeilen, mehr als ein "
          "Excel-Tabellenblatt fasst (1.048.575 unter der Kopfzeile), daher ist kein "
          "Excel-Download möglich. Laden Sie die Tabelle stattdessen als CSV herunter: Eine "
          "CSV-Datei hat keine Zeilengrenze (Excel öffnet nur ihre ersten 1.048.575 Zeilen, "
          "Power Query oder eine Datenbank lesen alle).",
}  # fmt: skip


@pytest.mark.parametrize(
    ("database", "lang", "warning"),
    [("over_sheet", "en", WARNING["en"]), ("over_sheet", "de", WARNING["de"]),
     ("full_sheet", "en", None)],
    ids=["over the limit", "over the limit, German", "exactly the limit"],
)  # fmt: skip
def test_the_page_says_why_there_is_no_excel_download(
    request: pytest.FixtureRequest, database: str, lang: str, warning: str | None
) -> None:
    request.getfixturevalue(database)
    at = app("views/overview.py", timeout=120)
    if lang != "en":
        at.sidebar.selectbox(key="lang").set_value(lang).run()
    at.selectbox(key="export_table").set_value("facts").run()
    assert not at.exception
    assert [w.value for w in at.warning] == ([warning] if warning else [])
    disabled = {b.key: b.proto.disabled for b in at.get("download_button")}
    assert disabled == {"download_report": False, "download_csv": False,
                        "download_xlsx": warning is not None}  # fmt: skip
