"""The SQL of backups: every table to a Parquet file in one read transaction, and the files back
into an empty database in one write transaction.

The files, the manifest and their checks are experiments/backup.py's; here the tables are named
from the database's own catalog, never from a manifest, so a backup's file can only fill a table
this version has.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.db import DriverError, driver_detail
from experiments.errors import BackupDenied, BackupRefused, FileWriteError
from experiments.migrations import VERSION_TABLE
from experiments.store._base import Area, BaseStore


@dataclass(frozen=True, slots=True)
class TableFile:
    """One table of a backup: the Parquet file that holds it and how many rows it has."""

    table: str
    path: Path
    rows: int


@dataclass(frozen=True, slots=True)
class TablesWritten:
    """What a backup wrote: the schema version of the database and each table's file."""

    schema_version: int
    tables: tuple[TableFile, ...]


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def file_name(table: str) -> str:
    """Return the name of the Parquet file that holds ``table`` in a backup."""
    return f"{table}.parquet"


def _column_difference(found: dict[str, str], expected: dict[str, str]) -> str:
    """Return how a file's columns (name → type) differ from its table's, for a message."""
    parts = []
    if lacking := sorted(expected.keys() - found.keys()):
        parts.append(f"it lacks the columns {', '.join(lacking)}")
    if extra := sorted(found.keys() - expected.keys()):
        parts.append(f"it has columns the table does not: {', '.join(extra)}")
    retyped = sorted(n for n in expected.keys() & found.keys() if expected[n] != found[n])
    parts += [f"its {n} is {found[n]}, not {expected[n]}" for n in retyped]
    return "; ".join(parts)


class BackupStore(BaseStore):
    def backup_tables(self) -> tuple[str, ...]:
        """Return the tables a backup holds: every table of the database but the schema record
        (the manifest carries the schema version instead) and the claim row, which holds no
        data (every database has it from its migrations)."""
        rows = self._all(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' "
            "AND table_catalog = current_database() AND table_type = 'BASE TABLE' "
            "AND table_name NOT IN (?, ?) ORDER BY table_name",
            [VERSION_TABLE, "write_claim"],
        )
        return tuple(str(r[0]) for r in rows)

    def _columns(self, table: str) -> dict[str, str]:
        rows = self._all(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_catalog = current_database() "
            "AND table_name = ?",
            [table],
        )
        return {str(name): str(kind) for name, kind in rows}

    def refuse_backup(self) -> None:
        """Refuse a backup by someone other than an admin, before anything is written."""
        if not self._may(Area.BACKUP):
            raise BackupDenied("backup", self.actor.username, self.actor.role.value)

    def write_backup_files(self, folder: Path) -> TablesWritten:
        """Write every table as ``<table>.parquet`` into ``folder`` (which exists), all read in
        one transaction so that they agree with each other; only an admin may."""
        self.refuse_backup()
        tables = self.backup_tables()
        written = []
        try:
            # One snapshot for every table: a write committed meanwhile is in none of the files.
            self._cur.begin()
            try:
                row = self._cur.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
                for table in tables:
                    path = folder / file_name(table)
                    # COPY takes its file as a bound value; the table comes from our catalog.
                    copied = self._cur.execute(
                        f"COPY (SELECT * FROM {_ident(table)}) TO ? (FORMAT parquet)", [str(path)]
                    ).fetchone()
                    written.append(TableFile(table, path, int(copied[0]) if copied else 0))
            finally:
                self._cur.rollback()  # nothing was changed: a read ends the same either way
        except DriverError as e:
            # 'IO Error: Could not write file "<file>": File too large' — the reason is what
            # a person can act on.
            raise FileWriteError(driver_detail(e).rsplit('": ', 1)[-1]) from e
        version = int(row[0]) if row and row[0] is not None else 0
        return TablesWritten(version, tuple(written))

    def _tables_with_rows(self, tables: Sequence[str]) -> list[str]:
        counts = [(t, self._one(f"SELECT count(*) FROM {_ident(t)}")) for t in tables]
        return [f"{t} ({row[0]})" for t, row in counts if row and row[0]]

    def _refuse_non_empty(self) -> None:
        holding = self._tables_with_rows(self.backup_tables())
        if holding:
            raise BackupRefused("restore.refuse.not_empty_db", db=self._db.target,
                                tables=", ".join(holding))  # fmt: skip

    def refuse_restore(self) -> None:
        """Refuse a restore before any file is read: by someone other than an admin, or into a
        database that holds rows (naming its tables)."""
        if not self._may(Area.BACKUP):
            raise BackupDenied("restore", self.actor.username, self.actor.role.value)
        self._refuse_non_empty()

    def restore_backup(self, source: str, files: Sequence[TableFile], note: dict[str, Any]) -> int:
        """Load each file into its (empty) table in one transaction, checking the columns and
        the row count of each, and audit the restore with ``note``; return the rows loaded.
        On any refusal nothing is restored."""
        self.refuse_restore()
        with self.write(Area.BACKUP):
            self._refuse_non_empty()  # again inside the transaction: nothing came in meanwhile
            loaded = sum(self._load(source, f) for f in files)
            self._audit("database", source, "restore", after=note)
        return loaded

    def _load(self, source: str, item: TableFile) -> int:
        where = {"path": source, "file": item.path.name, "table": item.table}
        try:
            found = self._columns_of_file(item.path)
            expected = self._columns(item.table)
            if found != expected:
                detail = _column_difference(found, expected)
                raise BackupRefused("restore.refuse.unreadable", **where, detail=detail)
            row = self._exec(
                f"INSERT INTO {_ident(item.table)} BY NAME SELECT * FROM read_parquet(?)",
                [str(item.path)],
            ).fetchone()
        except DriverError as e:
            raise BackupRefused("restore.refuse.unreadable", **where,
                                detail=driver_detail(e)) from e  # fmt: skip
        rows = int(row[0]) if row else 0
        if rows != item.rows:
            raise BackupRefused("restore.refuse.row_count", **where, found=rows,
                                expected=item.rows)  # fmt: skip
        # The content too, inside the same transaction: what the table holds now must be what
        # the file holds, value for value (another storage, DuckLake, stores it its own way).
        if self.checksum(item.table) != self.checksum(item.table, item.path):
            raise BackupRefused("restore.refuse.content", **where)
        return rows

    def checksum(self, table: str, file: Path | None = None) -> tuple[int, int]:
        """Return the row count and an order-free checksum of a table's rows (or of a Parquet
        ``file`` read with the table's columns): equal content gives equal pairs on every
        target."""
        columns = ", ".join(_ident(c) for c in self._columns(table))
        source, params = ("read_parquet(?)", [str(file)]) if file else (_ident(table), [])
        row = self._one(f"SELECT count(*), coalesce(sum(hash({columns})), 0) FROM {source}",
                        params)  # fmt: skip
        return (int(row[0]), int(row[1])) if row else (0, 0)

    def _columns_of_file(self, path: Path) -> dict[str, str]:
        described = self._cur.execute(
            "SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet(?))",
            [str(path)],
        ).fetchall()
        return {str(name): str(kind) for name, kind in described}
