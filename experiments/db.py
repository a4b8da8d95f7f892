"""Where the database lives and how we connect to it.

One DuckDB connection per process, a cursor per unit of work (a Streamlit script run, a CLI
command), and one process-wide lock around writes: DuckDB refuses concurrent updates of one row,
so writers queue here instead of failing on each other.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from experiments.errors import (
    ChangedMeanwhile,
    ConstraintViolation,
    DatabaseError,
    InvalidInput,
    TrackerError,
    WriteConflict,
)

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = PROJECT_ROOT / "data" / "tracker.duckdb"
MEMORY = ":memory:"
DUCKLAKE_PREFIX = "ducklake:"
LAKE = "lake"

# The same settings for every connection: DuckDB refuses a second connection to one file with
# different settings. Extensions are never downloaded at run time; they come from installed wheels.
SETTINGS: dict[str, str | bool | int | float] = {
    "autoinstall_known_extensions": False,
    "threads": 2,
}


# What the layers above the store hold: a cursor, never the driver's module.
Connection = duckdb.DuckDBPyConnection
# The driver's errors, for the store and this module only; everything above sees TrackerError.
DriverError = duckdb.Error


def driver_detail(error: BaseException) -> str:
    """Return the first line of a driver error (DuckDB adds the statement below it)."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def translate(error: duckdb.Error) -> TrackerError:
    """Return the domain error for a driver error; raise it ``from`` the original."""
    detail = driver_detail(error)
    if isinstance(error, duckdb.ConstraintException):
        return ConstraintViolation(
            f"the database refused the change ({detail}); someone may have changed the same data "
            "meanwhile: reload and try again"
        )
    if isinstance(error, duckdb.TransactionException) and "conflict" in detail.lower():
        # Two transactions wrote the same row ("Conflict on update!"): the later one lost.
        return ChangedMeanwhile("data", detail=detail)
    if isinstance(error, duckdb.TransactionException):
        return WriteConflict(
            f"another change to the same data came first ({detail}); reload and try again"
        )
    return DatabaseError(f"the database refused the operation ({detail})")


@contextmanager
def scratch() -> Iterator[Connection]:
    """Yield a private in-memory connection (for reading export files; it never sees the
    tracker's tables); driver errors inside come out as domain errors."""
    conn = duckdb.connect(MEMORY, config={**SETTINGS, "threads": 1})
    try:
        yield conn
    except duckdb.Error as e:
        raise translate(e) from e
    finally:
        conn.close()


def default_target() -> str:
    """Return the database used when none is named: $TRACKER_DB, else data/tracker.duckdb."""
    return os.environ.get("TRACKER_DB") or str(DEFAULT_DB)


def is_ducklake(target: str | Path) -> bool:
    """Return True when the target names a DuckLake catalog rather than a DuckDB file."""
    return str(target).startswith(DUCKLAKE_PREFIX)


def _load_ducklake(conn: duckdb.DuckDBPyConnection) -> None:
    # The extension ships in a pinned PyPI wheel and is loaded from there with DuckDB's signature
    # check on; nothing is downloaded at run time.
    try:
        import duckdb_extension_ducklake
    except ImportError as e:
        raise InvalidInput(
            "a DuckLake target needs the duckdb-extension-ducklake package; "
            "install requirements.txt"
        ) from e
    folder = (
        Path(duckdb_extension_ducklake.__file__).parent / "extensions" / f"v{duckdb.__version__}"
    )
    conn.execute(f"LOAD '{folder / 'ducklake.duckdb_extension'}'")


def _sql_text(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _attach_ducklake(conn: duckdb.DuckDBPyConnection, target: str) -> None:
    _load_ducklake(conn)
    # ATTACH takes no bound parameters; both values come from the operator's own settings.
    sql = f"ATTACH {_sql_text(target)} AS {LAKE}"
    data_path = os.environ.get("TRACKER_DATA_PATH")
    if data_path:
        sql += f" (DATA_PATH {_sql_text(data_path)})"
    conn.execute(sql)
    conn.execute(f"USE {LAKE}")


def connect(target: str | Path) -> duckdb.DuckDBPyConnection:
    """Return a new connection to a database file (created if missing), ``:memory:``, or a
    DuckLake catalog (``ducklake:…``, data files under $TRACKER_DATA_PATH)."""
    name = str(target)
    if is_ducklake(name):
        conn = duckdb.connect(MEMORY, config=dict(SETTINGS))
        try:
            _attach_ducklake(conn, name)
        except duckdb.Error as e:
            conn.close()
            raise InvalidInput(f"cannot attach the DuckLake catalog {name}: {e}") from e
        return conn
    if name != MEMORY:
        path = Path(name)
        if path.is_dir():
            raise InvalidInput(f"{path} is a folder; name a database file such as tracker.duckdb")
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(name, config=dict(SETTINGS))
    except duckdb.IOException as e:
        raise InvalidInput(
            f"cannot open the database {name}: {e}. Close other programs using it, "
            "or name another file with --db"
        ) from e


@dataclass
class Database:
    """A process-wide connection with its write lock; hand out cursors, never the connection."""

    target: str
    conn: duckdb.DuckDBPyConnection
    write_lock: threading.RLock = field(default_factory=threading.RLock)

    @classmethod
    def open(cls, target: str | Path) -> Database:
        """Return the database at ``target``, migrated to the newest schema."""
        from experiments.migrations import migrate

        conn = connect(target)
        db = cls(str(target), conn)
        with db.write_lock:
            # DuckLake has no indexes; uniqueness is the store's check there.
            migrate(conn, indexes=not is_ducklake(target))
        return db

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """Return a cursor: its own transaction context over the shared database."""
        cur = self.conn.cursor()
        if is_ducklake(self.target):
            cur.execute(f"USE {LAKE}")
        return cur

    @contextmanager
    def transaction(self, cur: duckdb.DuckDBPyConnection) -> Iterator[None]:
        """Run a block as one transaction under the process-wide write lock."""
        with self.write_lock:
            cur.begin()
            try:
                yield
            except BaseException:
                cur.rollback()
                raise
            cur.commit()

    def close(self) -> None:
        self.conn.close()
