"""A blank line inside an export's data: the rows below it are no longer dropped without a word.

When they look like the same table, the import asks (the command line refuses and names the
lines, the page warns and offers the choice): all rows, or only those above the blank line.
When another table follows (totals, chart data), the table ends there as before; a second
report a platform knows makes it a file of several tables (tests/test_import_tables.py). The
fixture (tests/fixtures/google_ads_blank_line.csv) has 100 rows with a blank line 54 after the
50th; its variants are made from it here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments import imports_view as iv
from experiments.errors import ImportFormatError
from experiments.importers import service
from experiments.importers.gaps import BlankLines, BlankLinesInData
from experiments.store import Store
from tests.apptest import app, assert_clean, shown
from tests.cli_runner import run_cli
from tests.conftest import FIXTURES
from tests.test_import_page import PAGE, metrics, stored, upload

NAME = "google_ads_blank_line.csv"
TEXT = (FIXTURES / NAME).read_text(encoding="utf-8")
LINES = TEXT.splitlines()  # line n of the file is LINES[n - 1]
HEADER, ROWS, TOTAL = LINES[2], LINES[3:53] + LINES[54:104], LINES[104]
TITLE = LINES[:2]


def lines(*parts: list[str] | str) -> str:
    out: list[str] = []
    for part in parts:
        out.extend([part] if isinstance(part, str) else part)
    return "\n".join(out) + "\n"


def quoted(row: str) -> str:
    """Return the row with its campaign name in quotes and a blank line inside it (two lines more)."""
    return row.replace("Autumn Garden", '"Autumn\n\nGarden"', 1)


REFUSAL = (
    f"{NAME}, line 54: a blank line stands inside the data: lines 55–104 below it look like more "
    "rows of the same table (as many columns, the same kinds of values) — add --past-blank-lines "
    "to import them too (blank lines inside the data are gaps), or --stop-at-blank-line to "
    "import only the rows above line 54"
)

# (case, the file's text, and the blank lines and the rows below them, or the rows imported
#  whatever the choice when the table ends at the blank line)
CASES: list[tuple[str, str, tuple[tuple[int, ...], int, int] | int]] = [
    ("the fixture: a blank line after row 50", TEXT, ((54,), 55, 104)),
    ("an Excel row of commas as the blank line",
     lines(TITLE, HEADER, ROWS[:50], ",,,,,,,", ROWS[50:], TOTAL), ((54,), 55, 104)),
    ("two blank lines in a row", lines(TITLE, HEADER, ROWS[:50], "", "  ", ROWS[50:], TOTAL),
     ((54, 55), 56, 105)),
    ("a second gap further down",
     lines(TITLE, HEADER, ROWS[:50], "", ROWS[50:75], "", ROWS[75:], TOTAL),
     ((54, 80), 55, 105)),
    ("a totals block after the blank line",
     lines(TITLE, HEADER, ROWS[:50], "", "Total: Search,,,EUR,500.00,\"50,000\",\"1,275\",69.00",
           TOTAL), 50),
    ("chart data after the blank line",
     lines(TITLE, HEADER, ROWS[:50], "", "Day,Clicks", "2026-09-01,15", "2026-09-02,40"), 50),
    ("as many columns, but words where numbers belong",
     lines(TITLE, HEADER, ROWS[:50], "", *[r.replace("10.00", "ten") for r in ROWS[50:]]), 50),
    ("a comment block after the blank line",
     lines(TITLE, HEADER, ROWS[:50], "", "# Downloaded by the analyst", *ROWS[50:]), 50),
    ("a blank line in quotes above the gap",
     lines(TITLE, HEADER, ROWS[:10], quoted(ROWS[10]), ROWS[11:50], "", ROWS[50:], TOTAL),
     ((56,), 57, 106)),
    ("a blank line in quotes below the gap",
     lines(TITLE, HEADER, ROWS[:50], "", ROWS[50:60], quoted(ROWS[60]), ROWS[61:], TOTAL),
     ((54,), 55, 106)),
    ("a blank line in quotes, then chart data after a real blank line",
     lines(TITLE, HEADER, ROWS[:10], quoted(ROWS[10]), ROWS[11:50], "", "Day,Clicks",
           "2026-09-01,15"), 50),
    ("blank lines only at the end", lines(TITLE, HEADER, ROWS, TOTAL, "", "", ""), 100),
    ("Excel rows of commas only at the end", lines(TITLE, HEADER, ROWS, ",,,,,,,", ",,,,,,,"),
     100),
]  # fmt: skip


def dry_run(store: Store, text: str, choice: BlankLines) -> service.ImportSummary:
    return service.run(store, text.encode(), NAME, dry_run=True, blank_lines=choice)


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_rows_below_a_blank_line_are_asked_about_only_when_they_continue_the_table(
    store: Store, text: str, expected: tuple[tuple[int, ...], int, int] | int
) -> None:
    if isinstance(expected, int):  # another table follows, or nothing: the choice changes nothing
        for choice in BlankLines:
            summary = dry_run(store, text, choice)
            assert (summary.rows, summary.gap) == (expected, None), choice
        return
    blank, first, last = expected
    with pytest.raises(BlankLinesInData) as caught:
        dry_run(store, text, BlankLines.REFUSE)
    gap = caught.value.gap
    assert (gap.blank_lines, gap.first_line, gap.last_line) == (blank, first, last)
    past, stop = dry_run(store, text, BlankLines.PAST), dry_run(store, text, BlankLines.STOP)
    assert (past.rows, past.totals["clicks"], past.skipped["totals"]) == (100, 5050, 1)
    assert (stop.rows, stop.totals["clicks"], stop.skipped["totals"]) == (50, 1275, 0)
    # The lines with text below the first blank line, as before: 50 rows and the total (and
    # the second line of a name that holds a blank line).
    below = [line for line in text.splitlines()[blank[0] :] if line.strip()]
    assert stop.skipped["trailing"] == len(below) >= 51
    assert [n.key for n in past.notices if "blank" in n.key] == ["import.warn.blank_lines_past"]
    assert [n.key for n in stop.notices if "blank" in n.key] == ["import.warn.blank_lines_stop"]


@pytest.mark.parametrize("choice", list(BlankLines))
def test_a_blank_line_inside_a_quoted_cell_is_no_gap(store: Store, choice: BlankLines) -> None:
    # Row 51's campaign name holds a blank line, in quotes: the table goes on through it, whole,
    # and nothing is asked about (before, the table ended inside the cell).
    text = lines(TITLE, HEADER, ROWS[:50], quoted(ROWS[50]), ROWS[51:], TOTAL)
    summary = dry_run(store, text, choice)
    assert (summary.rows, summary.totals["clicks"], summary.gap) == (100, 5050, None)
    assert summary.skipped == {"summary": 0, "totals": 1, "preamble": 2, "trailing": 0}
    assert not [n.key for n in summary.notices if "blank" in n.key]


# (case, the line whose cell is broken, the message's start)
BROKEN: list[tuple[str, int, str]] = [
    ("above the blank line", 30, f"{NAME}, line 30, column 5: 'ten' in 'Cost' is not a number"),
    ("below the blank line", 80, f"{NAME}, line 80, column 5: 'ten' in 'Cost' is not a number"),
    ("the last row", 104, f"{NAME}, line 104, column 5: 'ten' in 'Cost' is not a number"),
]  # fmt: skip


@pytest.mark.parametrize(("line", "message"), [c[1:] for c in BROKEN], ids=[c[0] for c in BROKEN])
def test_messages_name_the_files_own_line_past_a_blank_line(
    store: Store, line: int, message: str
) -> None:
    broken = LINES.copy()
    broken[line - 1] = broken[line - 1].replace("10.00", "ten")
    with pytest.raises(ImportFormatError) as caught:
        service.run(store, lines(broken).encode(), NAME, blank_lines=BlankLines.PAST)
    assert str(caught.value).startswith(message)
    assert store.fact_count() == 0


def test_a_repeated_row_below_the_gap_names_both_lines(store: Store) -> None:
    repeated = LINES.copy()
    repeated[89] = LINES[10]  # line 90 repeats line 11
    with pytest.raises(ImportFormatError) as caught:
        service.run(store, lines(repeated).encode(), NAME, blank_lines=BlankLines.PAST)
    assert str(caught.value).startswith(
        f"{NAME}, line 90: the row repeats line 11 — both are for campaign 'Autumn Garden', "
        "variant 'Ad group 3', segment '' and 2026-09-02 to 2026-09-02"
    )


@pytest.mark.parametrize(
    ("flags", "rows", "warning"),
    [(["--past-blank-lines"], 100,
      "warning: Line 54 is blank, inside the data: it is read as a gap, and lines 55–104 below "
      "it are imported too.\n"),
     (["--stop-at-blank-line"], 50,
      "warning: Line 54 is blank, inside the data: only the rows above it are imported; lines "
      "55–104 below it, which look like more rows of the same table, are left out.\n")],
    ids=["past", "stop"],
)  # fmt: skip
def test_the_command_line_refuses_by_default_and_imports_as_told(
    db_path: Path, flags: list[str], rows: int, warning: str
) -> None:
    path = str(FIXTURES / NAME)
    assert run_cli("import", path) == (2, "", f"error: {REFUSAL}\n")
    assert stored(db_path) == (0, [])
    code, out, err = run_cli("import", path, *flags, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["rows"] == rows
    assert doc["blank_lines"] == {"lines": [54], "rows_below": [55, 104], "read": rows == 100}
    assert warning in err
    assert stored(db_path) == (rows, ["imported"])


def test_the_command_line_takes_one_choice_only(db_path: Path) -> None:
    code, out, err = run_cli(
        "import", str(FIXTURES / NAME), "--past-blank-lines", "--stop-at-blank-line"
    )
    assert (code, out) == (2, "")
    assert "argument --stop-at-blank-line: not allowed with argument --past-blank-lines" in err


WARNING = (
    "Line 54 of this file is blank, but lines 55–104 below it look like more rows of the same "
    "table (as many columns, the same kinds of values). A blank line usually ends an export's "
    "table, so choose what to import before anything is read: all rows, or only those above the "
    "blank line."
)
CHOICES = ["Import all rows (the blank line is only a gap)", "Import only the rows above line 54"]


@pytest.mark.parametrize(("choice", "rows"), [(0, 100), (1, 50)], ids=["all rows", "above only"])
def test_the_page_warns_and_imports_what_was_chosen(db_path: Path, choice: int, rows: int) -> None:
    at = upload(app(PAGE), NAME)
    assert_clean(at)
    assert [shown(w.value) for w in at.warning] == [WARNING]
    (radio,) = at.radio
    assert (radio.value, list(radio.options)) == (None, CHOICES)
    assert not any(b.key == "import_run" for b in at.button)  # nothing to import before a choice
    radio.set_value(iv.BLANK_LINE_CHOICES[choice]).run()
    assert_clean(at)
    assert shown(at.warning[0].value) == WARNING  # still there, with the choice made
    assert metrics(at)["Data rows"] == str(rows)
    assert stored(db_path) == (0, [])
    at.button(key="import_run").click().run()
    assert_clean(at)
    assert stored(db_path) == (rows, ["imported"])


def test_the_page_asks_nothing_when_another_table_follows(db_path: Path) -> None:
    at = upload(app(PAGE), "ga4.csv")  # chart data below a blank line
    assert_clean(at)
    # The one warning left: GA4's revenue names no currency (the account currency is assumed).
    assert not at.radio and [w.value for w in at.warning] == [
        "The export names no currency: its amounts are taken to be in each campaign's account "
        "currency (set it on the Campaigns page or with 'currency CAMPAIGN CODE'; without one, "
        "the first import that names a currency decides, else EUR)."
    ]
    assert metrics(at)["Data rows"] == "6"
