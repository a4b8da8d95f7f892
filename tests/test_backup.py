"""Backups: every table out as Parquet with a manifest, back into an empty database exactly, and
every folder that is not a whole, untouched backup of this version refused, naming what is wrong,
with the target database left as it was."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from experiments import backup
from experiments.backup import MANIFEST, make_backup, restore_backup, sha256_of
from experiments.db import Database
from experiments.errors import BackupDenied, BackupRefused
from experiments.migrations import HEAD
from experiments.models import Role
from experiments.store import Store
from experiments.store import backups as store_backups
from tests.conftest import ROOT
from tests.factories import make_campaign, row_counts, signed_in
from tests.sql import rows

NOTHING = " Nothing was restored."


def held(db: Database) -> dict[str, int]:
    """Return the row counts of the tables a backup holds: every table but the claim row, which
    holds no data and which every database has from its migrations."""
    return {t: n for t, n in row_counts(db).items() if t != "write_claim"}


def table_rows(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every table (not the schema record), sorted: the database's content."""
    return {t: sorted(rows(db, f'SELECT * FROM "{t}"'), key=repr) for t in row_counts(db)}


@pytest.fixture
def demo(demo_db: Path) -> Iterator[Database]:
    """The demo workspace with a team member (so that the users table has rows too)."""
    database = Database.open(demo_db)
    Store(database).add_user("jana", "Jana", Role.MARKETER)
    yield database
    database.close()


@pytest.fixture
def made(demo: Database, tmp_path: Path) -> Path:
    """A backup of the demo workspace, made by the local admin."""
    folder = tmp_path / "backup"
    make_backup(Store(demo), folder)
    return folder


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Database]:
    """A new, empty database to restore into."""
    database = Database.open(tmp_path / "restored.duckdb")
    yield database
    database.close()


def manifest_of(folder: Path) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    return doc


def edit_manifest(folder: Path, change: Callable[[dict[str, Any]], None]) -> None:
    doc = manifest_of(folder)
    change(doc)
    (folder / MANIFEST).write_text(json.dumps(doc), encoding="utf-8")


def entry(doc: dict[str, Any], table: str) -> dict[str, Any]:
    found: dict[str, Any] = next(t for t in doc["tables"] if t["table"] == table)
    return found


# ---------------------------------------------------------------- the round trip


def test_a_restore_gives_back_every_table_exactly(
    demo: Database, made: Path, target: Database
) -> None:
    original = table_rows(demo)
    assert all(original[t] for t in ("app_user", "audit", "campaign", "metric_fact"))
    done = restore_backup(Store(target), made)
    restored = table_rows(target)
    # The restore itself is audited: one entry more than the backup held, and only that one.
    added = [r for r in restored["audit"] if r not in original["audit"]]
    assert len(added) == 1
    assert (added[0][2:6]) == ("local", "database", str(made), "restore")
    assert json.loads(added[0][7])["rows"] == held(demo)
    restored["audit"].remove(added[0])
    assert restored == original
    assert done.rows == sum(held(demo).values())


def test_the_manifest_names_version_time_rows_and_sha256_of_every_table(
    demo: Database, made: Path
) -> None:
    doc = manifest_of(made)
    with (ROOT / "pyproject.toml").open("rb") as f:
        version = tomllib.load(f)["project"]["version"]
    assert (doc["format"], doc["schema_version"], doc["tool_version"]) == (
        "launch-and-learn backup", HEAD, version
    )  # fmt: skip
    assert doc["created_at"].endswith("+00:00")
    counts = held(demo)
    assert [t["table"] for t in doc["tables"]] == sorted(counts)
    for t in doc["tables"]:
        assert (t["file"], t["rows"]) == (f"{t['table']}.parquet", counts[t["table"]])
        assert t["sha256"] == sha256_of(made / t["file"])
    assert sorted(p.name for p in made.iterdir()) == sorted([MANIFEST, *(t["file"] for t in
                                                                        doc["tables"])])  # fmt: skip
    # The temporary folder took the backup's name: nothing else is left beside it.
    assert [p.name for p in made.parent.iterdir() if p.name.startswith(".")] == []


