"""The health check of a database file: opened read-only, every table read in full, its schema
version compared with this code's.

DuckDB verifies a block's checksum whenever it reads the block and has no separate integrity
command (its ``PRAGMA verify_*`` settings check query plans, not storage). So the check reads
every column of every table, which makes DuckDB read and verify each of their blocks: what
cannot be read fails here, named by table, before a page needs it. Nothing is written: the
connection is read-only, and no CHECKPOINT (a write) is run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from experiments.db import Connection, DriverError, connect_read_only, driver_detail
from experiments.errors import DatabaseCorrupt, DatabaseTooNew, NotATrackerDatabase, TrackerError
from experiments.migrations import HEAD, VERSION_TABLE


@dataclass(frozen=True, slots=True)
class TableHealth:
    """One table as the check read it: its rows, or DuckDB's reason it could not be read."""

    table: str
    rows: int | None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Health:
    """What the check found; ``problem`` is None for a healthy file."""

    path: str
    problem: TrackerError | None
    schema_version: int | None = None
    size: str | None = None
    tables: tuple[TableHealth, ...] = ()

    @property
    def healthy(self) -> bool:
        """Return True when every table was read and the schema is one this code knows."""
        return self.problem is None

    def as_json(self) -> dict[str, Any]:
        """Return the check as one JSON-ready document."""
        return {
            "database": self.path,
            "healthy": self.healthy,
            "schema_version": self.schema_version,
            "known_schema_version": HEAD,
            "size": self.size,
            "tables": [{"table": t.table, "rows": t.rows, "error": t.error} for t in self.tables],
            "problem": None if self.problem is None else self.problem.for_cli(),
            "exit_code": 0 if self.problem is None else self.problem.exit_code,
        }


def check(target: str) -> Health:
    """Return the health of the database file at ``target``, read without writing to it."""
    try:
        conn = connect_read_only(target)
    except TrackerError as e:
        return Health(target, e)
    try:
        return _inspect(conn, target)
    finally:
        conn.close()


def _ident(name: str) -> str:
    # Table names come from the file's own catalog, not from us: quoted, whatever they hold.
    return '"' + name.replace('"', '""') + '"'


def _read(conn: Connection, schema: str, table: str) -> TableHealth:
    shown = table if schema == "main" else f"{schema}.{table}"
    # hash() of the whole row needs every column, so every block of the table is read (and its
    # checksum verified); count(*) alone would read none.
    sql = f"SELECT count(*), bit_xor(hash(t)) FROM {_ident(schema)}.{_ident(table)} AS t"
    try:
        row = conn.execute(sql).fetchone()
    except DriverError as e:
        return TableHealth(shown, None, driver_detail(e))
    return TableHealth(shown, int(row[0]) if row else 0)


def _inspect(conn: Connection, target: str) -> Health:
    try:
        size_row = conn.execute(
            "SELECT database_size FROM pragma_database_size() "
            "WHERE database_name = current_database()"
        ).fetchone()
        names = conn.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() "
            "WHERE database_name = current_database() ORDER BY schema_name, table_name"
        ).fetchall()
    except DriverError as e:
        return Health(target, DatabaseCorrupt(target, "start", detail=driver_detail(e)))
    size = str(size_row[0]) if size_row else None
    tables = tuple(_read(conn, schema, table) for schema, table in names)
    version = _version(conn, tables)
    problem = _problem(target, tables, version)
    return Health(target, problem, version, size, tables)


def _version(conn: Connection, tables: tuple[TableHealth, ...]) -> int | None:
    """Return the recorded schema version: 0 for an empty file, None when there is none (or it
    cannot be read; a damaged table is then the problem reported)."""
    if not tables:
        return 0
    if not any(t.table == VERSION_TABLE and t.error is None for t in tables):
        return None
    try:
        row = conn.execute(f"SELECT max(version) FROM {VERSION_TABLE}").fetchone()
    except DriverError:  # a damaged table before it may have ended the connection
        return None
    return int(row[0]) if row and row[0] is not None else 0


def _problem(
    target: str, tables: tuple[TableHealth, ...], version: int | None
) -> TrackerError | None:
    broken = [t for t in tables if t.error is not None]
    if broken:
        names = ", ".join(t.table for t in broken)
        return DatabaseCorrupt(target, "tables", tables=names, detail=broken[0].error)
    if version is None:
        return NotATrackerDatabase(target, "foreign")
    if version > HEAD:
        return DatabaseTooNew(target, "schema", found=version, known=HEAD)
    return None
