"""Where the database lives and how we connect to it.

One DuckDB connection per process, a cursor per unit of work (a Streamlit script run, a CLI
command), and one process-wide lock around writes: DuckDB refuses concurrent updates of one row,
so writers queue here instead of failing on each other.
"""

from __future__ import annotations

import errno
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from experiments import lake
from experiments.errors import (
    ChangedMeanwhile,
    ConstraintViolation,
    DatabaseCorrupt,
    DatabaseError,
    DatabaseLocked,
    DatabaseTooNew,
    DatabaseTrouble,
    DatabaseUnreadable,
    InvalidInput,
    NotATrackerDatabase,
    NotFound,
    TrackerError,
    WriteConflict,
)
from experiments.lake import LAKE, is_ducklake

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DB = PROJECT_ROOT / "data" / "tracker.duckdb"
MEMORY = ":memory:"

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


# What the first bytes of a file say it is: DuckDB writes "DUCK" after the header's 8-byte
# checksum; SQLite starts with its own 16-byte magic.
DUCKDB_MAGIC, DUCKDB_MAGIC_AT = b"DUCK", 8
SQLITE_MAGIC = b"SQLite format 3\x00"
# DuckDB's driver errors carry no codes; these are the words of its messages (checked against the
# pinned 1.5 line by the tests of each case).
_LOCK = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")
_STORAGE = re.compile(
    r"version number (?P<found>\d+), but we can only read versions between \d+ and (?P<known>\d+)"
)
# Only errors of reading or committing storage: a conversion error may quote a cell that says
# "corrupt". A commit that meets a damaged block fails as a transaction error.
_STORAGE_ERRORS = (
    duckdb.IOException,
    duckdb.TransactionException,
    duckdb.InternalException,
    duckdb.FatalException,
    duckdb.SerializationException,
)
_CORRUPT = re.compile(
    r"corrupt database|computed checksum|MetadataReader|metadata pointer", re.IGNORECASE
)


def corruption(error: duckdb.Error, target: str, case: str = "file") -> DatabaseCorrupt | None:
    """Return the domain error when a driver error says the file's data is damaged; ``case``
    is "start" when the damage keeps the file from opening at all."""
    if target == MEMORY or not isinstance(error, _STORAGE_ERRORS):
        return None
    detail = driver_detail(error)
    return DatabaseCorrupt(target, case, detail=detail) if _CORRUPT.search(detail) else None


def _os_trouble(path: str, error: OSError) -> DatabaseTrouble:
    """Return the domain error for a file the system refuses to open or create."""
    if error.errno in (errno.EACCES, errno.EPERM):
        return DatabaseUnreadable(path, "permission")
    if error.errno == errno.EISDIR:
        return DatabaseUnreadable(path, "folder")
    if error.errno in (errno.ENOTDIR, errno.EEXIST):  # EEXIST: a file where a folder should be
        return DatabaseUnreadable(path, "not_dir")
    return DatabaseUnreadable(path, "os", detail=error.strerror or type(error).__name__)


def classify(target: str, error: duckdb.Error) -> DatabaseTrouble:
    """Return the domain error for DuckDB's refusal to open (or first read) a database file."""
    text = str(error)
    if found := _LOCK.search(text):
        program = Path(found["program"]).name
        return DatabaseLocked(target, "held", pid=found["pid"], program=program)
    if "Could not set lock" in text:
        return DatabaseLocked(target, "unknown")
    if (version := _STORAGE.search(text)) and int(version["found"]) > int(version["known"]):
        return DatabaseTooNew(target, "storage", found=version["found"], known=version["known"])
    if damaged := corruption(error, target, "start"):
        return damaged
    if "not a valid DuckDB database file" in text:
        return NotATrackerDatabase(target, "not_duckdb")
    if "Permission denied" in text or "Operation not permitted" in text:
        return DatabaseUnreadable(target, "permission")
    if "Is a directory" in text:
        return DatabaseUnreadable(target, "folder")
    return DatabaseUnreadable(target, "os", detail=driver_detail(error))


