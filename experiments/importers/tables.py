"""Finding the table inside an export: title lines above it, summary and totals rows, its end.

Only the head and the tail of a file are read line by line here; the body is located with
regular-expression searches for the blank line that ends the table, outside quotes: a quoted cell
(a Meta ad's text) may hold blank lines of its own. A file without a blank line costs one scan.

A blank line usually ends the table (a second table follows: chart data, a totals block). But a
file someone edited may have a blank line *inside* its data, and then stopping there drops the
rows below it without a word. ``continuation`` looks below the blank line: rows of the same shape
and kinds of values are the same table going on, and the person chooses what to import.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from experiments.errors import ImportFormatError
from experiments.import_models import header_key as normalise
from experiments.importers import quoted
from experiments.importers.decoding import fail
from experiments.importers.registry import Dialect

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
    # The parts of the data when blank lines inside it are read as gaps (empty: one part,
    # from ``start`` to ``end``); ``start`` and ``end`` then span them all.
    parts: tuple[Part, ...] = ()

    def file_line(self, body_line: int) -> int:
        """Return the file's line number of line ``body_line`` (1-based) of the data rows as
        they are read: the parts one after the other, without the blank lines between them."""
        before = 0
        for part in self.parts[:-1]:
            if body_line <= before + part.lines:
                break
            before += part.lines
        else:
            part = self.parts[-1] if self.parts else Part(0, 0, self.first_line, 0)
        return part.first_line + body_line - before - 1


@dataclass(frozen=True, slots=True)
class Part:
    """A run of data lines without a blank line in it."""

    start: int
    end: int
    first_line: int
    lines: int


@dataclass(frozen=True, slots=True)
class Gap:
    """Blank lines inside the data, with more rows of the same table below them."""

    blank_lines: tuple[int, ...]  # their line numbers
    above: Part  # the rows above the first blank line
    parts: tuple[Part, ...]  # the rows below them, up to where the table really ends
    totals: int  # totals rows below the last part
    trailing: int  # lines with text after the table

    @property
    def first_line(self) -> int:
        """Return the first line of rows below the first blank line."""
        return self.parts[0].first_line

    @property
    def last_line(self) -> int:
        """Return the last line of the table read past its blank lines."""
        return self.parts[-1].first_line + self.parts[-1].lines - 1


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


def blank(line: str) -> bool:
    """Return True for a line of only spaces, tabs and delimiters."""
    return not line.strip(" \t\r;,")


def find_header(text: bytes | memoryview, identify: Callable[[list[str]], T | None]) -> Header[T]:
    """Return the first line any platform, saved mapping or override recognises as its header."""
    lines = head_lines(text)
    for number, start, end, line in lines:
        if blank(line) or line.lstrip().startswith("#"):
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
        if not blank(line) and not line.lstrip().startswith("#")
    ]
    for i, (number, start, end, line) in enumerate(rows):
        for delimiter in DELIMITERS:
            cells = split(line, delimiter)
            following = split(rows[i + 1][3], delimiter) if i + 1 < len(rows) else cells
            if len(cells) >= 2 and len(cells) == len(following):
                return Header(number, start, end, delimiter, tuple(cells), None)
    number, start, end, line = rows[0] if rows else (1, 0, 0, "")
    return Header(number, start, end, ",", (line,), None)


def is_summary(cells: list[str], dialect: Dialect, campaign_index: int | None) -> bool:
    """Return True for a totals row, or the account's summary row without a campaign name."""
    if dialect.is_totals_row(cells):
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
    searched: tuple[int, re.Match[bytes] | None] | None = None,
) -> Table:
    """Return the data rows below ``header``, leaving out (and counting) summary and totals rows
    and whatever follows the blank line that ends the table. ``searched`` is a search for that
    blank line already made (where it started, what it found): used when it started where the
    data rows do."""
    text = memoryview(text)
    preamble = sum(1 for n, _, _, line in head_lines(text, header.line - 1) if not blank(line))
    start, summary = header.end + 1, 0
    for _, _, e, line in head_lines(text[start:], 5):
        if blank(line) or not is_summary(split(line, header.delimiter), dialect, campaign_index):
            break
        start, summary = start + e + 1, summary + 1
    end, trailing = _table_end(text, start, header.delimiter, searched)
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


def _table_end(
    text: bytes | memoryview,
    start: int,
    delimiter: str,
    searched: tuple[int, re.Match[bytes] | None] | None = None,
) -> tuple[int, int]:
    # The first blank line outside quotes ends the table; the lines with text below it are
    # counted. A search from the same place need not scan the file again.
    pos = max(start - 1, 0)
    if start >= len(text):
        found = None
    elif searched is not None and searched[0] == pos:
        found = searched[1]
    else:
        found = quoted.next_blank(text, pos, delimiter)
    if found is None:
        return len(text), 0
    return found.start(), _trailing(text, found.end())


