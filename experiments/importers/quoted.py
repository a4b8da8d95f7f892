"""Text with quoted cells: where a blank line really ends a table, and the rows that follow.

A quoted cell may hold line breaks and blank lines of its own (a Meta ad's text). A blank line
counts only outside quotes, and rows are read as the csv reader reads them, over several lines.
"""

from __future__ import annotations

import csv
import io
import re

WINDOW = 1 << 16


def blank_line(delimiter: str) -> re.Pattern[bytes]:
    """Return the pattern of a blank line: empty, or only delimiters and spaces (as Excel writes
    empty rows), with the line break before it."""
    return re.compile(rb"\n[ \t\r" + re.escape(delimiter.encode()) + rb"]*(?:\n|\Z)")


def _quoting(delimiter: str) -> tuple[re.Pattern[bytes], re.Pattern[bytes]]:
    # Text with every quoted cell closed in it (a quote opens a cell only at its start, as the
    # csv reader has it; one inside an unquoted cell, as in 5" screens, is a character), and the
    # rest of a quoted cell up to its closing quote ('""' is a quote inside it).
    sep = rb"\n" + re.escape(delimiter.encode())
    rest = rb'(?:[^"]++|"")*+"'
    at_start, inside = rb"(?<![^" + sep + rb"])", rb"(?<=[^" + sep + rb"])"
    closed = rb'(?:[^"]++|' + at_start + rb'"' + rest + rb"|" + inside + rb'")*+'
    return re.compile(closed), re.compile(rest)


def next_blank(text: bytes | memoryview, pos: int, delimiter: str) -> re.Match[bytes] | None:
    """Return the first blank line at or after ``pos`` that is not inside a quoted cell (a Meta
    ad body may hold blank lines); None when there is none, or a quote opened before it is never
    closed (the table runs on, and the reader says where the quote is missing)."""
    pattern = blank_line(delimiter)
    closed, rest = _quoting(delimiter)
    while pos < len(text):
        found = pattern.search(text, pos)
        if found is None or found.end() >= len(text):
            return found  # none, or only the file's last line break: the table ends anyway
        inside = closed.match(text, pos, found.start())
        if inside is None or inside.end() == found.start():
            return found
        end = rest.match(text, inside.end() + 1)  # the cell opened there and holds the line
        if end is None:
            return None
        pos = end.end()
    return None


def first_rows(text: bytes | memoryview, offset: int, delimiter: str) -> list[list[str]]:
    """Return up to five rows at ``offset`` before the next blank line, read as the csv reader
    reads them (a quoted cell may go on over several lines); a row the window cuts off is left
    out."""
    window = bytes(text[offset : offset + WINDOW]).decode("utf-8", "replace")
    cut = offset + WINDOW < len(text)
    reader = csv.reader(io.StringIO(window), delimiter=delimiter)
    rows: list[list[str]] = []
    try:
        for cells in reader:
            if not "".join(cells).strip(" \t\r") or len(rows) == 5:
                return rows
            rows.append(cells)
    except csv.Error:  # a quoted cell the window cuts off
        return rows
    return rows[:-1] if cut else rows
