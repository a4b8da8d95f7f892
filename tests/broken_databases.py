"""Database files in trouble, made the way they come about: held by another process, written by
a newer version, damaged on disk, not a tracker database at all, or out of reach.

Each maker takes the path to create and the demo database to start from (a real file the size
of a small team's workspace, checkpointed and closed); a test compares the folder before and
after to show that nothing was written.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from experiments.migrations import HEAD

# A DuckDB file starts with a main header and two database headers of 4 KiB each; its blocks
# follow, each beginning with the 8-byte checksum of its contents.
HEADERS = 3 * 4096
DB_HEADER = 4096
CHECKSUM = 8
# The newest storage version the pinned DuckDB (1.5) reads, as its refusal names it.
DUCKDB_READS_UP_TO = 68

Maker = Callable[[Path, Path], Path]


def demo_copy(path: Path, template: Path) -> Path:
    """A healthy copy of the demo database."""
    shutil.copyfile(template, path)
    return path


def schema_too_new(path: Path, template: Path) -> Path:
    """The demo database as a later Launch & Learn leaves it: one schema version ahead."""
    demo_copy(path, template)
    conn = duckdb.connect(str(path))
    conn.execute(
        "INSERT INTO schema_version VALUES (?, 'from a later version', current_timestamp)",
        [HEAD + 1],
    )
    conn.close()
    return path


def _checksum_term(word: int) -> int:
    # DuckDB's checksum of a header is 5381 XOR-ed with each 8-byte word times this constant.
    return (word * 0xBF58476D1CE4E5B9) % 2**64


def storage_too_new(path: Path, template: Path) -> Path:
    """The demo database as a newer DuckDB would mark it: storage version 99 in the main header,
    with the header's checksum made to match, so only the version tells it apart."""
    demo_copy(path, template)
    data = bytearray(path.read_bytes())
    # The version (bytes 12..20) straddles the checksummed words at 8 and 16; the checksum
    # changes by the old words' terms out and the new words' terms in.
    before = [struct.unpack_from("<Q", data, at)[0] for at in (8, 16)]
    struct.pack_into("<Q", data, 12, 99)
    after = [struct.unpack_from("<Q", data, at)[0] for at in (8, 16)]
    checksum = struct.unpack_from("<Q", data, 0)[0]
    for old, new in zip(before, after, strict=True):
        checksum ^= _checksum_term(old) ^ _checksum_term(new)
    struct.pack_into("<Q", data, 0, checksum)
    path.write_bytes(bytes(data))
    return path


def _flip_word(path: Path, at: int) -> None:
    # One 8-byte word, every bit inverted. DuckDB's checksum XORs a term per word, so two
    # words overwritten alike where they were alike before (a run of zeros) would cancel out
    # and go unnoticed; one changed word always changes the checksum.
    with path.open("r+b") as f:
        f.seek(at)
        word = f.read(8)
        f.seek(at)
        f.write(bytes(b ^ 0xFF for b in word))


def damaged_header(path: Path, template: Path) -> Path:
    """The demo database with a word of its first database header overwritten."""
    demo_copy(path, template)
    _flip_word(path, DB_HEADER + CHECKSUM + 8)
    return path


def damaged_table(path: Path, template: Path, table: str = "metric_fact") -> Path:
    """The demo database with a word overwritten in the middle of a table's stored data: the
    file opens, and only a read of that table meets the damage."""
    demo_copy(path, template)
    conn = duckdb.connect(str(path), read_only=True)
    [(block_size,)] = conn.execute("SELECT block_size FROM pragma_database_size()").fetchall()
    segments = conn.execute(
        "SELECT block_id, block_offset FROM pragma_storage_info(?) "
        "WHERE block_id >= 0 ORDER BY block_id, block_offset",
        [table],
    ).fetchall()
    conn.close()
    block, offset = segments[len(segments) // 2]
    _flip_word(path, HEADERS + block * block_size + CHECKSUM + offset + 8)
    return path


def sqlite_file(path: Path, template: Path) -> Path:
    """A SQLite database, as another tool or an older script would leave one."""
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE campaign (name TEXT)")
    conn.execute("INSERT INTO campaign VALUES ('Spring Sale')")
    conn.commit()
    conn.close()
    return path


def empty_file(path: Path, template: Path) -> Path:
    """An empty file, as touch leaves one."""
    path.write_bytes(b"")
    return path


def text_file(path: Path, template: Path) -> Path:
    """A CSV export saved under the database's name."""
    path.write_text("Campaign,Spend\nSpring Sale,120.50\n", encoding="utf-8")
    return path


def foreign_duckdb(path: Path, template: Path) -> Path:
    """A DuckDB database of another program: tables, but none of ours."""
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE orders AS SELECT range AS id FROM range(10)")
    conn.close()
    return path


def folder(path: Path, template: Path) -> Path:
    """A folder where the database file should be."""
    path.mkdir()
    return path


def under_a_file(path: Path, template: Path) -> Path:
    """A database path whose folder is a file."""
    path.write_text("not a folder", encoding="utf-8")
    return path / "tracker.duckdb"


@contextmanager
def held(path: Path) -> Iterator[int]:
    """Hold a DuckDB write connection to ``path`` in another process; yield its process id."""
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, duckdb\n"
         "conn = duckdb.connect(sys.argv[1])\n"
         "print('held', flush=True)\n"
         "sys.stdin.read()\n",
         str(path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        yield holder.pid
    finally:
        assert holder.stdin is not None
        holder.stdin.close()  # the holder reads to the end of its input, then exits
        holder.wait(timeout=60)


def holder_program() -> str:
    """Return the program name DuckDB reports for a lock held by a Python process of ours."""
    return Path(os.path.realpath(sys.executable)).name


NOBODY = 65534


@contextmanager
def without_access(path: Path) -> Iterator[None]:
    """Run the block without permission to open ``path``. Root may open every file, so as
    root the block runs as nobody (the effective user only, restored afterwards), for whom
    the test's private temporary folder is closed; anyone else loses the file's permissions."""
    if os.geteuid() == 0:
        os.seteuid(NOBODY)
        try:
            yield
        finally:
            os.seteuid(0)
        return
    mode = path.stat().st_mode
    path.chmod(0)
    try:
        yield
    finally:
        path.chmod(mode)


def snapshot(folder: Path) -> dict[str, tuple[int, str]]:
    """Return every file under ``folder`` with its modification time and content hash."""
    return {
        str(p.relative_to(folder)): (
            p.stat().st_mtime_ns,
            hashlib.sha256(p.read_bytes()).hexdigest(),
        )
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }
