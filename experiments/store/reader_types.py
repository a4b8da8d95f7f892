"""The columns DuckDB's CSV reader can type itself on an import's first read.

An import reads every cell as text and converts it in SQL (file_sql), so that a bad cell can be
found and named. Most files have no bad cell, and most of their columns are plain numbers and
dates that the reader parses itself, in one step, at about a third of the cost of the text
conversion. So the store first reads such a file with those columns typed by the reader; if the
reader refuses anything, the same import is made again by the text conversion, which either
reads the file (a cell only the text path accepts, such as a marker with spaces around it) or
refuses it with the message it always gave.

A column is typed only where the reader gives exactly the value the text path gives, which
``tests/test_import_reader_types.py`` checks cell by cell:

- a number column (no currency signs to strip): the reader drops the thousands separator and
  reads the decimal one of the file's number style, as the text path's replace-and-cast does;
- a date column in a format without a time of day (strptime in both);
- an empty cell is missing in both. The other empty markers ('-', 'n/a' …) are not: the
  reader's null strings hold for every column, text columns too, where '-' must stay '-'. So a
  typed column with such a marker is refused by the reader and read by the text path.

A column some part of the plan reads as text is never typed.
"""

from __future__ import annotations

from dataclasses import dataclass

from experiments.import_models import CellKind, CellRead, FileImport, NumberStyle, cell_ref

# (decimal separator, thousands separator) per number style, as the text conversion reads them.
_SEPARATORS = {NumberStyle.DE: (",", "."), NumberStyle.EN: (".", ",")}


@dataclass(frozen=True, slots=True)
class ReaderTypes:
    """What the reader types: number columns and date columns (one format)."""

    numbers: frozenset[int]
    dates: frozenset[int]
    date_format: str | None
    style: NumberStyle

    @property
    def typed(self) -> frozenset[int]:
        """Return the columns whose cells arrive as values, not as text."""
        return self.numbers | self.dates


def _uses(plan: FileImport) -> list[tuple[int, str]]:
    """Return (column, use) for every reference the plan makes: 'text', 'number' (plain, so the
    reader may parse it), 'date:<format>' or 'other' (converted from text in SQL)."""
    out: list[tuple[int, str]] = []

    def cell(c: CellRead) -> None:
        if c.kind is CellKind.TEXT:
            out.append((c.index, "text"))
        elif c.kind is CellKind.DATE:
            out.append((c.index, f"date:{c.date_format}"))
        elif c.kind is CellKind.NUMBER and not c.strip:
            out.append((c.index, "number"))
        else:
            out.append((c.index, "other"))
        for part in c.plus:
            cell(part)
        if c.share_of is not None:
            cell(c.share_of)

    for c in (plan.campaign, plan.date, plan.date_end, plan.currency_column):
        if c is not None:
            cell(c)
    for c in (*plan.variants, *(c for _, c in plan.segments), *(c for _, c in plan.extra)):
        cell(c)
    for _, c in plan.metrics:
        cell(c)
    if plan.results is not None:
        cell(plan.results.value)
        cell(plan.results.indicator)
        # Results that count in no metric are kept in extra as their cell was written.
        out.append((plan.results.value.index, "text"))
    return out


def reader_types(plan: FileImport, date_formats: frozenset[str]) -> ReaderTypes | None:
    """Return the columns the reader types for ``plan``, or None where it types none.

    ``date_formats`` are the formats whose dates the reader reads as the text path does."""
    uses: dict[int, set[str]] = {}
    for index, use in _uses(plan):
        uses.setdefault(index, set()).add(use)
    # A separator that is also the delimiter is fine: such numbers are quoted in the file.
    numbers = frozenset(i for i, u in uses.items() if u == {"number"})
    formats = {f for u in uses.values() if len(u) == 1 for f in u if f.startswith("date:")}
    date_format = formats.pop()[5:] if len(formats) == 1 else None
    dates = frozenset[int]()
    if date_format in date_formats:
        dates = frozenset(i for i, u in uses.items() if u == {f"date:{date_format}"})
    else:
        date_format = None
    if not numbers and not dates:
        return None
    return ReaderTypes(numbers, dates, date_format, plan.number_style)


def columns_sql(types: ReaderTypes | None, width: int) -> str:
    """Return the reader's ``columns`` struct: each column's name and the type it is read as."""

    def kind(i: int) -> str:
        if types is not None and i in types.numbers:
            return "DOUBLE"
        return "DATE" if types is not None and i in types.dates else "VARCHAR"

    return "{" + ", ".join(f"'{cell_ref(i)}': '{kind(i)}'" for i in range(width)) + "}"


def options_sql(types: ReaderTypes) -> str:
    """Return the reader's options for its typed columns, each after a comma."""
    parts = []
    if types.numbers:
        decimal, thousands = _SEPARATORS[types.style]
        parts.append(f", decimal_separator='{decimal}', thousands='{thousands}'")
    if types.dates:
        parts.append(f", dateformat='{types.date_format}'")
    return "".join(parts)
