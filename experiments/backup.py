"""Backups of the whole database: every table as a Parquet file plus a manifest, and their restore.

A backup is written into a temporary folder beside the target and takes the target's name only
when every file and the manifest are complete, so an interrupted backup leaves no folder that
looks like one. A restore goes only into an empty database and checks the whole folder first
(the manifest, every file and its sha256, the schema version); the store then loads every table
in one transaction and compares each row count with the manifest's, so a refusal restores
nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from experiments.db import PROJECT_ROOT
from experiments.errors import BackupRefused, FileWriteError
from experiments.migrations import HEAD
from experiments.store import Store
from experiments.store.backups import TableFile, file_name

MANIFEST = "manifest.json"
# What tells a manifest of ours from any other JSON file of that name.
FORMAT = "launch-and-learn backup"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHOWN_NAMES = 3  # entries named when a folder is refused for not being empty


@dataclass(frozen=True, slots=True)
class BackupTable:
    """One table as the manifest lists it."""

    table: str
    file: str
    rows: int
    sha256: str


@dataclass(frozen=True, slots=True)
class Manifest:
    """What a backup holds: the schema version, the tool version, when, and each table's file."""

    schema_version: int
    tool_version: str | None
    created_at: str
    tables: tuple[BackupTable, ...]

    def as_json(self) -> dict[str, Any]:
        """Return the manifest as the JSON document written beside the files."""
        return {
            "format": FORMAT,
            "schema_version": self.schema_version,
            "tool_version": self.tool_version,
            "created_at": self.created_at,
            "tables": [
                {"table": t.table, "file": t.file, "rows": t.rows, "sha256": t.sha256}
                for t in self.tables
            ],  # fmt: skip
        }

    @property
    def rows(self) -> int:
        """Return the rows of every table together."""
        return sum(t.rows for t in self.tables)


@dataclass(frozen=True, slots=True)
class Restored:
    """What a restore loaded: the backup's manifest and the rows that came in."""

    folder: str
    manifest: Manifest
    rows: int


def tool_version() -> str | None:
    """Return the version of Launch & Learn in pyproject.toml, or None where there is none."""
    try:
        with (PROJECT_ROOT / "pyproject.toml").open("rb") as f:
            version = tomllib.load(f).get("project", {}).get("version")
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return str(version) if version else None


