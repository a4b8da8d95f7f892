"""Files the tracker writes for people (reports, exports): whole or not at all.

A report written in place and cut off part-way (a full disk, a file-size limit) used to leave a
truncated file where the previous report had been. Now the bytes go to a temporary file beside
the target, are flushed to disk, and only then take the target's name in one rename.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from experiments.errors import InvalidInput


def write_atomically(out: Path, data: bytes, *, force: bool = False) -> Path:
    """Write ``data`` to ``out`` through a temporary file and a rename; return ``out``.
    An existing file is replaced only with ``force``."""
    parent = out.parent
    for folder in (parent, *parent.parents):
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
    try:
        parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".part", dir=parent)
    except OSError as e:
        raise InvalidInput(f"cannot write {out}: {e.strerror}; choose another path") from e
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except OSError as e:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise InvalidInput(
            f"cannot write {out}: {e.strerror}; nothing was changed — free some space or choose "
            "another path"
        ) from e
    return out
