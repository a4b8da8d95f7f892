"""Blank lines inside an export's data: a gap in one table, or the end before another?

A blank line usually ends the table, and what follows is another one (chart data, a totals
block, a second report). But a file someone edited may have a blank line inside its data;
stopping there dropped the rows below it (50 of 100) and said so only as "trailing" lines. When
the rows below a blank line look like the table's own (tables.continuation, with ``fits`` for
their values), the import stops and asks: read past the blank lines, or stop at the first.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Protocol

from experiments.errors import ImportFormatError
from experiments.import_models import NumberStyle
from experiments.importers import decoding, tables, values
from experiments.importers.registry import DATE, Kind


class BlankLines(StrEnum):
    """What to do with blank lines inside the data that more rows of the same table follow."""

    REFUSE = "refuse"  # say so and import nothing: the person chooses
    PAST = "past"  # the blank lines are gaps: import the rows below them too
    STOP = "stop"  # the table ends at the first blank line, as it does before another table


class BlankLinesInData(ImportFormatError):
    """Rows of the same table go on below a blank line; carries where, for the choice."""

    def __init__(self, name: str, gap: tables.Gap) -> None:
        first, also = gap.blank_lines[0], [str(n) for n in gap.blank_lines[1:]]
        what = (
            f"a blank line stands inside the data: lines {gap.first_line}–{gap.last_line} below "
            "it look like more rows of the same table (as many columns, the same kinds of values)"
        )
        if also:
            shown = ", ".join(also[:5]) + (" …" if len(also) > 5 else "")
            what += f"; line {shown} is blank too" if len(also) == 1 else (
                f"; lines {shown} are blank too"
            )  # fmt: skip
        todo = (
            "add --past-blank-lines to import them too (blank lines inside the data are gaps), "
            f"or --stop-at-blank-line to import only the rows above line {first}"
        )
        super().__init__(str(decoding.fail(name, what, todo, line=first)))
        self.gap = gap


class _Column(Protocol):
    @property
    def index(self) -> int: ...
    @property
    def target(self) -> str: ...
    @property
    def kind(self) -> Kind: ...
    @property
    def date_format(self) -> str | None: ...


def fits(columns: Sequence[_Column], style: NumberStyle) -> Callable[[list[str]], bool]:
    """Return the test of a row below a blank line: do its cells hold what the columns do?"""

    def test(cells: list[str]) -> bool:
        for c in columns:
            raw = cells[c.index] if c.index < len(cells) else ""
            if values.is_missing(raw):
                if c.target == DATE:
                    return False  # every row of the table has its day
                continue
            if c.kind is Kind.DATE and not values.parses_date(raw, c.date_format or ""):
                return False
            if c.kind is Kind.NUMBER and values.parse_number(raw, style) is None:
                return False
            if c.kind is Kind.SHARE and not values.number_styles(raw):
                return False
            if c.kind is Kind.DURATION and not values.is_duration(raw):
                return False
        return True

    return test


def where(gap: tables.Gap) -> dict[str, object]:
    """Return the lines a message about the gap names: the first blank one, the rows below."""
    return {"blank": gap.blank_lines[0], "first": gap.first_line, "last": gap.last_line}


def choose(
    name: str, table: tables.Table, gap: tables.Gap, blank_lines: BlankLines
) -> tuple[tables.Table, str]:
    """Return the table as chosen and the text key of the notice that says so; raise
    BlankLinesInData when nobody has chosen yet."""
    if blank_lines is BlankLines.PAST:
        return tables.past_blank_lines(table, gap), "import.warn.blank_lines_past"
    if blank_lines is BlankLines.STOP:
        return table, "import.warn.blank_lines_stop"
    raise BlankLinesInData(name, gap)
