"""Move a team's database to another storage: a DuckDB file into a DuckLake catalog (in
PostgreSQL, for several app servers), or into another file.

The move is a backup and a restore without the folder in between being anyone's: every table of
the source is read in one snapshot (the source is opened read-only, so nothing in it can
change), and the target takes all of it in one transaction, which checks each table's row count
and content checksum before it commits. A target that already holds rows is refused, and so is a
source that this version would first have to migrate.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from experiments.backup import make_backup, restore_backup
from experiments.db import MEMORY, Database, connect_read_only
from experiments.errors import BackupRefused, InvalidInput
from experiments.lake import is_ducklake, shown
from experiments.migrations import HEAD, current_version
from experiments.store import Store


@dataclass(frozen=True, slots=True)
class Moved:
    source: str
    target: str
    # Per table: (rows, checksum) in the source, read before the move, and in the target after
    # (equal but for the audit, which holds the move as one entry more).
    before: dict[str, tuple[int, int]]
    after: dict[str, tuple[int, int]]

    @property
    def rows(self) -> int:
        return sum(n for n, _ in self.after.values())

    def as_json(self) -> dict[str, object]:
        return {
            "from": self.source, "to": shown(self.target), "rows": self.rows,
            "tables": {t: {"rows": n, "source_rows": self.before[t][0], "checksum": str(c)}
                       for t, (n, c) in self.after.items()},
        }  # fmt: skip


def _open_source(source: str) -> Database:
    if source == MEMORY or is_ducklake(source):
        raise InvalidInput(
            f"{shown(source)} cannot be moved from: name the DuckDB file the team uses now "
            "(by default data/tracker.duckdb) with --from"
        )
    conn = connect_read_only(source)  # a missing or foreign file is refused by name here
    version = current_version(conn)
    if version != HEAD:
        conn.close()
        raise InvalidInput(
            f"{source} has schema version {version}, this version of Launch & Learn writes "
            f"{HEAD}: open it once with this version (python -m experiments --db {source} check) "
            "so it is brought up to date, then move it"
        )
    return Database(source, conn)


def _verify(
    target: str, before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]
) -> None:
    # The restore compared every table with its file before it committed; this compares the
    # target with the source itself. The audit holds one entry more: the move.
    for table, (rows, checksum) in before.items():
        found = after[table]
        same = found[0] == rows + 1 if table == "audit" else found == (rows, checksum)
        if not same:
            raise InvalidInput(
                f"after the move, the table {table} of {shown(target)} differs from the source "
                f"({found[0]} rows, {rows} in the source); keep using the source and report this"
            )


def move_storage(source: str, target: str) -> Moved:
    """Copy every table of the database file ``source`` into the empty database ``target`` in
    one transaction on the target; return both sides' row counts and checksums per table."""
    if Path(source).expanduser().resolve() == Path(target).expanduser().resolve():
        raise InvalidInput("--from and --to name the same database; name a new target with --to")
    src = _open_source(source)
    folder = Path(tempfile.mkdtemp(prefix="launch-learn-move-"))
    try:
        reader = Store(src)
        tables = reader.backup_tables()
        before = {t: reader.checksum(t) for t in tables}
        make_backup(reader, folder / "tables")
        dst = Database.open(target)
        try:
            writer = Store(dst)
            try:
                restore_backup(writer, folder / "tables", moved_from=source)
            except BackupRefused as e:
                if e.key == "restore.refuse.not_empty_db":
                    raise InvalidInput(
                        f"the target {shown(target)} already holds data ({e.values['tables']}); "
                        "a move goes only into an empty database: name a new one with --to"
                    ) from e
                raise
            after = {t: writer.checksum(t) for t in tables}
            _verify(target, before, after)
        finally:
            dst.close()
    finally:
        src.close()
        shutil.rmtree(folder, ignore_errors=True)
    return Moved(source, target, before, after)