def test_an_empty_folder_may_take_the_backup(demo: Database, tmp_path: Path) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    manifest = make_backup(Store(demo), folder)
    assert manifest.rows == sum(held(demo).values())
    assert (folder / MANIFEST).is_file()


def test_a_write_during_the_backup_is_in_none_of_its_files(
    demo: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Someone adds a campaign (a campaign row and its audit entry) after the audit was copied and
    # before the campaigns are: read in one transaction, neither file has it; read table by
    # table, the backup would hold a campaign its audit knows nothing of.
    before = held(demo)
    named: list[str] = []
    name_of = store_backups.file_name

    def meanwhile(table: str) -> str:
        named.append(table)
        if table == "campaign":
            make_campaign(Store(demo), "Added meanwhile")
        return name_of(table)

    monkeypatch.setattr(store_backups, "file_name", meanwhile)
    manifest = make_backup(Store(demo), tmp_path / "bk")
    assert named.index("audit") < named.index("campaign")
    assert row_counts(demo)["campaign"] == before["campaign"] + 1
    assert {t.table: t.rows for t in manifest.tables} == before
    target = Database.open(tmp_path / "restored.duckdb")
    try:
        restore_backup(Store(target), tmp_path / "bk")
        assert rows(target, "SELECT count(*) FROM campaign WHERE name = 'Added meanwhile'") == [
            (0,)
        ]
    finally:
        target.close()


# ---------------------------------------------------------------- refused restores


def _flip_a_byte(folder: Path, target: Database) -> None:
    path = folder / "metric_fact.parquet"
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _foreign_file(folder: Path, target: Database) -> None:
    # Another table's Parquet under this table's name, with its sha256 and rows in the
    # manifest: consistent, but not this table.
    (folder / "campaign_alias.parquet").write_bytes((folder / "app_user.parquet").read_bytes())

    def change(doc: dict[str, Any]) -> None:
        alias, users = entry(doc, "campaign_alias"), entry(doc, "app_user")
        alias["sha256"], alias["rows"] = users["sha256"], users["rows"]

    edit_manifest(folder, change)


def _fill(folder: Path, target: Database) -> None:
    make_campaign(Store(target), "Already here")


def _not_a_folder(folder: Path, target: Database) -> None:
    (folder / MANIFEST).rename(folder.parent / "manifest.json")


# Each case: how the backup (or the target) is spoiled, which folder is restored, the message.
RESTORE_REFUSALS: dict[str, tuple[Callable[[Path, Database], None], str, str]] = {
    "a tampered byte": (
        _flip_a_byte, "backup",
        "{dir}: the file metric_fact.parquet is not the one the backup wrote (its sha256 differs from the manifest's), so it was changed or damaged since. Use another backup.",
    ),
    "a missing file": (
        lambda f, t: (f / "campaign_alias.parquet").unlink(), "backup",
        "{dir}: the file campaign_alias.parquet (table campaign_alias) is missing, so the backup is incomplete. Use another backup, or put the file back from a copy of this one.",
    ),
    "no manifest": (
        lambda f, t: (f / MANIFEST).unlink(), "backup",
        "{dir} holds no manifest.json, so it is not a Launch & Learn backup, or not a complete one. Name the folder a backup was written to.",
    ),
    "a wrong row count": (
        lambda f, t: edit_manifest(f, lambda d: entry(d, "campaign").update(rows=4)), "backup",
        "{dir}: the file campaign.parquet holds 3 rows, but the manifest says 4, so the backup was changed since it was made. Use another backup.",
    ),
    "a newer schema version": (
        lambda f, t: edit_manifest(f, lambda d: d.update(schema_version=HEAD + 1)), "backup",
        f"{{dir}} was made with schema version {HEAD + 1}, newer than this version of Launch & Learn knows ({HEAD}). Update Launch & Learn (git pull, then pip install -r requirements.txt) and restore again.",
    ),
    "an older schema version": (
        lambda f, t: edit_manifest(f, lambda d: d.update(schema_version=HEAD - 1,
                                                         tool_version="0.0.9")), "backup",
        f"{{dir}} was made with schema version {HEAD - 1}, older than this version's ({HEAD}). Restore it with the version of Launch & Learn that made it (0.0.9) into a new database, then open that database with this version, which brings it up to date.",
    ),
    "a table this version lacks": (
        lambda f, t: edit_manifest(f, lambda d: entry(d, "goal").update(
            table="goal_v9", file="goal_v9.parquet")), "backup",
        "{dir}: the manifest lists a table goal_v9 that this version's database does not have, so the backup does not fit this version. Use another backup.",
    ),
    "a table left out of the manifest": (
        lambda f, t: edit_manifest(f, lambda d: d["tables"].remove(entry(d, "learning"))),
        "backup",
        "{dir}: the manifest lists no file for the table learning, so the backup is incomplete. Use another backup.",
    ),
    "a file outside the folder": (
        lambda f, t: edit_manifest(f, lambda d: entry(d, "goal").update(
            file="../goal.parquet")), "backup",
        "{dir}: manifest.json is not the manifest of a Launch & Learn backup (the table goal names the file '../goal.parquet', not goal.parquet). The backup is damaged or from another program; use another backup.",
    ),
    "another program's manifest": (
        lambda f, t: (f / MANIFEST).write_text('{"tables": []}'), "backup",
        '{dir}: manifest.json is not the manifest of a Launch & Learn backup (it lacks "format": "launch-and-learn backup"). The backup is damaged or from another program; use another backup.',
    ),
    "another table's file": (
        _foreign_file, "backup",
        "{dir}: the file campaign_alias.parquet cannot be read as the table campaign_alias (it lacks the columns campaign_id, name, platform; it has columns the table does not: active, created_at, display_name, password_hash, role, username). The backup is damaged or from another program; use another backup.",
    ),
    "a database that is not empty": (
        _fill, "backup",
        "The database {db} is not empty: audit (1), campaign (1) hold rows. A backup is restored only into an empty database, so that nothing is overwritten or mixed; name a new database file with --db (one that does not exist yet) and restore again.",
    ),
    "a file, not a folder": (
        _not_a_folder, "manifest.json", "{dir} is not a folder. Name the folder a backup was written to.",
    ),
    "no such folder": (
        lambda f, t: None, "nowhere", "{dir} is not a folder. Name the folder a backup was written to.",
    ),
}  # fmt: skip


@pytest.mark.parametrize(
    ("spoil", "name", "message"), RESTORE_REFUSALS.values(), ids=RESTORE_REFUSALS.keys()
)
def test_a_backup_that_is_not_whole_and_of_this_version_is_refused(
    made: Path, target: Database, spoil: Callable[[Path, Database], None], name: str,
    message: str,
) -> None:  # fmt: skip
    spoil(made, target)
    folder = made.parent / name
    before = table_rows(target)
    with pytest.raises(BackupRefused) as caught:
        restore_backup(Store(target), folder)
    assert str(caught.value) == message.format(dir=folder, db=target.target) + NOTHING
    assert table_rows(target) == before


def test_a_refusal_reads_in_german_too(made: Path, target: Database) -> None:
    (made / "campaign_alias.parquet").unlink()
    with pytest.raises(BackupRefused) as caught:
        restore_backup(Store(target), made)
    assert caught.value.text("de") == (
        f"{made}: Die Datei campaign_alias.parquet (Tabelle campaign_alias) fehlt; die Sicherung "
        "ist also unvollständig. Verwenden Sie eine andere Sicherung oder legen Sie die Datei aus "
        "einer Kopie dieser Sicherung zurück. Es wurde nichts zurückgespielt."
    )


# ---------------------------------------------------------------- refused backups


BACKUP_REFUSALS: dict[str, tuple[Callable[[Path], None], str]] = {
    "a folder that holds files": (
        lambda p: (p.mkdir(), (p / "old.txt").write_text("keep")),
        "{dir} is not empty (it holds old.txt). Name a new folder for the backup (one that does not exist yet, or an empty one), so that no backup is mixed with other files.",
    ),
    "a folder that holds many files": (
        lambda p: (p.mkdir(), *((p / f"{n}.txt").write_text("keep") for n in "abcd")),
        "{dir} is not empty (it holds a.txt, b.txt, c.txt, …). Name a new folder for the backup (one that does not exist yet, or an empty one), so that no backup is mixed with other files.",
    ),
    "a file": (
        lambda p: p.write_text("keep"),
        "{dir} is a file, not a folder. Name a new folder for the backup (one that does not exist yet, or an empty one).",
    ),
}  # fmt: skip


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() if p.is_file() else b""
            for p in sorted(folder.rglob("*"))}  # fmt: skip