def sha256_of(path: Path) -> str:
    """Return the sha256 of a file's bytes as hex, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- backup


def _check_target(folder: Path) -> None:
    if folder.exists() and not folder.is_dir():
        raise BackupRefused("backup.refuse.not_folder", path=str(folder))
    if folder.is_dir():
        names = sorted(p.name for p in folder.iterdir())
        if names:
            shown = ", ".join(names[:_SHOWN_NAMES]) + (", …" if len(names) > _SHOWN_NAMES else "")
            raise BackupRefused("backup.refuse.not_empty", path=str(folder), names=shown)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def make_backup(store: Store, folder: Path) -> Manifest:
    """Write every table of the database and a manifest into ``folder``, which must not exist
    or be empty; return the manifest. Whole or not at all: on any failure no folder is left."""
    store.refuse_backup()
    _check_target(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".part", dir=folder.parent))
    except OSError as e:
        raise BackupRefused("backup.refuse.write", path=str(folder), detail=e.strerror) from e
    try:
        written = store.write_backup_files(tmp)
        tables = tuple(BackupTable(t.table, t.path.name, t.rows, sha256_of(t.path))
                       for t in written.tables)  # fmt: skip
        created = datetime.now(UTC).isoformat(timespec="seconds")
        manifest = Manifest(written.schema_version, tool_version(), created, tables)
        text = json.dumps(manifest.as_json(), indent=2, ensure_ascii=False) + "\n"
        (tmp / MANIFEST).write_text(text, encoding="utf-8")
        for path in (*tmp.iterdir(), tmp):
            _fsync(path)
        # An empty folder of that name is replaced in the same rename (POSIX allows it).
        os.replace(tmp, folder)
        _fsync(folder.parent)
    except (OSError, FileWriteError) as e:
        shutil.rmtree(tmp, ignore_errors=True)
        reason = e.reason if isinstance(e, FileWriteError) else e.strerror
        raise BackupRefused("backup.refuse.write", path=str(folder), detail=reason) from e
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return manifest


def backup_now(store: Store, target: str, when: datetime | None = None) -> tuple[Path, Manifest]:
    """Make a backup of the running app's database into ``backups/<date>_<time>`` beside its
    file (the Team page's button: the running server holds the file, so this is the way to
    back it up without stopping it); return the folder and the manifest."""
    if target.startswith("ducklake:") or target == ":memory:":
        raise BackupRefused("backup.refuse.not_a_file")
    stamp = (when or datetime.now(UTC)).strftime("%Y-%m-%d_%H%M%S")
    folder = Path(target).resolve().parent / "backups" / stamp
    return folder, make_backup(store, folder)


# ---------------------------------------------------------------- restore


def _bad(folder: Path, detail: str) -> BackupRefused:
    return BackupRefused("restore.refuse.bad_manifest", path=str(folder), detail=detail)


def _table_entry(folder: Path, entry: object) -> BackupTable:
    if not isinstance(entry, dict):
        raise _bad(folder, "a table entry is not an object")
    table, file, rows, sha = (entry.get(k) for k in ("table", "file", "rows", "sha256"))
    if not isinstance(table, str) or not table:
        raise _bad(folder, "a table entry has no table name")
    # The file is always <table>.parquet beside the manifest: a manifest cannot point elsewhere.
    if file != file_name(table):
        raise _bad(folder, f"the table {table} names the file {file!r}, not {file_name(table)}")
    if not isinstance(rows, int) or isinstance(rows, bool) or rows < 0:
        raise _bad(folder, f"the row count of {table} is not a whole number")
    if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
        raise _bad(folder, f"the sha256 of {table} is not 64 hex digits")
    return BackupTable(table, file, rows, sha)


def read_manifest(folder: Path) -> Manifest:
    """Return the manifest of the backup in ``folder``, refusing a folder that is none."""
    if not folder.is_dir():
        raise BackupRefused("restore.refuse.not_folder", path=str(folder))
    path = folder / MANIFEST
    if not path.is_file():
        raise BackupRefused("restore.refuse.no_manifest", path=str(folder))
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise _bad(folder, f"not JSON: {e}") from e
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise _bad(folder, f'it lacks "format": "{FORMAT}"')
    version, entries = doc.get("schema_version"), doc.get("tables")
    if not isinstance(version, int) or isinstance(version, bool):
        raise _bad(folder, "its schema version is not a whole number")
    if not isinstance(entries, list):
        raise _bad(folder, "it has no list of tables")
    tables = tuple(_table_entry(folder, e) for e in entries)
    if len({t.table for t in tables}) != len(tables):
        raise _bad(folder, "it lists a table twice")
    tool = doc.get("tool_version")
    return Manifest(version, None if tool is None else str(tool), str(doc.get("created_at")),
                    tables)  # fmt: skip


def _check_fits(folder: Path, manifest: Manifest, tables: tuple[str, ...]) -> None:
    shown = str(folder)
    if manifest.schema_version > HEAD:
        raise BackupRefused("restore.refuse.newer", path=shown, found=manifest.schema_version,
                            known=HEAD)  # fmt: skip
    if manifest.schema_version < HEAD:
        raise BackupRefused("restore.refuse.older", path=shown, found=manifest.schema_version,
                            known=HEAD, tool=manifest.tool_version or "?")  # fmt: skip
    listed = {t.table for t in manifest.tables}
    for t in manifest.tables:
        if t.table not in tables:
            raise BackupRefused("restore.refuse.unknown_table", path=shown, table=t.table)
    for table in tables:
        if table not in listed:
            raise BackupRefused("restore.refuse.missing_table", path=shown, table=table)


def _check_files(folder: Path, manifest: Manifest) -> None:
    for t in manifest.tables:
        where = {"path": str(folder), "file": t.file, "table": t.table}
        path = folder / t.file
        if not path.is_file():
            raise BackupRefused("restore.refuse.missing_file", **where)
        try:
            digest = sha256_of(path)
        except OSError as e:
            raise BackupRefused("restore.refuse.unreadable", **where, detail=e.strerror) from e
        if digest != t.sha256:
            raise BackupRefused("restore.refuse.checksum", **where)


def restore_backup(store: Store, folder: Path, *, moved_from: str | None = None) -> Restored:
    """Restore the backup in ``folder`` into the store's empty database, after checking the
    manifest and every file; return what was loaded. A refusal restores nothing. A move of a
    database (``moved_from`` its path) is audited as coming from there, not from the folder."""
    store.refuse_restore()  # an admin, and an empty database, before the folder is read
    manifest = read_manifest(folder)
    _check_fits(folder, manifest, store.backup_tables())
    _check_files(folder, manifest)
    files = [TableFile(t.table, folder / t.file, t.rows) for t in manifest.tables]
    note = {
        "backup": str(folder),
        "created_at": manifest.created_at,
        "schema_version": manifest.schema_version,
        "tool_version": manifest.tool_version,
        "rows": {t.table: t.rows for t in manifest.tables},
    }
    if moved_from is not None:
        note = {"moved_from": moved_from, **{k: v for k, v in note.items() if k != "backup"}}
    rows = store.restore_backup(moved_from or str(folder), files, note)
    return Restored(str(folder), manifest, rows)
