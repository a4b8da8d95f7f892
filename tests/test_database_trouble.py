"""A database in trouble: each case gets its named error and a message that says what happened and
what to do, on the command line without a traceback, and nothing is written to the file."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, ExitStack, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from experiments.db import Database, translate
from experiments.errors import (
    DatabaseCorrupt,
    DatabaseError,
    DatabaseLocked,
    DatabaseTooNew,
    DatabaseTrouble,
    DatabaseUnreadable,
    NotATrackerDatabase,
)
from experiments.i18n import LANGS, catalogs
from experiments.migrations import HEAD
from tests import broken_databases as broken
from tests.cli_runner import run_cli
from tests.conftest import ROOT

NOTHING = "Nothing was written."
CHECKSUM = (
    r"IO Error: Corrupt database file: computed checksum \d+ does not match stored checksum "
    r"\d+ in block at location \d+"
)
RESTORE_CLI = (
    "Restore the latest backup copy of the file, or re-import the platform exports into a new "
    "database (name a new file with --db)."
)
NOT_OURS_CLI = (
    "Name the tracker's database file with --db (by default data/tracker.duckdb); to start a "
    "new database, name a file that does not exist yet."
)
UPDATE_CLI = (
    "Update Launch & Learn (git pull, then pip install -r requirements.txt) and run the command "
    "again. The file itself is fine; keep it as it is."
)
ACCESS_CLI = (
    "Check the path and give your account read and write access to the file and its folder, or "
    "name another database file with --db."
)


@dataclass(frozen=True)
class Case:
    make: broken.Maker
    error: type[DatabaseTrouble]
    # The command line's message; {p} is the path, {pid} and {program} the lock's holder;
    # {checksum} stands for DuckDB's report of a checksum that does not match.
    message: str
    held: bool = False
    no_access: bool = False


CASES = {
    "held by another process": Case(
        broken.demo_copy,
        DatabaseLocked,
        "{p} is in use by another program (process {pid}, {program}), which holds its lock, so "
        f"Launch & Learn cannot open it. {NOTHING} Close the other program that uses the file "
        "(for example the dashboard, or a command still running in another terminal) and run the "
        "command again, or name another database file with --db.",
        held=True,
    ),
    "schema of a newer version": Case(
        broken.schema_too_new,
        DatabaseTooNew,
        f"{{p}} has schema version {HEAD + 1}, but this version of Launch & Learn understands "
        f"schema versions up to {HEAD} only. {NOTHING} {UPDATE_CLI}",
    ),
    "storage of a newer DuckDB": Case(
        broken.storage_too_new,
        DatabaseTooNew,
        "{p} was written by a newer DuckDB (storage version 99); the DuckDB of this installation "
        f"reads storage versions up to {broken.DUCKDB_READS_UP_TO} only. {NOTHING} {UPDATE_CLI}",
    ),
    "damaged header": Case(
        broken.damaged_header,
        DatabaseCorrupt,
        "{p} is damaged in the part DuckDB reads to open it (its header or catalog), so it "
        f"cannot be opened (DuckDB reports: {{checksum}}). {NOTHING} {RESTORE_CLI}",
    ),
    "SQLite file": Case(
        broken.sqlite_file,
        NotATrackerDatabase,
        "{p} is a SQLite database; Launch & Learn keeps its data in a DuckDB database and cannot "
        f"use this file. {NOTHING} {NOT_OURS_CLI}",
    ),
    "empty file": Case(
        broken.empty_file,
        NotATrackerDatabase,
        f"{{p}} is an empty file, not a database. {NOTHING} Delete the empty file to start a new "
        "database there, or name the tracker's database file with --db (by default "
        "data/tracker.duckdb).",
    ),
    "CSV file": Case(
        broken.text_file,
        NotATrackerDatabase,
        "{p} is not a DuckDB database: its first bytes are not those of one (it is another kind "
        f"of file, or its beginning is damaged). {NOTHING} {NOT_OURS_CLI}",
    ),
    "another program's DuckDB": Case(
        broken.foreign_duckdb,
        NotATrackerDatabase,
        "{p} is a DuckDB database of another program: it holds tables, but none of Launch & "
        f"Learn's. {NOTHING} {NOT_OURS_CLI}",
    ),
    "folder": Case(
        broken.folder,
        DatabaseUnreadable,
        f"{{p}} is a folder, not a database file. {NOTHING} Name a database file with --db, "
        "such as data/tracker.duckdb.",
    ),
    "path under a file": Case(
        broken.under_a_file,
        DatabaseUnreadable,
        f"{{p}} cannot be opened: part of its path is a file, not a folder. {NOTHING} {ACCESS_CLI}",
    ),
    "no permission": Case(
        broken.demo_copy,
        DatabaseUnreadable,
        "{p} cannot be opened: the account running Launch & Learn has no permission to read and "
        f"write it. {NOTHING} {ACCESS_CLI}",
        no_access=True,
    ),
}


@dataclass
class Made:
    path: Path
    folder: Path
    pattern: str
    no_access: bool

    def out_of_reach(self) -> AbstractContextManager[None]:
        """Return the context in which the case's file is out of reach (if that is its trouble)."""
        if not self.no_access:
            return nullcontext()
        catalogs()  # read while still allowed: the block opens no file of ours
        return broken.without_access(self.path)


