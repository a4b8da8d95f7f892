"""Finding the table inside an export: title lines above it, summary and totals rows, its end.

Only the head and the tail of a file are read line by line here; the body is located with one
regular-expression search for the blank line that ends the table, so a large file costs one scan.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from experiments.errors import ImportFormatError
from experiments.importers.decoding import fail
from experiments.importers.registry import Dialect
from experiments.models import header_key as normalise

DELIMITERS = (";", "\t", ",")
HEAD_LINES = 100
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Header(Generic[T]):
    """The header line found, with what recognised it."""

    line: int
    offset: int
    end: int
    delimiter: str
    cells: tuple[str, ...]
    match: T | None


@dataclass(frozen=True, slots=True)
class Table:
    """Where the data rows of an export are, and what was skipped around them."""

    delimiter: str
    header: tuple[str, ...]
    header_line: int
    first_line: int
    start: int
    end: int
    preamble: int
    summary: int
    totals: int
    trailing: int


class UnknownHeader(Exception):
    """No platform or saved mapping knows the header; carries the header the file seems to have."""

    def __init__(self, header: Header[None]) -> None:
        super().__init__(header)
        self.header = header


def split(line: str, delimiter: str) -> list[str]:
    """Return the cells of one line of delimited text (quotes honoured); none for a line that is
    no delimited text (a bare CR inside a cell, a cell over the csv module's 128 KB)."""
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


def unreadable_row(name: str, line: int, error: csv.Error) -> ImportFormatError:
    """Return the message for a row the csv module cannot split, by what it stumbled on."""
    reason = str(error)
    if "field limit" in reason:
        what = f"a cell is longer than {csv.field_size_limit() // 1024} KB"
        todo = "no platform writes cells this long: export the report again, or fix that line"
    elif "new-line" in reason:
        what = "a line break (CR) stands inside a cell that is not in quotes"
        todo = "export the report again from the platform, or fix that line"
    else:
        what = "a quoted field starts on this line and its closing quote is missing"
        todo = "close the quote, or export the file again: it may have been cut off"
    return fail(name, what, todo, line=line)


def head_lines(
    text: bytes | memoryview, limit: int = HEAD_LINES
) -> list[tuple[int, int, int, str]]:
    """Return the first lines as (line number, start offset, end offset, decoded text)."""
    out = []
    buf = bytes(text[: 1 << 20])
    pos = 0
    for number in range(1, limit + 1):
        if pos >= len(buf):
            break
        nl = buf.find(b"\n", pos)
        end = len(buf) if nl < 0 else nl
        line = buf[pos:end].rstrip(b"\r").decode("utf-8", errors="replace")
        out.append((number, pos, end, line))
        pos = end + 1
    return out


def _blank(line: str) -> bool:
    return not line.strip(" \t\r;,")


def find_header(text: bytes | memoryview, identify: Callable[[list[str]], T | None]) -> Header[T]:
    """Return the first line any platform, saved mapping or override recognises as its header."""
    lines = head_lines(text)
    for number, start, end, line in lines:
        if _blank(line) or line.lstrip().startswith("#"):
            continue
        for delimiter in DELIMITERS:
            cells = split(line, delimiter)
            if len(cells) < 2:
                continue
            match = identify([normalise(c) for c in cells])
            if match is not None:
                return Header(number, start, end, delimiter, tuple(cells), match)
    raise UnknownHeader(_guess_header(lines))


def _guess_header(lines: list[tuple[int, int, int, str]]) -> Header[None]:
    # The first line that splits into as many cells as the line after it: a table's header.
    rows = [
        (n, s, e, line)
        for n, s, e, line in lines
        if not _blank(line) and not line.lstrip().startswith("#")
    ]
    for i, (number, start, end, line) in enumerate(rows):
        for delimiter in DELIMITERS:
            cells = split(line, delimiter)
            following = split(rows[i + 1][3], delimiter) if i + 1 < len(rows) else cells
            if len(cells) >= 2 and len(cells) == len(following):
                return Header(number, start, end, delimiter, tuple(cells), None)
    number, start, end, line = rows[0] if rows else (1, 0, 0, "")
    return Header(number, start, end, ",", (line,), None)


def _is_summary(cells: list[str], dialect: Dialect, campaign_index: int | None) -> bool:
    if cells and dialect.is_totals(cells[0]):
        return True
    if dialect.summary_without_campaign and campaign_index is not None:
        return campaign_index < len(cells) and not cells[campaign_index].strip()
    return False


def locate(
    text: bytes | memoryview,
    name: str,
    header: Header[T],
    dialect: Dialect,
    campaign_index: int | None,
) -> Table:
    """Return the data rows below ``header``, leaving out (and counting) summary and totals rows
    and whatever follows the blank line that ends the table."""
    text = memoryview(text)
    preamble = sum(1 for n, _, _, line in head_lines(text, header.line - 1) if not _blank(line))
    start, summary = header.end + 1, 0
    for _, _, e, line in head_lines(text[start:], 5):
        if _blank(line) or not _is_summary(split(line, header.delimiter), dialect, campaign_index):
            break
        start, summary = start + e + 1, summary + 1
    end, trailing = _table_end(text, start, header.delimiter)
    end, totals = _strip_totals(text, start, end, header.delimiter, dialect)
    if start >= end:
        raise fail(
            name,
            "there are no data rows below the header",
            "export a report that contains at least one day with data",
            line=header.line,
        )
    first_line = header.line + 1 + summary
    return Table(
        header.delimiter,
        header.cells,
        header.line,
        first_line,
        start,
        end,
        preamble,
        summary,
        totals,
        trailing,
    )


def _table_end(text: bytes | memoryview, start: int, delimiter: str) -> tuple[int, int]:
    # A blank line (or one of only delimiters, as Excel writes empty rows) ends the table.
    blank = re.compile(rb"\n[ \t\r" + re.escape(delimiter.encode()) + rb"]*(?:\n|\Z)")
    found = blank.search(text, max(start - 1, 0)) if start < len(text) else None
    if found is None:
        return len(text), 0
    rest = bytes(text[found.end() :])
    trailing = sum(1 for line in rest.decode("utf-8", "replace").splitlines() if not _blank(line))
    return found.start(), trailing


def _strip_totals(
    text: bytes | memoryview, start: int, end: int, delimiter: str, dialect: Dialect
) -> tuple[int, int]:
    totals = 0
    while end > start and totals < 5:
        line_start = _rfind_line(text, start, end)
        line = bytes(text[line_start:end]).decode("utf-8", "replace").rstrip("\r")
        cells = split(line, delimiter)
        if not cells or not dialect.is_totals(cells[0]):
            break
        end, totals = max(line_start - 1, start), totals + 1
    return end, totals


def _rfind_line(text: bytes | memoryview, start: int, end: int) -> int:
    # Where the last line before ``end`` starts; a line longer than 64 KB is not a totals row.
    window = max(start, end - (1 << 16))
    return bytes(text[window:end]).rfind(b"\n") + 1 + window