@pytest.mark.parametrize(("prepare", "message"), BACKUP_REFUSALS.values(),
                         ids=BACKUP_REFUSALS.keys())  # fmt: skip
def test_a_backup_goes_only_into_a_new_or_empty_folder(
    demo: Database, tmp_path: Path, prepare: Callable[[Path], None], message: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    prepare(out / "backup")
    before = listing(out)
    with pytest.raises(BackupRefused) as caught:
        make_backup(Store(demo), out / "backup")
    assert str(caught.value) == message.format(dir=out / "backup")
    assert listing(out) == before


def test_a_backup_cut_off_by_the_file_size_limit_leaves_no_folder(
    demo_db: Path, tmp_path: Path
) -> None:
    # As 'ulimit -f' does to a shell: writes beyond 4 KB fail (SIGXFSZ ignored, so EFBIG) inside
    # DuckDB's COPY of the first table larger than that.
    out = tmp_path / "out"
    out.mkdir()
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from experiments.backup import make_backup\n"
        "from experiments.db import Database\n"
        "from experiments.errors import BackupRefused\n"
        "from experiments.store import Store\n"
        "store = Store(Database.open(sys.argv[2]))\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "try:\n"
        "    make_backup(store, Path(sys.argv[1]))\n"
        "except BackupRefused as e:\n"
        "    print(e)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(out / "backup"), str(demo_db)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.stdout == (
        f"The backup could not be written to {out / 'backup'} (File too large); nothing was kept "
        "there. Free some space or choose another folder, and run the backup again.\n"
    ), done.stderr
    assert list(out.iterdir()) == []


