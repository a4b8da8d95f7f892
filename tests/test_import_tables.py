"""Files with several tables a platform knows (GA4's Reports snapshot): the analyst picks one.

tests/fixtures/ga4_snapshot_tables.csv holds five tables, three of which a platform knows:
channel group by date (line 17), source / medium by date (line 32) and campaign by date (line
39), between "Nth day" and "Country", which none knows. Without a choice the file is refused,
naming the three; with one, exactly that table is imported. The expected figures are added up
by hand from the fixture's invented numbers. A file with one known table
(tests/fixtures/ga4_snapshot.csv) imports as before, in tests/test_import_fixtures.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments.db import Database
from experiments.errors import ImportFormatError
from experiments.importers import service
from experiments.importers.snapshot import SeveralTables
from experiments.store import Store
from tests.apptest import app, assert_clean, shown
from tests.cli_runner import run_cli
from tests.conftest import FIXTURES
from tests.sql import row_counts
from tests.test_import_blank_lines import HEADER, ROWS, TITLE, lines
from tests.test_import_page import PAGE, metrics, stored, upload
from tests.test_import_real_text import german

NAME = "ga4_snapshot_tables.csv"
DATA = (FIXTURES / NAME).read_bytes()
CHANNELS = "1. “Session default channel group by date” (line 17)"
SOURCES = "2. “Session source / medium by date” (line 32)"
CAMPAIGNS = "3. “Session campaign by date” (line 39)"
NAMED = f"{CHANNELS}; {SOURCES}; {CAMPAIGNS}"
SEVERAL = (
    f"{NAME}: the file holds several tables a platform knows — {NAMED} — and one import reads "
    "one table: choose it by its number or its title, on the command line with --table (for "
    'example --table 1 or --table "TITLE"), on the import page under “Table to import”'
)

# (choice, platform, rows, first and last day, totals, lines left out above and below)
TABLES: list[tuple[str, str, int, str, str, dict[str, float], int, int]] = [
    ("1", "ga4_channels", 3, "2026-11-04", "2026-11-06",
     {"sessions": 1360, "engaged_sessions": 890, "conversions": 19}, 15, 19),
    ("2", "ga4_source_medium", 2, "2026-11-04", "2026-11-05",
     {"sessions": 960, "engaged_sessions": 620, "conversions": 15}, 28, 7),
    ("3", "ga4", 3, "2026-11-04", "2026-11-06",
     {"sessions": 940, "engaged_sessions": 590, "conversions": 14, "revenue": 629.5}, 34, 0),
    # By title: as the '#' line writes it, in any case and with other spaces.
    ("Session default channel group by date", "ga4_channels", 3, "2026-11-04", "2026-11-06",
     {"sessions": 1360, "engaged_sessions": 890, "conversions": 19}, 15, 19),
    ("  session SOURCE / medium   by date ", "ga4_source_medium", 2, "2026-11-04",
     "2026-11-05", {"sessions": 960, "engaged_sessions": 620, "conversions": 15}, 28, 7),
]  # fmt: skip


@pytest.mark.parametrize(
    ("choice", "platform", "rows", "first", "last", "totals", "above", "below"), TABLES,
    ids=["number 1", "number 2", "number 3", "title 1", "title 2 in other case and spaces"],
)  # fmt: skip
def test_each_table_of_the_snapshot_imports_exactly(
    store: Store, db: Database, choice: str, platform: str, rows: int, first: str, last: str,
    totals: dict[str, float], above: int, below: int,
) -> None:  # fmt: skip
    summary = service.run(store, DATA, NAME, table=choice)
    assert (summary.platform, summary.rows, summary.new_rows) == (platform, rows, rows)
    assert (str(summary.date_min), str(summary.date_max)) == (first, last)
    assert {m: v for m, v in summary.totals.items() if v is not None} == totals
    assert summary.skipped == {"summary": 0, "totals": 0, "preamble": above, "trailing": below}
    assert summary.table is not None and len(summary.tables) == 3
    assert store.fact_count() == rows == row_counts(db)["metric_fact"]
    assert [r.rows for r in store.imports()] == [rows]


# (case, the file, the choice, the message)
REFUSALS: list[tuple[str, bytes, str | None, str]] = [
    ("no choice", DATA, None, SEVERAL),
    ("an empty choice", DATA, " ", SEVERAL),
    ("a number past the last table", DATA, "4",
     f"{NAME}: the file has no table number 4 — the tables a platform knows in it are {NAMED}: "
     "choose one by its number (1, 2, 3) or its title"),
    ("number 0", DATA, "0",
     f"{NAME}: the file has no table number 0 — the tables a platform knows in it are {NAMED}: "
     "choose one by its number (1, 2, 3) or its title"),
    ("the title of a table no platform knows", DATA, "Country",
     f"{NAME}: no table of the file has the title “Country” — the tables a platform knows in it "
     f"are {NAMED}: choose one by its number (1, 2, 3) or its title as written there"),
    ("a digit that is no number", DATA, "²",
     f"{NAME}: no table of the file has the title “²” — the tables a platform knows in it are "
     f"{NAMED}: choose one by its number (1, 2, 3) or its title as written there"),
    ("an unknown title", DATA, "Landing page",
     f"{NAME}: no table of the file has the title “Landing page” — the tables a platform knows "
     f"in it are {NAMED}: choose one by its number (1, 2, 3) or its title as written there"),
    ("a title two tables have", DATA.replace(b"# Session campaign by date",
                                             b"# Session source / medium by date"),
     "Session source / medium by date",
     f"{NAME}: 2 tables of the file have the title “Session source / medium by date” — the "
     f"tables a platform knows in it are {CHANNELS}; {SOURCES}; 3. “Session source / medium by "
     "date” (line 39): choose the one you mean by its number (1, 2, 3)"),
    # Without '#' lines a table is named by its header's first cells: here a Google Ads report
    # with the same report again below a blank line (it used to be left out without a word).
    ("the same report twice, without titles",
     lines(TITLE, HEADER, ROWS[:50], "", HEADER, ROWS[50:]).encode(), None,
     f"{NAME}: the file holds several tables a platform knows — 1. the table headed Campaign, "
     "Ad group, Day … (line 3); 2. the table headed Campaign, Ad group, Day … (line 55) — and "
     "one import reads one table: choose it by its number or its title, on the command line "
     'with --table (for example --table 1 or --table "TITLE"), on the import page under “Table '
     "to import”"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("data", "choice", "message"), [c[1:] for c in REFUSALS], ids=[c[0] for c in REFUSALS]
)
def test_a_file_of_several_tables_is_refused_naming_them_and_nothing_is_written(
    store: Store, db: Database, data: bytes, choice: str | None, message: str
) -> None:
    before = row_counts(db)
    with pytest.raises(SeveralTables) as caught:
        service.run(store, data, NAME, table=choice)
    assert str(caught.value) == message
    assert row_counts(db) == before


TEXT = DATA.decode()
HEADERS = [line for line in TEXT.splitlines() if line.startswith("Session ")]
# (case, the fixture's text changed): the three tables are found wherever the blank lines,
# line ends and other tables put them.
LAYOUTS: list[tuple[str, str]] = [
    ("CRLF line ends", TEXT.replace("\n", "\r\n")),
    ("two blank lines and an Excel row of commas between tables",
     TEXT.replace("\n\n", "\n\n,,,,\n\n")),
    ("12,000 rows of a table nobody knows between them",
     TEXT.replace("Austria,620\n", "".join(f"Land {n},{n}\n" for n in range(12000)))),
    # A header inside a quoted cell, below a blank line of that cell, is no table.
    ("a quoted cell with a blank line inside, in a table nobody knows",
     TEXT.replace("Austria,620", 'Austria,"6\n\nSession campaign,Date,Sessions\n20"')),
]  # fmt: skip


@pytest.mark.parametrize("text", [c[1] for c in LAYOUTS], ids=[c[0] for c in LAYOUTS])
def test_the_tables_are_found_in_other_layouts(store: Store, text: str) -> None:
    numbers = [text.splitlines().index(h) + 1 for h in HEADERS]
    with pytest.raises(SeveralTables) as caught:
        service.run(store, text.encode(), NAME)
    assert [(k.number, k.line, k.title) for k in caught.value.tables] == [
        (1, numbers[0], "Session default channel group by date"),
        (2, numbers[1], "Session source / medium by date"),
        (3, numbers[2], "Session campaign by date"),
    ]
    summary = service.run(store, text.encode(), NAME, table="3")
    assert (summary.rows, summary.totals["sessions"], summary.totals["revenue"]) == (3, 940, 629.5)


def test_the_refusal_in_german(store: Store) -> None:
    with pytest.raises(SeveralTables) as caught:
        service.run(store, DATA, NAME, table="9")
    assert caught.value.text("de") == (
        f"{NAME}: Die Datei hat keine Tabelle Nummer 9 — die Tabellen darin, die eine Plattform "
        "kennt, sind 1. „Session default channel group by date“ (Zeile 17); 2. „Session source / "
        "medium by date“ (Zeile 32); 3. „Session campaign by date“ (Zeile 39): Wählen Sie eine "
        "nach ihrer Nummer (1, 2, 3) oder ihrem Titel"
    )


def test_the_same_report_twice_imports_the_one_chosen(store: Store) -> None:
    data = lines(TITLE, HEADER, ROWS[:50], "", HEADER, ROWS[50:]).encode()
    first, second = (service.run(store, data, NAME, table=n, dry_run=True) for n in ("1", "2"))
    assert (first.rows, first.totals["clicks"]) == (50, 1275)
    assert (second.rows, second.totals["clicks"]) == (50, 5050 - 1275)


def test_each_table_of_one_file_is_its_own_import_and_none_is_counted_twice(
    store: Store,
) -> None:
    one = service.run(store, DATA, NAME, table="1")
    three = service.run(store, DATA, NAME, table="Session campaign by date")
    assert (one.rows, three.rows, store.fact_count()) == (3, 3, 6)
    # The same table again, by number or by title, is the same import: nothing is written.
    for choice in ("3", "session campaign by date"):
        again = service.run(store, DATA, NAME, table=choice)
        assert again.duplicate_of == three.import_id
    assert store.fact_count() == 6 and len(store.imports()) == 2


@pytest.mark.parametrize("choice", [None, "1"], ids=["no choice", "table 1"])
def test_a_file_with_one_known_table_imports_as_before(store: Store, choice: str | None) -> None:
    summary = service.run(store, (FIXTURES / "ga4_snapshot.csv").read_bytes(), "s.csv",
                          table=choice)  # fmt: skip
    assert (summary.platform, summary.rows) == ("ga4_channels", 2)
    assert (summary.table, summary.tables) == (None, ())
    assert summary.as_json()["table"] is None
    # Its bytes are the import's identity as before: the same file again is a duplicate.
    again = service.run(store, (FIXTURES / "ga4_snapshot.csv").read_bytes(), "s.csv")
    assert again.duplicate_of == summary.import_id


def test_a_file_with_one_known_table_refuses_another_number(store: Store) -> None:
    with pytest.raises(ImportFormatError) as caught:
        service.run(store, (FIXTURES / "ga4_snapshot.csv").read_bytes(), "s.csv", table="2")
    assert str(caught.value) == (
        "s.csv: the file has no table number 2 — the tables a platform knows in it are 1. "
        "“Session default channel group by date” (line 16): choose one by its number (1) or its "
        "title"
    )
    assert store.fact_count() == 0


def test_the_command_line_refuses_without_table_and_imports_the_one_named(db_path: Path) -> None:
    path = str(FIXTURES / NAME)
    assert run_cli("import", path) == (2, "", f"error: {SEVERAL}\n")
    assert stored(db_path) == (0, [])
    assert run_cli("import", path, "--table", "9") == (2, "", (
        f"error: {NAME}: the file has no table number 9 — the tables a platform knows in it are "
        f"{NAMED}: choose one by its number (1, 2, 3) or its title\n"
    ))  # fmt: skip
    assert stored(db_path) == (0, [])
    code, out, err = run_cli("import", path, "--table", "2", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["rows"], doc["platform"]) == (2, "ga4_source_medium")
    assert doc["totals"] == {"sessions": 960, "engaged_sessions": 620, "conversions": 15}
    assert doc["table"] == {"number": 2, "title": "Session source / medium by date", "line": 32,
                            "of": 3}  # fmt: skip
    assert stored(db_path) == (2, ["imported"])
    code, out, _ = run_cli("import", path, "--table", "Session campaign by date")
    assert code == 0
    assert out.splitlines()[1] == (
        "table 3. “Session campaign by date” (line 39), of 3 a platform knows in the file"
    )
    assert stored(db_path) == (5, ["imported", "imported"])


def test_the_command_lines_help_names_the_option() -> None:
    code, out, _ = run_cli("import", "--help")
    assert code == 0
    assert "--table N|TITLE" in out and "GA4 Reports snapshot" in " ".join(out.split())


INFO = (
    "This file holds several tables a platform knows (a report snapshot, for example), and one "
    "import reads one table. Choose the table to import; nothing is read before you do."
)


def test_the_page_offers_the_tables_and_imports_the_one_chosen(db_path: Path) -> None:
    at = upload(app(PAGE), NAME)
    assert_clean(at)
    assert [shown(i.value) for i in at.info] == [INFO]
    (box,) = [b for b in at.selectbox if b.label == "Table to import"]
    assert box.value is None
    assert list(box.options) == [CHANNELS, SOURCES, CAMPAIGNS]
    assert not any(b.key == "import_run" for b in at.button)  # nothing to import before a choice
    box.set_value(3).run()
    assert_clean(at)
    assert not at.info
    assert metrics(at)["Data rows"] == "3"
    assert stored(db_path) == (0, [])
    at.button(key="import_run").click().run()
    assert_clean(at)
    assert stored(db_path) == (3, ["imported"])
    # The box stays: another table of the same file is imported next, the same one is not again.
    (box,) = [b for b in at.selectbox if b.label == "Table to import"]
    assert box.value == 3
    box.set_value(1).run()
    assert_clean(at)
    assert metrics(at)["Data rows"] == "3"
    at.button(key="import_run").click().run()
    assert_clean(at)
    assert stored(db_path) == (6, ["imported", "imported"])
    (box,) = [b for b in at.selectbox if b.label == "Table to import"]
    box.set_value(3).run()
    assert shown(at.info[0].value).startswith("This exact file was imported before")
    assert not any(b.key == "import_run" for b in at.button)


def test_the_page_offers_the_tables_in_german(db_path: Path) -> None:
    at = german(app(PAGE))
    at = upload(at, NAME)
    assert_clean(at)
    assert [shown(i.value) for i in at.info] == [
        "Diese Datei enthält mehrere Tabellen, die eine Plattform kennt (zum Beispiel ein "
        "Berichts-Snapshot), und ein Import liest eine Tabelle. Wählen Sie die zu importierende "
        "Tabelle; vorher wird nichts gelesen."
    ]
    (box,) = [b for b in at.selectbox if b.label == "Zu importierende Tabelle"]
    assert list(box.options) == [
        "1. „Session default channel group by date“ (Zeile 17)",
        "2. „Session source / medium by date“ (Zeile 32)",
        "3. „Session campaign by date“ (Zeile 39)",
    ]
    box.set_value(2).run()
    assert_clean(at)
    assert stored(db_path) == (0, [])
    at.button(key="import_run").click().run()
    assert_clean(at)
    assert stored(db_path) == (2, ["imported"])