def _trailing(text: bytes | memoryview, offset: int) -> int:
    rest = bytes(text[offset:]).decode("utf-8", "replace")
    return sum(1 for line in rest.splitlines() if not blank(line))


def _lines_in(text: bytes | memoryview, start: int, end: int) -> int:
    return bytes(text[start:end]).count(b"\n") + 1


@dataclass(frozen=True, slots=True)
class _Below:
    """What follows the blank lines below a part: where, from which line, and those blank lines."""

    offset: int
    line: int
    blank_lines: tuple[int, ...]


def _below(text: bytes | memoryview, end: int, last_line: int, delimiter: str) -> _Below:
    """Skip the blank lines after the part that ends at ``end`` (its newline) on ``last_line``."""
    filler = b" \t\r" + delimiter.encode()
    pos, line, blanks = end + 1, last_line + 1, []
    while pos < len(text):
        chunk = bytes(text[pos : pos + (1 << 16)])
        nl = chunk.find(b"\n")
        content = chunk if nl < 0 else chunk[:nl]
        if content.strip(filler) or (nl < 0 and pos + len(chunk) < len(text)):
            break  # a line with text (or one longer than 64 KB: not blank)
        blanks.append(line)
        pos, line = pos + len(content) + 1, line + 1
    return _Below(pos, line, tuple(blanks))


def _same_table(
    text: bytes | memoryview, offset: int, table: Table, dialect: Dialect,
    fits: Callable[[list[str]], bool],
) -> bool:  # fmt: skip
    """Return True when the first rows at ``offset`` are rows like the table's own."""
    header = [normalise(c) for c in table.header]
    rows = quoted.first_rows(text, offset, table.delimiter)
    return bool(rows) and all(
        len(cells) == len(header)
        and [normalise(c) for c in cells] != header  # the header again: a second report
        and not dialect.is_totals_row(cells)  # a totals block
        and not cells[0].lstrip().startswith("#")  # comment lines of another report
        and fits(cells)
        for cells in rows
    )


def continuation(
    text: bytes | memoryview, table: Table, dialect: Dialect, fits: Callable[[list[str]], bool]
) -> Gap | None:
    """Return the blank lines inside the table and the rows below them, when the lines after a
    blank line are more rows of the same table: as many cells as the header, no totals, and
    values ``fits`` accepts (the first five lines of each part are checked). None when the table
    really ends at its first blank line: nothing follows, or another table does."""
    if table.totals or table.end >= len(text):  # rows below a totals row are another table
        return None
    text = memoryview(text)
    if _below(text, table.end, 0, table.delimiter).offset >= len(text):
        return None  # only blank lines below: no need to count the table's lines
    above = Part(table.start, table.end, table.first_line, _lines_in(text, table.start, table.end))
    last_line = above.first_line + above.lines - 1
    end, blanks, parts = table.end, list[int](), list[Part]()
    while end < len(text):
        below = _below(text, end, last_line, table.delimiter)
        if below.offset >= len(text) or not _same_table(text, below.offset, table, dialect, fits):
            break
        found = quoted.next_blank(text, below.offset - 1, table.delimiter)
        end = len(text) if found is None else found.start()
        parts.append(Part(below.offset, end, below.line, _lines_in(text, below.offset, end)))
        blanks.extend(below.blank_lines)
        last_line = below.line + parts[-1].lines - 1
    if not parts:
        return None
    last = parts[-1]
    cut, totals = _strip_totals(text, last.start, last.end, table.delimiter, dialect)
    parts[-1] = Part(last.start, cut, last.first_line, _lines_in(text, last.start, cut))
    found = quoted.next_blank(text, last.end, table.delimiter) if last.end < len(text) else None
    trailing = 0 if found is None else _trailing(text, found.end())
    return Gap(tuple(blanks), above, tuple(parts), totals, trailing)


def past_blank_lines(table: Table, gap: Gap) -> Table:
    """Return the table read past its blank lines: the gap's rows belong to it."""
    return replace(
        table, end=gap.parts[-1].end, totals=gap.totals, trailing=gap.trailing,
        parts=(gap.above, *gap.parts),
    )  # fmt: skip


def _strip_totals(
    text: bytes | memoryview, start: int, end: int, delimiter: str, dialect: Dialect
) -> tuple[int, int]:
    totals = 0
    while end > start and totals < 5:
        line_start = _rfind_line(text, start, end)
        line = bytes(text[line_start:end]).decode("utf-8", "replace").rstrip("\r")
        cells = split(line, delimiter)
        if not cells or not dialect.is_totals_row(cells):
            break
        end, totals = max(line_start - 1, start), totals + 1
    return end, totals


def _rfind_line(text: bytes | memoryview, start: int, end: int) -> int:
    # Where the last line before ``end`` starts; a line longer than 64 KB is not a totals row.
    window = max(start, end - (1 << 16))
    return bytes(text[window:end]).rfind(b"\n") + 1 + window