def test_a_backup_interrupted_after_its_files_leaves_no_folder(
    demo: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C while the files are hashed: every Parquet file is written, the manifest is not.
    hashed: list[Path] = []

    def interrupted(path: Path) -> str:
        hashed.append(path)
        if len(hashed) == 3:
            raise KeyboardInterrupt
        return sha256_of(path)

    monkeypatch.setattr(backup, "sha256_of", interrupted)
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(KeyboardInterrupt):
        make_backup(Store(demo), out / "backup")
    assert len(hashed) == 3
    assert list(out.iterdir()) == []


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize("role", [Role.VIEWER, Role.MARKETER, Role.ANALYST])
def test_only_an_admin_makes_or_restores_a_backup(
    demo: Database, made: Path, target: Database, role: Role, tmp_path: Path
) -> None:
    other = signed_in(demo, "sam", role)
    with pytest.raises(BackupDenied) as caught:
        make_backup(other, tmp_path / "theirs")
    assert str(caught.value) == (
        f"sam ({role}) may not make a backup: a backup holds every table of the database, the "
        "users and the audit included. Ask an admin to make it."
    )
    assert not (tmp_path / "theirs").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    restorer = signed_in(target, "sam", role)
    before = table_rows(target)
    with pytest.raises(BackupDenied) as caught:
        restore_backup(restorer, made)
    assert str(caught.value) == (
        f"sam ({role}) may not change the database by restoring a backup: only an admin may. "
        "Ask an admin to restore it."
    )
    assert caught.value.exit_code == 6
    assert table_rows(target) == before


def test_a_signed_in_admin_may_and_is_named_in_the_audit(
    made: Path, tmp_path: Path, target: Database
) -> None:
    admin = signed_in(target, "ada", Role.ADMIN)
    # The target is not empty now (ada's user row and its audit entry): restore elsewhere.
    fresh = Database.open(tmp_path / "fresh.duckdb")
    try:
        with pytest.raises(BackupRefused, match=r"not empty: app_user \(1\), audit \(1\)"):
            restore_backup(admin, made)
        assert make_backup(admin, tmp_path / "ada").rows > 0
        restore_backup(Store(fresh), made)
        assert rows(fresh, "SELECT actor FROM audit WHERE action = 'restore'") == [("local",)]
    finally:
        fresh.close()
