"""Files the tracker writes for people (reports, exports): whole or not at all.

A report written in place and cut off part-way (a full disk, a file-size limit) used to leave a
truncated file where the previous report had been. Now the bytes go to a temporary file beside
the target, are flushed to disk, and only then take the target's name in one rename. A writer
that streams (DuckDB's COPY, the XLSX writer) fills the temporary file itself (``write_with``).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from experiments.errors import FileWriteError, InvalidInput

T = TypeVar("T")


def write_atomically(out: Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``out`` through a temporary file and a rename; return ``out``.
    An existing file is replaced only with ``force``."""

    def write(tmp: Path) -> None:
        with tmp.open("wb") as f:
            f.write(data)

    write_with(out, write, force=force)
    return out


def write_with(out: Path, write: Callable[[Path], T], *, force: bool = False) -> T:
    """Let ``write`` fill a temporary file beside ``out``, then give it ``out``'s name; return
    what ``write`` returned. Whole or not at all: on any failure the temporary file goes and
    ``out`` stays as it was. An existing file is replaced only with ``force``."""
    _check_target(out, force)
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=parent)
        os.close(fd)
    except OSError as e:
        raise InvalidInput(f"cannot write {out}: {e.strerror}; choose another path") from e
    tmp = Path(name)
    try:
        result = write(tmp)
        with tmp.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except (OSError, FileWriteError) as e:
        with contextlib.suppress(OSError):
            tmp.unlink()
        reason = e.reason if isinstance(e, FileWriteError) else e.strerror
        raise InvalidInput(
            f"cannot write {out}: {reason}; nothing was changed — free some space or choose "
            "another path"
        ) from e
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return result


def _check_target(out: Path, force: bool) -> None:
    for folder in (out.parent, *out.parent.parents):
        if folder.exists() and not folder.is_dir():
            raise InvalidInput(
                f"cannot write {out}: {folder} is a file, not a folder; choose another path"
            )
    if out.is_dir():
        raise InvalidInput(f"cannot write {out}: it is a folder; name a file inside it")
    if out.exists() and not force:
        raise InvalidInput(
            f"{out} exists already; add --force to replace it, or choose another path"
        )
