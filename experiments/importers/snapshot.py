"""Exports with several tables a platform knows (GA4's Reports snapshot): which one is imported.

A Reports snapshot CSV holds one table per card of the report, each under its own ``#`` title
lines and ended by a blank line. The first table a platform knew used to be imported and the
others counted as title and trailing lines, without a word. Now a file with one known table
imports as before; a file with several is refused, naming each, until the person picks one: by
its number (1-based, in file order, among the known tables) or by its title.

Only the blocks after the first known table are read here: each block's head (its comment lines
and first lines) is looked at, and the blank line that ends it is found with the same search
outside quotes that ends a table; locating the rows of the table read takes the search made
below its header from here, so a large export with one table is still scanned once for it.

The same bytes hold several imports then, one per table: the import of a chosen table is
recognised by a digest of the file's sha256 and the table's number, so the same table imported
twice is a duplicate and another table of the file is not.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from experiments.errors import ImportRefused
from experiments.import_models import header_key
from experiments.importers import decoding, quoted, tables

T = TypeVar("T")
# Lines of a block read for its header (title lines such as Google Ads' report name and range
# stand above it without '#'), and how much of the file that reading may take.
BLOCK_LINES = 10
WINDOW = 1 << 16
# Header cells a table without a title is named by.
NAMING_CELLS = 3
# A cell of only a number, a date or a time: a row's (or a title's date range), never a
# header's. Lines with one are not offered to the platforms, so that a file whose data has
# thousands of blank lines in it costs a pattern test per line, not a look through every
# platform's headers.
_VALUE_CELL = re.compile(r'(?:^|[,;\t])[ "]*[-+]?\d[\d.,:/ %-]*[ "]*(?=[,;\t]|$)')


@dataclass(frozen=True, slots=True)
class KnownTable:
    """A table of the file that a platform (or saved mapping) knows."""

    number: int  # 1-based, in file order, among the known tables
    line: int  # its header's line
    title: str | None  # the first line of its '#' comment lines, if it has any
    columns: tuple[str, ...]  # the header's cells

    def label(self, lang: str) -> str:
        """Return how messages and the page's choice name the table: number, title (else the
        header's first cells) and line."""
        from experiments.i18n import t

        if self.title is not None:
            return t("import.table.titled", lang, number=self.number,
                     title=decoding.quote(self.title), line=self.line)  # fmt: skip
        cells = ", ".join(decoding.quote(c, 30) for c in self.columns[:NAMING_CELLS])
        more = " …" if len(self.columns) > NAMING_CELLS else ""
        return t("import.table.untitled", lang, number=self.number, columns=cells + more,
                 line=self.line)  # fmt: skip


class SeveralTables(ImportRefused):
    """The file holds several known tables and none was chosen, or the choice names none of
    them; carries the tables, for the page's choice."""

    def __init__(self, case: str, file: str, found: tuple[KnownTable, ...], choice: str = "",
                 matching: int = 0) -> None:  # fmt: skip
        self.tables = found
        numbers = ", ".join(str(k.number) for k in found)
        super().__init__(case, file, choice=choice, numbers=numbers, matching=matching)

    def text(self, lang: str) -> str:
        """Return the message in ``lang``, each table named in that language."""
        named = "; ".join(k.label(lang) for k in self.tables)
        self.values["tables"] = named
        return super().text(lang)


def _title(comments: list[str]) -> str | None:
    # GA4 frames a title with lines of dashes and leaves empty '#' lines: the first line with
    # words is the title.
    for comment in comments:
        text = comment.lstrip().lstrip("#").strip()
        if text.strip("-=_* "):
            return text
    return None


def _comments_above(text: bytes | memoryview, header: tables.Header[T]) -> list[str]:
    # The '#' lines of the header's own block: up from the header to a blank line.
    above = tables.head_lines(text, header.line - 1)
    comments: list[str] = []
    for _, _, _, line in reversed(above):
        if tables.blank(line):
            break
        if line.lstrip().startswith("#"):
            comments.insert(0, line)
    return comments


def _lines(text: bytes | memoryview, offset: int) -> Iterator[tuple[int, int, str]]:
    """Yield the lines of the window at ``offset`` as (start, end, text), one at a time (a block
    is mostly done after a few); a line the window cuts off is left out."""
    limit = min(len(text), offset + WINDOW)
    pos = offset
    while pos < limit:
        # Read a short piece first, a longer one only for a long line: a file with a blank line
        # between all its rows has as many blocks as rows.
        step = 256
        while True:
            piece = bytes(text[pos : min(limit, pos + step)])
            nl = piece.find(b"\n")
            if nl >= 0 or pos + len(piece) >= limit:
                break
            step *= 4
        if nl < 0 and limit < len(text):
            return
        end = len(piece) if nl < 0 else nl
        yield pos, pos + end, piece[:end].rstrip(b"\r").decode("utf-8", errors="replace")
        pos += end + 1


