"""Stage 5 of an import: how each column's text is read (see pipeline.py).

The first rows are sampled: they decide the number style (1.234,56 or 1,234.56; an ambiguous
sample is said), each date column's format, and which number columns carry a currency sign
or unit to strip. A blank line inside the data with more rows of the same shape below it is
found here and handled as the analyst chose (gaps.py).
"""

from __future__ import annotations

import csv
import io

from experiments.import_models import NumberStyle
from experiments.importers import gaps, tables, values
from experiments.importers.gaps import BlankLines
from experiments.importers.pipeline import EXTRA, Column, Located, Notice, Typed
from experiments.importers.registry import RESULT_INDICATOR, Dialect, Kind, Platform

SAMPLE_ROWS = 500


def type_values(located: Located, blank_lines: BlankLines) -> Typed:
    """Return the columns with their formats and the notices about them; raise
    BlankLinesInData when rows go on below a blank line and nothing was chosen."""
    detected = located.mapped.detected
    name, text = detected.decoded.name, detected.decoded.text
    dialect, table = detected.dialect, located.table
    sample = _sample(text, table, name)
    style, columns, notices = _formats(sample, located.mapped.columns, dialect, detected.platform)
    gap = tables.continuation(text, table, dialect, gaps.fits(columns, style))
    if gap is not None:
        table, key = gaps.choose(name, table, gap, blank_lines)
        notices += (Notice(key, gaps.where(gap)),)
    return Typed(located, table, columns, style, notices, gap)


def _sample(text: bytes | memoryview, table: tables.Table, name: str) -> list[list[str]]:
    view = memoryview(text)
    cut = min(table.end, table.start + (1 << 18))
    chunk = bytes(view[table.start : cut]).decode("utf-8", "replace")
    if cut < table.end:
        chunk = chunk[: chunk.rfind("\n") + 1]
    rows = csv.reader(io.StringIO(chunk), delimiter=table.delimiter)
    try:
        return [row for _, row in zip(range(SAMPLE_ROWS), rows, strict=False)]
    except csv.Error as e:
        raise tables.unreadable_row(name, table.file_line(rows.line_num), e) from None


def _formats(
    sample: list[list[str]], columns: tuple[Column, ...], dialect: Dialect, plat: Platform
) -> tuple[NumberStyle, tuple[Column, ...], tuple[Notice, ...]]:
    def cells(col: Column) -> list[str]:
        return [row[col.index] for row in sample if col.index < len(row)]

    numeric = [c for c in columns if c.kind in (Kind.NUMBER, Kind.SHARE)]
    texts = [v for c in numeric for v in cells(c) if not values.is_missing(v)]
    style, ambiguous = values.choose_style(texts, dialect.number_style)
    notices: list[Notice] = []
    if ambiguous:
        notices.append(Notice("import.warn.ambiguous_numbers", {"style": str(style)}))
    out = []
    for c in columns:
        if c.kind is Kind.DATE:
            fmt = values.choose_date_format(cells(c), dialect.day_first)
            c = Column(c.index, c.label, c.target, c.kind, date_format=fmt)
        elif c.kind in (Kind.NUMBER, Kind.SHARE):
            strip = any(values.needs_strip(v) for v in cells(c))
            c = Column(c.index, c.label, c.target, c.kind, strip=strip)
        if c.kind is Kind.SHARE and not any(x.target == plat.shares[c.target] for x in columns):
            notices.append(Notice("import.warn.share_without_base", {"column": c.label}))
            c = Column(c.index, c.label, EXTRA, Kind.TEXT)
        out.append(c)
    extra = [c.label for c in out if c.target in (EXTRA, RESULT_INDICATOR)]
    if extra:
        notices.append(Notice("import.warn.extra_columns", {"columns": ", ".join(extra)}))
    return style, tuple(out), tuple(notices)
