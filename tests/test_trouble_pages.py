"""The dashboard on a database in trouble: one page that says what happened and what to do (no
traceback, no other page, no command-line option), in English and German."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from experiments.migrations import HEAD
from tests import broken_databases as broken
from tests.apptest import app, shown
from tests.test_language_url import opened_with
from tests.test_pages import PAGES

NOTHING = "Nothing was written."
UPDATE = (
    "Ask your admin to update Launch & Learn (git pull, then pip install -r requirements.txt) "
    "and restart the dashboard. The file itself is fine; keep it as it is."
)
NOT_OURS = (
    "Ask your admin to point the dashboard at the tracker's database file (by default "
    "data/tracker.duckdb) and restart it."
)
RESTORE = (
    "Ask your admin to restore the latest backup copy of the file, or to re-import the platform "
    "exports into a new database."
)
CHECKSUM = r"IO Error: Corrupt database file: computed checksum \d+ does not match stored checksum \d+ in block at location \d+"

# case: (maker, held, title, what happened (a pattern: {p} the path, {pid} and {program} the
# lock's holder, {checksum} DuckDB's report), what to do)
CASES = {
    "held by another process": (
        broken.demo_copy, True, "The database is in use by another program",
        "{p} is in use by another program (process {pid}, {program}), which holds its lock, so "
        "Launch & Learn cannot open it.",
        "Close the other program that uses the file, for example a command still running in a "
        "terminal or a second dashboard, then reload this page.",
    ),
    "schema of a newer version": (
        broken.schema_too_new, False, "The database is newer than this version of Launch & Learn",
        f"{{p}} has schema version {HEAD + 1}, but this version of Launch & Learn understands "
        f"schema versions up to {HEAD} only.",
        UPDATE,
    ),
    "storage of a newer DuckDB": (
        broken.storage_too_new, False,
        "The database is newer than this version of Launch & Learn",
        "{p} was written by a newer DuckDB (storage version 99); the DuckDB of this installation "
        f"reads storage versions up to {broken.DUCKDB_READS_UP_TO} only.",
        UPDATE,
    ),
    "damaged header": (
        broken.damaged_header, False, "The database file is damaged",
        "{p} is damaged in the part DuckDB reads to open it (its header or catalog), so it "
        "cannot be opened (DuckDB reports: {checksum}).",
        RESTORE,
    ),
    "SQLite file": (
        broken.sqlite_file, False, "This file is not a Launch & Learn database",
        "{p} is a SQLite database; Launch & Learn keeps its data in a DuckDB database and cannot "
        "use this file.",
        NOT_OURS,
    ),
    "empty file": (
        broken.empty_file, False, "This file is not a Launch & Learn database",
        "{p} is an empty file, not a database.", NOT_OURS,
    ),
    "another program's DuckDB": (
        broken.foreign_duckdb, False, "This file is not a Launch & Learn database",
        "{p} is a DuckDB database of another program: it holds tables, but none of Launch & "
        "Learn's.",
        NOT_OURS,
    ),
    "folder": (
        broken.folder, False, "The database file cannot be opened",
        "{p} is a folder, not a database file.",
        "Ask your admin to point the dashboard at a database file inside the folder, such as "
        "data/tracker.duckdb, and restart it.",
    ),
}  # fmt: skip


@contextmanager
def in_trouble(
    name: str, tmp_path: Path, template: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[Path, dict[str, str]]]:
    """Make the case's database, set it as $TRACKER_DB and hold it if that is its trouble."""
    make, held = CASES[name][:2]
    folder = tmp_path / "case"
    folder.mkdir()
    path = make(folder / "tracker.duckdb", template)
    monkeypatch.setenv("TRACKER_DB", str(path))
    with ExitStack() as stack:
        pid = stack.enter_context(broken.held(path)) if held else 0
        yield path, {"p": str(path), "pid": str(pid), "program": broken.holder_program()}


def pattern(template: str, values: dict[str, str]) -> str:
    text = re.escape(template.replace("{checksum}", "\0")).replace("\0", CHECKSUM)
    for name, value in values.items():
        text = text.replace(re.escape("{" + name + "}"), re.escape(value))
    return text


