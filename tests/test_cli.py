"""The command line: exit codes, one JSON document, `error:` lines, nothing written on error."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.migrations import HEAD
from tests.cli_runner import run_cli as run
from tests.conftest import ROOT
from tests.test_backup import listing, manifest_of


def test_init_creates_the_database(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "t.duckdb"
    code, out, err = run("--db", str(path), "init")
    assert (code, err) == (0, "")
    assert path.exists()
    assert out == f"database {path} is at schema version {HEAD}\n"


def test_campaign_add_and_list_json(db_path: Path) -> None:
    code, out, err = run(
        "campaign", "add", "Spring Sale", "--alias", "meta:SPR26_Meta", "--alias", "Spring Search",
        "--channel", "Meta", "--audience", "Families", "--success", "CPA < 25 €",
    )  # fmt: skip
    assert code == 0
    campaign_id = out.strip()
    assert len(campaign_id) == 36
    assert err == "warning: brief incomplete for 'Spring Sale': missing goal\n"
    code, out, err = run("campaign", "list", "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)
    assert rows == [
        {
            "id": campaign_id, "name": "Spring Sale", "status": "active", "channels": ["Meta"],
            "aliases": ["Spring Search", "SPR26_Meta"], "cycles": 0, "cycle": None,
            "phase": None, "start": None, "end": None, "brief_missing": ["goal"],
        }
    ]  # fmt: skip


def test_campaign_list_on_empty_database(db_path: Path) -> None:
    assert run("campaign", "list", "--json") == (0, "[]\n", "")
    code, out, _ = run("campaign", "list")
    assert out.startswith("no campaigns yet")


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["campaign", "add", ""], 2, "error: the campaign name must not be empty\n"),
        (["campaign", "add", "Dup"], 4,
         "error: a campaign named 'Dup' already exists; choose another name\n"),
        (["campaign", "frobnicate"], 2,
         "error: argument ACTION: invalid choice: 'frobnicate' (choose from 'add', 'link', 'list') "
         "(see 'python -m experiments campaign --help')\n"),
        (["demo"], 4,
         "error: the database is not empty; load the demo into a new database (--db NEW.duckdb)\n"),
    ],
)  # fmt: skip
def test_errors_are_one_line_and_write_nothing(
    db_path: Path, argv: list[str], code: int, message: str
) -> None:
    assert run("campaign", "add", "Dup")[0] == 0
    before = run("campaign", "list", "--json")[1]
    got_code, out, err = run(*argv)
    assert (got_code, err) == (code, message)
    assert out == ""
    assert run("campaign", "list", "--json")[1] == before


def test_db_defaults_to_the_environment_then_data(tmp_path: Path) -> None:
    env = {**os.environ, "TRACKER_DB": str(tmp_path / "env.duckdb")}
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "init"], cwd=ROOT, env=env,
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "env.duckdb").exists()


def test_demo_then_list_as_a_real_process(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.duckdb")
    for argv in (["init"], ["demo"]):
        proc = subprocess.run(
            [sys.executable, "-m", "experiments", "--db", db, *argv],
            cwd=ROOT, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "experiments", "--db", db, "campaign", "list", "--json"],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    names = sorted(r["name"] for r in json.loads(proc.stdout))
    assert names == ["Community Care", "Employer Branding", "Spring Sale"]


def test_a_folder_as_database_is_refused(tmp_path: Path) -> None:
    code, out, err = run("--db", str(tmp_path), "init")
    assert code == 11
    assert err == (
        f"error: {tmp_path} is a folder, not a database file. Nothing was written. "
        "Name a database file with --db, such as data/tracker.duckdb.\n"
    )


@pytest.mark.parametrize(
    ("sample", "platform", "rows"),
    [("meta_ads_manager_de.csv", "meta", 5), ("google_ads_en.csv", "google_ads", 5),
     ("social_inbox_report.csv", "social_inbox", 5)],
)  # fmt: skip
def test_the_shipped_samples_import(db_path: Path, sample: str, platform: str, rows: int) -> None:
    code, out, err = run("import", str(ROOT / "data" / "samples" / sample), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["platform"], doc["rows"], doc["duplicate_of"]) == (platform, rows, None)


# ---------------------------------------------------------------- backup and restore


def test_backup_and_restore_on_the_command_line(demo_db: Path, tmp_path: Path) -> None:
    folder, restored = tmp_path / "bk", tmp_path / "restored.duckdb"
    code, out, err = run("backup", str(folder), "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert doc["folder"] == str(folder) and doc == {"folder": str(folder), **manifest_of(folder)}
    total = sum(t["rows"] for t in doc["tables"])
    code, out, err = run("--db", str(restored), "restore", str(folder))
    assert (code, err) == (0, "")
    assert out == (
        f"restored {len(doc['tables'])} tables ({total} rows) from {folder} "
        f"(made {doc['created_at']}) into {restored}\n"
    )
    code, out, err = run("--db", str(tmp_path / "again.duckdb"), "restore", str(folder), "--json")
    assert (code, err) == (0, "")
    assert json.loads(out)["tables"] == {t["table"]: t["rows"] for t in doc["tables"]}
    code, out, err = run("backup", str(tmp_path / "plain"))
    assert (code, err) == (0, "")
    assert out == (
        f"wrote a backup of {len(doc['tables'])} tables ({total} rows, schema version {HEAD}) "
        f"to {tmp_path / 'plain'}\n"
    )


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["restore", "{bk}"], 4, "The database {db} is not empty: "),
        (["--db", "{new}", "restore", "{tmp}/nowhere"], 2,
         "{tmp}/nowhere is not a folder. Name the folder a backup was written to. Nothing was restored.\n"),
        (["backup", "{bk}"], 2, "{bk} is not empty (it holds "),
    ],
    ids=["into a database with data", "from nowhere", "into a used folder"],
)  # fmt: skip
def test_refusals_on_the_command_line_are_one_line_and_write_nothing(
    demo_db: Path, tmp_path: Path, argv: list[str], code: int, message: str
) -> None:
    bk, new = tmp_path / "bk", tmp_path / "new.duckdb"
    assert run("backup", str(bk))[0] == 0
    before = listing(tmp_path)
    values = {"bk": bk, "db": demo_db, "new": new, "tmp": tmp_path}
    got, out, err = run(*(a.format(**values) for a in argv))
    assert (got, out) == (code, "")
    assert err.startswith("error: " + message.format(**values)) and err.count("\n") == 1
    changed = {k for k in listing(tmp_path).keys() ^ before.keys()} - {"new.duckdb"}
    assert changed == set()
    assert listing(tmp_path)["tracker.duckdb"] == before["tracker.duckdb"]