@contextmanager
def made(case: Case, tmp_path: Path, template: Path) -> Iterator[Made]:
    """Make the case's file and keep it held for the block if that is its trouble."""
    folder = tmp_path / "case"
    folder.mkdir()
    path = case.make(folder / "tracker.duckdb", template)
    with ExitStack() as stack:
        pid = stack.enter_context(broken.held(path)) if case.held else 0
        values = {"p": str(path), "pid": str(pid), "program": broken.holder_program()}
        pattern = re.escape(case.message.replace("{checksum}", "\0")).replace("\0", CHECKSUM)
        for name, value in values.items():
            pattern = pattern.replace(re.escape("{" + name + "}"), re.escape(value))
        yield Made(path, folder, pattern, case.no_access)


@pytest.mark.parametrize("name", CASES)
def test_opening_gives_the_named_error_and_writes_nothing(
    name: str, tmp_path: Path, demo_template: Path
) -> None:
    case = CASES[name]
    with made(case, tmp_path, demo_template) as m:
        before = broken.snapshot(m.folder)
        with m.out_of_reach(), pytest.raises(DatabaseTrouble) as raised:
            Database.open(m.path)
        assert type(raised.value) is case.error
        assert re.fullmatch(m.pattern, raised.value.for_cli()), raised.value.for_cli()
    assert broken.snapshot(m.folder) == before


COMMANDS = [["check"], ["goals"], ["campaign", "list"], ["init"], ["report", "--out", "{out}"]]