def assert_trouble_page(at: AppTest, title: str, what: str, do: str) -> None:
    """The page is the trouble page alone: its title, what happened, what to do."""
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [title]
    [happened] = [shown(e.value) for e in at.error]
    assert re.fullmatch(what, happened), happened
    assert [shown(i.value) for i in at.info] == [do]
    assert "--db" not in str(at) and "Traceback" not in str(at)
    # Nothing of any page is drawn: only the language switch is there besides the message.
    assert [s.key for s in at.selectbox] == ["lang"]
    assert not at.button and not at.dataframe and not at.tabs


@pytest.mark.parametrize("page", [None, "views/goals.py", "views/imports.py"])
@pytest.mark.parametrize("name", CASES)
def test_each_trouble_is_one_page_saying_what_to_do(
    name: str,
    page: str | None,
    tmp_path: Path,
    demo_template: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _, _, title, what, do = CASES[name]
    with in_trouble(name, tmp_path, demo_template, monkeypatch) as (path, values):
        before = broken.snapshot(path.parent)
        at = app(page)
        assert_trouble_page(at, title, pattern(what, values) + " " + re.escape(NOTHING), do)
    assert broken.snapshot(path.parent) == before


GERMAN = {
    "held by another process": (
        "Die Datenbank wird von einem anderen Programm benutzt",
        "{p} wird von einem anderen Programm benutzt (Prozess {pid}, {program}), das die Datei "
        "gesperrt hält; darum kann Launch & Learn sie nicht öffnen. Es wurde nichts geschrieben.",
        "Schließen Sie das andere Programm, das die Datei benutzt, etwa einen Befehl, der noch in "
        "einem Terminal läuft, oder ein zweites Dashboard, und laden Sie diese Seite dann neu.",
    ),
    "SQLite file": (
        "Diese Datei ist keine Datenbank von Launch & Learn",
        "{p} ist eine SQLite-Datenbank; Launch & Learn speichert seine Daten in einer "
        "DuckDB-Datenbank und kann diese Datei nicht benutzen. Es wurde nichts geschrieben.",
        "Bitten Sie Ihren Admin, das Dashboard auf die Datenbankdatei des Trackers zu richten "
        "(standardmäßig data/tracker.duckdb) und es neu zu starten.",
    ),
}


@pytest.mark.parametrize("name", GERMAN)
def test_the_trouble_page_speaks_german(
    name: str, tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    title, what, do = GERMAN[name]
    with in_trouble(name, tmp_path, demo_template, monkeypatch) as (_, values):
        at = opened_with({"lang": "de"})
        assert_trouble_page(at, title, pattern(what, values), do)


def test_the_dashboard_opens_once_the_other_program_lets_go(
    tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with in_trouble("held by another process", tmp_path, demo_template, monkeypatch):
        at = app()
        assert at.title[0].value == "The database is in use by another program"
    at.run()  # a reload: the refused open was not kept
    assert not at.exception and not at.error
    assert at.title[0].value == "Overview"


DAMAGED_WHAT = (
    "Part of {p} is damaged and cannot be read (DuckDB reports: {checksum}). Nothing was written."
)
DAMAGED_DO = (
    "Ask your admin to stop the dashboard and run python -m experiments check on this file, "
    "which names the damaged tables; then restore the latest backup copy of the file, or "
    "re-import the platform exports into a new database."
)


@pytest.mark.parametrize("page", PAGES)
def test_a_damaged_table_found_by_a_page_is_explained_not_a_traceback(
    page: str, tmp_path: Path, demo_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = broken.damaged_table(tmp_path / "tracker.duckdb", demo_template)
    monkeypatch.setenv("TRACKER_DB", str(path))
    at = app(page)
    assert not at.exception, [e.value for e in at.exception]
    errors, infos = [shown(e.value) for e in at.error], [shown(i.value) for i in at.info]
    what = pattern(DAMAGED_WHAT, {"p": str(path)})
    # A page that reads the damaged facts says so, in one box (a read the page reports) or as
    # the trouble's title, box and advice (a read that ends the page); never the reference of
    # an unexpected error.
    for error in errors:
        boxed = re.fullmatch(f"{what} {re.escape(DAMAGED_DO)}", error)
        assert boxed or (re.fullmatch(what, error) and DAMAGED_DO in infos), error
    assert "--db" not in str(at)
    if page in ("views/overview.py", "views/goals.py", "views/cycle.py", "views/compare.py"):
        assert errors
