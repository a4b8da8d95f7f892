"""Exports: formula-safe CSV and XLSX of every table, read back with csv and openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

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
    names = {r["name"] for r in rows}
    assert {"'" + n for n in INJECTED} <= names
    assert "Spring Sale" in names
    aliases = {r["aliases"] for r in rows}
    assert "'=SPR()" in aliases


def test_csv_keeps_negative_numbers_numbers(injected: Store) -> None:
    row, tabbed = csv_rows(export_bytes(injected, "facts", "csv"))
    assert (tabbed["source_campaign"], tabbed["variant"]) == ("'\t=1+1", "'\r=2")
    assert (row["source_campaign"], row["spend"], row["clicks"]) == ("'=SPR()", "-12.5", "3.0")
    assert row["date"] == "2026-03-01"
    (cycle,) = csv_rows(export_bytes(injected, "cycles", "csv"))
    assert cycle["hypothesis"] == "'-shorter copy wins"


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
    spend = facts.cell(row=2, column=header.index("spend") + 1)
    assert (spend.value, spend.data_type) == (-12.5, "n")
    when = facts.cell(row=2, column=header.index("date") + 1).value
    assert when.date() == date(2026, 3, 1)
    tabbed = facts.cell(row=3, column=header.index("source_campaign") + 1)
    assert (tabbed.value, tabbed.data_type) == ("'\t=1+1", "s")


def test_xlsx_drops_control_characters_excel_cannot_hold(tmp_path: Path) -> None:
    assert write_xlsx(tmp_path / "x.xlsx", ["name"], [[("a\x00b\x07c",)]], sheet="x") == 1
    assert load_workbook(tmp_path / "x.xlsx").active["A2"].value == "abc"


def test_csv_of_an_empty_table_has_its_header(store: Store) -> None:
    assert csv_bytes(store.export_table("goals")).decode("utf-8-sig").splitlines()[0] == (
        "name,metric,comparator,target,baseline,period_start,period_end,scope_kind,scope,owner,"
        "objective"
    )


def test_cli_export_writes_csv_and_xlsx(db_path: Path, tmp_path: Path) -> None:
    assert run("campaign", "add", "=HYPERLINK(1)")[0] == 0
    out = tmp_path / "c.csv"
    assert run("export", "campaigns", "--out", str(out)) == (
        0,
        f"wrote 1 rows of campaigns to {out}\n",
        "",
    )
    assert csv_rows(out.read_bytes())[0]["name"] == "'=HYPERLINK(1)"
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