@pytest.mark.parametrize("name", CASES)
def test_the_command_line_says_what_to_do_without_a_traceback(
    name: str, tmp_path: Path, demo_template: Path
) -> None:
    case = CASES[name]
    out = str(tmp_path / "report.html")
    with made(case, tmp_path, demo_template) as m:
        before = broken.snapshot(m.folder)
        for argv in COMMANDS:
            argv = [a.format(out=out) for a in argv]
            with m.out_of_reach():
                code, stdout, stderr = run_cli("--db", str(m.path), *argv)
            assert code == case.error.exit_code != 0, (argv, stderr)
            assert stdout == ""
            assert stderr.startswith("error: ") and stderr.endswith("\n"), stderr
            assert re.fullmatch(m.pattern, stderr[len("error: ") : -1]), (argv, stderr)
        assert broken.snapshot(m.folder) == before
    assert not Path(out).exists()


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if not c.no_access])
def test_a_real_process_prints_one_error_line(
    name: str, tmp_path: Path, demo_template: Path
) -> None:
    case = CASES[name]
    with made(case, tmp_path, demo_template) as m:
        proc = subprocess.run(
            [sys.executable, "-m", "experiments", "--db", str(m.path), "goals"],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert proc.returncode == case.error.exit_code
    assert proc.stdout == ""
    assert re.fullmatch(f"error: {m.pattern}\n", proc.stderr), proc.stderr


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", CASES)
def test_the_dashboard_text_names_no_option_and_closes_programs_only_when_locked(
    name: str, lang: str, tmp_path: Path, demo_template: Path
) -> None:
    case = CASES[name]
    with made(case, tmp_path, demo_template) as m, m.out_of_reach():
        with pytest.raises(DatabaseTrouble) as raised:
            Database.open(m.path)
    error = raised.value
    text = error.text(lang)
    assert (
        text == f"{error.what(lang)} {catalogs()[lang]['db.nothing_written']} {error.advice(lang)}"
    )
    assert str(m.path) in text and error.title(lang)
    assert "--db" not in text and "INSTALL" not in text
    closes = {"en": "Close the other program", "de": "Schließen Sie das andere Programm"}[lang]
    assert (closes in text) == case.held


DAMAGED_READ = (
    "Part of {p} is damaged and cannot be read (DuckDB reports: {checksum}). "
    f"{NOTHING} Run python -m experiments --db {{p}} check to find the damaged tables, then "
    "restore the latest backup copy of the file, or re-import the platform exports into a new "
    "database (name a new file with --db)."
)
DAMAGED_CHECK = (
    "{p} is damaged: the data of metric_fact cannot be read (DuckDB reports: {checksum}). "
    f"{NOTHING} {RESTORE_CLI}"
)


def _pattern(template: str, path: Path) -> str:
    pattern = re.escape(template.replace("{checksum}", "\0")).replace("\0", CHECKSUM)
    return pattern.replace(re.escape("{p}"), re.escape(str(path)))


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["goals"], DAMAGED_READ), (["goals", "--json"], DAMAGED_READ),
     (["report", "--out", "{out}"], DAMAGED_READ), (["import", "{sample}"], DAMAGED_READ),
     (["check"], DAMAGED_CHECK),
     (["check", "--json"], DAMAGED_CHECK)],
)  # fmt: skip
def test_a_damaged_table_is_named_by_check_and_reads_refer_to_check(
    argv: list[str], message: str, tmp_path: Path, demo_template: Path
) -> None:
    # The file opens: only reading the damaged table meets the damage (an import too, which
    # reads the facts it may replace), and nothing is written.
    folder = tmp_path / "case"
    folder.mkdir()
    path = broken.damaged_table(folder / "tracker.duckdb", demo_template)
    before = broken.snapshot(folder)
    out = str(tmp_path / "report.html")
    sample = str(ROOT / "data" / "samples" / "google_ads_en.csv")
    code, _, stderr = run_cli("--db", str(path), *[a.format(out=out, sample=sample) for a in argv])
    assert code == DatabaseCorrupt.exit_code
    assert re.fullmatch(f"error: {_pattern(message, path)}\n", stderr), stderr
    assert broken.snapshot(folder) == before
    assert not Path(out).exists()


@pytest.mark.parametrize(
    ("sql", "error"),
    [("SELECT CAST('Corrupt database file: computed checksum' AS INTEGER)", DatabaseError),
     ("SELECT * FROM no_such_table", DatabaseError)],
)  # fmt: skip
def test_only_storage_errors_are_taken_for_damage(
    sql: str, error: type[Exception], tmp_path: Path
) -> None:
    # A cell quoted in a conversion error may say anything; only DuckDB's storage errors mean
    # the file is damaged.
    db = Database.open(tmp_path / "tracker.duckdb")
    try:
        with pytest.raises(duckdb.Error) as raised:
            db.cursor().execute(sql)
        assert type(translate(raised.value, db.target)) is error
    finally:
        db.close()