def _block_header(
    text: bytes | memoryview, offset: int, line: int, identify: Callable[[list[str]], T | None]
) -> tuple[tables.Header[T] | None, list[str]]:
    """Return the header of the block at ``offset`` (on file line ``line``) if a platform knows
    it, with the block's comment lines above it."""
    comments: list[str] = []
    texts = 0
    for number, (start, end, content) in enumerate(_lines(text, offset), start=line):
        if tables.blank(content):
            if texts or comments:
                break  # the block ends without a header a platform knows
            continue
        if content.lstrip().startswith("#"):
            comments.append(content)
            continue
        texts += 1
        if texts > BLOCK_LINES:
            break
        if _VALUE_CELL.search(content):
            continue
        for delimiter in tables.DELIMITERS:
            cells = tables.split(content, delimiter)
            match = identify([header_key(c) for c in cells]) if len(cells) >= 2 else None
            if match is not None:
                header = tables.Header(number, start, end, delimiter, tuple(cells), match)
                return header, comments
    return None, comments


# Where a search for the blank line ending a table started (the end of a header), and what it
# found: locating the chosen table's rows starts from there too and need not search again.
Searched = tuple[int, re.Match[bytes] | None]


def find(
    text: bytes | memoryview,
    first: tables.Header[T],
    identify: Callable[[list[str]], T | None],
    searched: dict[int, re.Match[bytes] | None] | None = None,
) -> list[tuple[KnownTable, tables.Header[T]]]:
    """Return every table a platform knows, from the first one found on: each with its header.
    ``searched`` is given what each search for a blank line found, by where it started."""
    found = [(KnownTable(1, first.line, _title(_comments_above(text, first)), first.cells), first)]
    # ``pos`` is always outside quotes (the end of a header, or the line break before a block),
    # so the next blank line found from it is one that ends a table; ``line`` is pos's line.
    pos, line = first.end, first.line
    while True:
        gap = quoted.next_blank(text, pos, found[-1][1].delimiter)
        if searched is not None:
            searched[pos] = gap
        if gap is None or gap.end() >= len(text):
            return found
        block = gap.end()
        line += bytes(text[pos:block]).count(b"\n")
        header, comments = _block_header(text, block, line, identify)
        if header is None:  # a table nobody knows, or more rows: look on from its start
            pos, line = block - 1, line - 1
            continue
        known = KnownTable(len(found) + 1, header.line, _title(comments), header.cells)
        found.append((known, header))
        pos, line = header.end, header.line


def choose(
    name: str,
    text: bytes | memoryview,
    first: tables.Header[T],
    identify: Callable[[list[str]], T | None],
    choice: str | None,
) -> tuple[tables.Header[T], tuple[KnownTable, ...], KnownTable | None, Searched | None]:
    """Return the header of the table to import, the file's known tables, the one chosen
    (none when the file has one known table and nothing was chosen) and the search for the
    blank line below the header, if one was made. Raise SeveralTables when several are known
    and none was chosen, or the choice names none of them."""
    searched: dict[int, re.Match[bytes] | None] = {}
    found = find(text, first, identify, searched)
    known = tuple(k for k, _ in found)

    def below(header: tables.Header[T]) -> Searched | None:
        return (header.end, searched[header.end]) if header.end in searched else None

    if choice is None or not choice.strip():
        if len(found) > 1:
            raise SeveralTables("several_tables", name, known)
        return first, known, None, below(first)
    wanted = choice.strip()
    if wanted.isascii() and wanted.isdigit():
        for k, header in found:
            if k.number == int(wanted):
                return header, known, k, below(header)
        raise SeveralTables("table_number", name, known, wanted)
    matching = [(k, h) for k, h in found if k.title and _same(k.title, wanted)]
    if len(matching) == 1:
        return matching[0][1], known, matching[0][0], below(matching[0][1])
    case = "table_title_twice" if matching else "table_title"
    raise SeveralTables(case, name, known, decoding.quote(wanted), len(matching))


def _same(title: str, wanted: str) -> bool:
    return " ".join(title.split()).casefold() == " ".join(wanted.split()).casefold()


def digest(sha256: str, known: tuple[KnownTable, ...], chosen: KnownTable | None) -> str:
    """Return what identifies the import: the bytes' sha256, or for a table chosen among
    several the digest of it and the table's number."""
    if chosen is None or len(known) < 2:
        return sha256
    return hashlib.sha256(f"{sha256}:table:{chosen.number}".encode()).hexdigest()
