"""DuckLake targets: the catalog in a DuckDB file or in PostgreSQL, the data as Parquet files.

``ducklake:PATH`` keeps the catalog in a DuckDB file; ``ducklake:postgres:dbname=… host=…``
keeps it in PostgreSQL, so that several app servers on several machines write one database.
The data files go to ``$TRACKER_DATA_PATH`` (a shared folder or object storage).

Both extensions come from pinned PyPI wheels (requirements-scale.txt) and are loaded from there
with DuckDB's signature check on; nothing is downloaded at run time. The postgres extension's
binary is called ``postgres_scanner`` inside, so DuckDB loads it only under that file name: a
link of that name, in a folder of this process's own, points at the wheel's file.
"""

from __future__ import annotations

import atexit
import functools
import os
import random
import re
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import duckdb

from experiments.errors import ChangedMeanwhile, DatabaseUnreadable

T = TypeVar("T")

PREFIX = "ducklake:"
POSTGRES_PREFIX = PREFIX + "postgres:"
LAKE = "lake"


class CatalogUnavailable(DatabaseUnreadable):
    """A DuckLake catalog cannot be attached: an extension is not installed, PostgreSQL cannot
    be reached, or the data folder is not set. Nothing was written."""

    area = "lake"


def is_ducklake(target: str | Path) -> bool:
    """Return True when the target names a DuckLake catalog rather than a DuckDB file."""
    return str(target).startswith(PREFIX)


def on_postgres(target: str | Path) -> bool:
    """Return True when the target's catalog lives in PostgreSQL."""
    return str(target).startswith(POSTGRES_PREFIX)


def shown(target: str) -> str:
    """Return the target as messages may show it: a password in it is hidden."""
    return re.sub(r"(?i)(password\s*=\s*)(\S+)", r"\1***", target)


def _wheel_file(module: str, package: str, target: str) -> Path:
    try:
        wheel = __import__(module)
    except ImportError as e:
        raise CatalogUnavailable(shown(target), "package", package=package) from e
    found = []
    if wheel.__file__:
        folder = Path(wheel.__file__).parent / "extensions" / f"v{duckdb.__version__}"
        found = sorted(folder.glob("*.duckdb_extension"))
    if not found:
        raise CatalogUnavailable(shown(target), "package", package=package)
    return found[0]


@functools.cache
def _linked_folder() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="launch-learn-ext-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _postgres_file(target: str) -> Path:
    source = _wheel_file("duckdb_extension_postgres", "duckdb-extension-postgres", target)
    link = _linked_folder() / "postgres_scanner.duckdb_extension"
    if not link.exists():
        link.symlink_to(source)
    return link


def load_extensions(conn: duckdb.DuckDBPyConnection, target: str) -> None:
    """Load the extensions a DuckLake target needs from their wheels."""
    if on_postgres(target):
        conn.execute(f"LOAD {_sql_text(str(_postgres_file(target)))}")
    ducklake = _wheel_file("duckdb_extension_ducklake", "duckdb-extension-ducklake", target)
    conn.execute(f"LOAD {_sql_text(str(ducklake))}")


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def attach(conn: duckdb.DuckDBPyConnection, target: str) -> None:
    """Attach the DuckLake catalog ``target`` as the connection's default database."""
    load_extensions(conn, target)
    data_path = os.environ.get("TRACKER_DATA_PATH")
    if on_postgres(target) and not data_path:
        # A catalog in PostgreSQL serves several machines: the data files need a place all of
        # them reach, and DuckDB's default (a folder beside a file catalog) does not exist here.
        raise CatalogUnavailable(shown(target), "no_data_path")
    # ATTACH takes no bound parameters; both values come from the operator's own settings.
    sql = f"ATTACH {_sql_text(target)} AS {LAKE}"
    if data_path:
        sql += f" (DATA_PATH {_sql_text(data_path)})"
    try:
        conn.execute(sql)
    except duckdb.Error as e:
        raise _refusal(target, e) from e
    conn.execute(f"USE {LAKE}")


def _refusal(target: str, error: duckdb.Error) -> CatalogUnavailable:
    text = str(error)
    if "Unable to connect to Postgres" in text:
        reason = text.rsplit(":", 1)[-1].strip() if "failed:" not in text else (
            text.split("failed:", 1)[1].splitlines()[0].strip())  # fmt: skip
        return CatalogUnavailable(shown(target), "unreachable", detail=shown(reason))
    detail = text.splitlines()[0] if text else type(error).__name__
    return CatalogUnavailable(shown(target), "attach", detail=shown(detail))


def retried(action: Callable[[], T], attempts: int = 8) -> T:
    """Run a whole unit of work (one domain call, its own transaction) and run it again when
    another app server's commit on the same catalog came first and DuckLake refused this one.

    Safe because the refused attempt wrote nothing, and every domain call reads what it rests
    on anew and checks what the person saw (the phase, the decision): a true clash is then
    refused with its own reason, while writes of different things that only met in one table
    all land. Any other refusal is passed on at once. Between attempts it waits a random
    while that grows with each refusal (up to a second), so that servers that collided do not
    collide again: DuckLake checks conflicts per table, so writes that change rows of one table
    (a cycle's, the claim row) take turns.
    """
    for attempt in range(attempts):
        try:
            return action()
        except ChangedMeanwhile as e:
            if e.key != "changed.server" or attempt == attempts - 1:
                raise
        time.sleep(random.uniform(0, min(1.0, 0.05 * 2**attempt)))
    raise AssertionError("unreachable")
