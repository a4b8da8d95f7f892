"""Stage 6 of an import: the data rows as a file DuckDB's CSV reader takes (see pipeline.py).

A UTF-8 export on disk whose table runs to its end is read where it lies, the lines above the
table skipped (no copy of 80 MB); anything else gets its data rows written out as UTF-8, part
after part when blank lines inside the data are gaps.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

from experiments.importers.pipeline import Loaded, Typed


def load(typed: Typed, source: Path | None) -> Loaded:
    """Return where the data rows lie; a copy lives in a temporary folder the caller removes."""
    decoded = typed.located.mapped.detected.decoded
    text, table = decoded.text, typed.table
    rest = bytes(memoryview(text)[table.end :])
    parts = [(part.start, part.end) for part in table.parts] or [(table.start, table.end)]
    mixed = any(_mixed_line_ends(text, start, end) for start, end in parts)
    utf8 = decoded.encoding.startswith("UTF-8")
    if source is not None and utf8 and not table.totals and not mixed:
        if not rest.strip(b"\r\n") and not table.parts:
            return Loaded(source, table.first_line - 1, None)
    tmp = tempfile.TemporaryDirectory(prefix="import-")
    body = Path(tmp.name) / "rows.csv"
    with body.open("wb") as f:
        for start, end in parts:
            rows = memoryview(text)[start:end]
            if mixed:  # the part ends before the LF of its last row's CRLF
                f.write((bytes(rows) + b"\n").replace(b"\r\n", b"\n"))
                continue
            f.write(rows)
            f.write(b"\n")
    return Loaded(body, 0, tmp)


_CHUNK = 1 << 20


def _chunks(data: bytes | memoryview, start: int, end: int, more: int = 0) -> Iterator[bytes]:
    # A megabyte at a time (``more`` bytes past each cut): copying a chunk that stays in the
    # cache is cheap, where a copy of the whole file cost as much as counting it.
    view = memoryview(data)
    for pos in range(start, end, _CHUNK):
        yield bytes(view[pos : min(pos + _CHUNK + more, end)])


def _mixed_line_ends(data: bytes | memoryview, start: int, end: int) -> bool:
    # Excel on Windows ends rows with CRLF but writes a line break typed into a cell as a bare
    # LF; DuckDB's strict reader takes one kind of line end, so such rows are given LF only.
    # A chunk without any CR needs no CRLF count (counting one byte is three times as fast as
    # counting a pair); a CRLF across a cut is counted in the chunk its CR is in.
    crlf = sum(c.count(b"\r\n") for c in _chunks(data, start, end, 1) if b"\r" in c)
    return crlf > 0 and crlf < sum(c.count(b"\n") for c in _chunks(data, start, end))