def refuse_unusable(path: Path) -> None:
    """Raise the domain error for a file that cannot be a tracker database, judged by its first
    bytes; a file that does not exist yet passes (it is created)."""
    try:  # a folder, a path under a file, no permission: the system's refusal says which
        with path.open("rb") as f:
            head = f.read(16)
    except FileNotFoundError:
        return
    except OSError as e:
        raise _os_trouble(str(path), e) from e
    # Judged here, before DuckDB sees the file: DuckDB would answer a SQLite file by looking
    # for its sqlite extension ("INSTALL sqlite"), and these are never installed at run time.
    if not head:
        raise NotATrackerDatabase(str(path), "empty")
    if head.startswith(SQLITE_MAGIC):
        raise NotATrackerDatabase(str(path), "sqlite")
    if head[DUCKDB_MAGIC_AT : DUCKDB_MAGIC_AT + len(DUCKDB_MAGIC)] != DUCKDB_MAGIC:
        raise NotATrackerDatabase(str(path), "not_duckdb")


def translate(error: duckdb.Error, target: str = MEMORY) -> TrackerError:
    """Return the domain error for a driver error; raise it ``from`` the original."""
    if damaged := corruption(error, target):
        return damaged
    detail = driver_detail(error)
    if isinstance(error, duckdb.ConstraintException):
        return ConstraintViolation(
            f"the database refused the change ({detail}); someone may have changed the same data "
            "meanwhile: reload and try again"
        )
    if isinstance(error, duckdb.TransactionException) and "DuckLake transaction" in detail:
        # Another process (an app server on the same catalog) committed a write first that
        # this one's overlaps ("Transaction conflict" on a later line of the driver's text).
        return ChangedMeanwhile("server")
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


def connect(target: str | Path) -> duckdb.DuckDBPyConnection:
    """Return a new connection to a database file (created if missing), ``:memory:``, or a
    DuckLake catalog (``ducklake:…``, data files under $TRACKER_DATA_PATH); a file that
    cannot be opened raises a DatabaseTrouble naming why."""
    name = str(target)
    if is_ducklake(name):
        conn = duckdb.connect(MEMORY, config=dict(SETTINGS))
        try:
            lake.attach(conn, name)
        except BaseException:
            conn.close()
            raise
        return conn
    if name != MEMORY:
        path = Path(name)
        refuse_unusable(path)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise _os_trouble(name, e) from e
    try:
        return duckdb.connect(name, config=dict(SETTINGS))
    except duckdb.Error as e:
        raise classify(name, e) from e


def connect_read_only(target: str | Path) -> duckdb.DuckDBPyConnection:
    """Return a read-only connection to an existing database file: nothing in it can change
    (DuckDB refuses every write), and a missing file is not created."""
    name = str(target)
    if name == MEMORY or is_ducklake(name):
        raise InvalidInput(f"{name} is not a database file; name a DuckDB file such as "
                           "data/tracker.duckdb")  # fmt: skip
    path = Path(name)
    refuse_unusable(path)
    if not path.exists():
        raise NotFound(f"there is no database at {name}; check the path, or create one with init")
    try:
        return duckdb.connect(name, read_only=True, config=dict(SETTINGS))
    except duckdb.Error as e:
        raise classify(name, e) from e


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
        try:
            with db.write_lock:
                # DuckLake has no indexes; uniqueness is the store's check there.
                migrate(conn, indexes=not is_ducklake(target), name=str(target))
        except BaseException as e:
            # Closed, so that a refused file is not kept locked by this process.
            conn.close()
            if isinstance(e, duckdb.Error):
                raise classify(str(target), e) from e
            raise
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
        """Close the connection (DuckDB writes what the log holds into the file first)."""
        try:
            self.conn.close()
        except duckdb.Error as e:
            raise translate(e, self.target) from e
