"""Exports: formula-safe CSV and XLSX of every table, read back with csv and openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from experiments.db import Database
from experiments.errors import InvalidInput
from experiments.exports import csv_bytes, export_bytes, safe_text, write_xlsx
from experiments.models import Alias
from experiments.store import Store
from experiments.store.exports import EXPORT_TABLES
from tests.factories import make_campaign, make_cycle
from tests.test_cli import run
from tests.test_goals import add_facts, day

INJECTED = ['=HYPERLINK("http://evil.example","click")', "+cmd|' /C calc'!A0", "@SUM(A1:A2)",
            "-2+3"]  # fmt: skip


@pytest.mark.parametrize(
    ("value", "safe"),
    [("=1+1", "'=1+1"), ("+1", "'+1"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"),
     ("\r=1", "'\r=1"), ("Spring = Sale", "Spring = Sale"), ("", ""), (-12.5, -12.5), (3, 3),
     (None, None)],
)  # fmt: skip
def test_safe_text_prefixes_only_text_that_starts_like_a_formula(
    value: object, safe: object
) -> None:
    assert safe_text(value) == safe


@pytest.fixture
def injected(store: Store) -> Store:
    """Campaigns named like formulas, and a fact with a negative spend (a refund)."""
    for name in INJECTED:
        make_campaign(store, name)
    c = make_campaign(store, "Spring Sale", aliases=(Alias("=SPR()"),))
    make_cycle(store, c, 1, hypothesis="-shorter copy wins")
    add_facts(store, [{"date": day(1), "spend": -12.5, "clicks": 3}], source="=SPR()")
    # The store trims names people type; platform files may bring a leading TAB or CR.
    add_facts(store, [{"date": day(2), "variant": "\r=2", "clicks": 1}], source="\t=1+1")
    return store


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_prefixes_injected_names(injected: Store) -> None:
    rows = csv_rows(export_bytes(injected, "campaigns", "csv"))
    names = {r["Name"] for r in rows}
    assert {"'" + n for n in INJECTED} <= names
    assert "Spring Sale" in names
    aliases = {r["Names in platform files"] for r in rows}
    assert "'=SPR()" in aliases


def test_csv_keeps_negative_numbers_numbers(injected: Store) -> None:
    row, tabbed = csv_rows(export_bytes(injected, "facts", "csv"))
    assert (tabbed["Campaign in the file"], tabbed["Variant"]) == ("'\t=1+1", "'\r=2")
    assert (row["Campaign in the file"], row["Spend"], row["Clicks"]) == ("'=SPR()", "-12.5", "3.0")
    assert row["Day"] == "2026-03-01"
    (cycle,) = csv_rows(export_bytes(injected, "cycles", "csv"))
    assert cycle["Hypothesis"] == "'-shorter copy wins"


def test_xlsx_has_no_formula_anywhere_and_numbers_stay_numbers(injected: Store) -> None:
    for table in EXPORT_TABLES:
        book = load_workbook(io.BytesIO(export_bytes(injected, table, "xlsx")))
        cells = [c for row in book.active.iter_rows() for c in row]
        assert not [c.coordinate for c in cells if c.data_type == "f"], table
    book = load_workbook(io.BytesIO(export_bytes(injected, "campaigns", "xlsx")))
    names = [c.value for c in book.active["A"][1:]]
    assert {"'" + n for n in INJECTED} <= set(names)
    facts = load_workbook(io.BytesIO(export_bytes(injected, "facts", "xlsx"))).active
    header = [c.value for c in facts[1]]
    spend = facts.cell(row=2, column=header.index("Spend") + 1)
    assert (spend.value, spend.data_type) == (-12.5, "n")
    when = facts.cell(row=2, column=header.index("Day") + 1).value
    assert when.date() == date(2026, 3, 1)
    tabbed = facts.cell(row=3, column=header.index("Campaign in the file") + 1)
    assert (tabbed.value, tabbed.data_type) == ("'\t=1+1", "s")


def test_xlsx_drops_control_characters_excel_cannot_hold(tmp_path: Path) -> None:
    assert write_xlsx(tmp_path / "x.xlsx", ["name"], [[("a\x00b\x07c",)]], sheet="x") == 1
    assert load_workbook(tmp_path / "x.xlsx").active["A2"].value == "abc"


def test_csv_of_an_empty_table_has_its_header(store: Store) -> None:
    assert csv_bytes(store.export_table("goals")).decode("utf-8-sig").splitlines()[0] == (
        "Name,Metric,Comparator,Target,Baseline,Period start,Period end,Counts,"
        "Campaign or channel,Owner,Objective"
    )


def test_cli_export_writes_csv_and_xlsx(db_path: Path, tmp_path: Path) -> None:
    assert run("campaign", "add", "=HYPERLINK(1)")[0] == 0
    out = tmp_path / "c.csv"
    assert run("export", "campaigns", "--out", str(out)) == (
        0,
        f"wrote 1 rows of campaigns to {out}\n",
        "",
    )
    assert csv_rows(out.read_bytes())[0]["Name"] == "'=HYPERLINK(1)"
    code, text, err = run("export", "campaigns", "--out", str(tmp_path / "c.xlsx"), "--json")
    assert (code, err) == (0, "")
    assert '"rows": 1' in text
    assert load_workbook(tmp_path / "c.xlsx").active["A2"].value == "'=HYPERLINK(1)"


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["export", "audit", "--out", "x.csv"],
      "error: 'audit' cannot be exported; choose one of: campaigns, cycles, learnings, goals, "
      "facts\n"),
     (["export", "goals", "--out", "x.pdf"],
      "error: cannot tell the format of 'x.pdf'; name a .csv or .xlsx file\n")],
)  # fmt: skip
def test_cli_export_refuses_bad_input(
    db_path: Path, tmp_path: Path, argv: list[str], message: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run(*argv)
    assert (code, out, err) == (InvalidInput.exit_code, "", message)
    assert not list(tmp_path.glob("x.*"))


# What people read in an export of the demo: headers by name and codes spelled out, in the
# language chosen; numbers and days stay values.
@pytest.mark.parametrize(
    ("table", "lang", "column", "expected"),
    [("learnings", "en", "Decision", {"Carry forward", "Drop", "Pending", "Retest"}),
     ("learnings", "de", "Entscheidung", {"Übernehmen", "Verwerfen", "Offen", "Erneut testen"}),
     ("cycles", "en", "Phase", {"Closed", "Feedback", "Campaign", "Optimization", "Start"}),
     ("cycles", "de", "Phase", {"Abgeschlossen", "Feedback", "Kampagne", "Optimierung", "Start"}),
     ("goals", "en", "Metric", {"CTR", "CPC", "CPA", "ROAS", "Engagement rate", "Leads", "Spend",
                                "Median reply time", "Share replied within 1 h"}),
     ("goals", "de", "Vergleich", {"mindestens", "höchstens"})],
)  # fmt: skip
def test_exports_name_columns_and_codes_in_the_chosen_language(
    demo_db: Path, table: str, lang: str, column: str, expected: set[str]
) -> None:
    rows = csv_rows(export_bytes(Store(Database.open(demo_db)), table, "csv", lang))
    assert {r[column] for r in rows} <= expected
    assert len({r[column] for r in rows}) >= 2


@pytest.mark.parametrize(
    ("lang", "header"),
    [("en", ["Platform", "Campaign in the file", "Variant", "Segment", "Day", "Last day",
             "Currency", "Spend", "Impressions"]),
     ("de", ["Plattform", "Kampagne in der Datei", "Variante", "Segment", "Tag", "Letzter Tag",
             "Währung",
             "Ausgaben", "Impressionen"])],
)  # fmt: skip
def test_fact_export_headers_read_as_on_the_pages(
    demo_db: Path, lang: str, header: list[str]
) -> None:
    data = export_bytes(Store(Database.open(demo_db)), "facts", "xlsx", lang)
    sheet = load_workbook(io.BytesIO(data)).active
    names = [c.value for c in sheet[1]]
    assert names[:9] == header
    assert ("Reply time (s)" if lang == "en" else "Antwortzeit (s)") in names
    assert isinstance(sheet.cell(row=2, column=8).value, float | int)


def test_cli_export_speaks_german_when_asked(db_path: Path, tmp_path: Path) -> None:
    assert run("campaign", "add", "Frühling")[0] == 0
    out = tmp_path / "c.csv"
    assert run("export", "campaigns", "--out", str(out), "--lang", "de")[0] == 0
    (row,) = csv_rows(out.read_bytes())
    assert (row["Name"], row["Status"]) == ("Frühling", "Aktiv")
