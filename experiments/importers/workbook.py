"""Excel workbooks (.xlsx) of any platform's export, read with python-calamine.

A sheet becomes comma-separated UTF-8 text and then goes the same way as a CSV export. Typed cells
are written without grouping ('1234.56', dates as ISO), which every number style and the ISO date
format read the same way; cells Excel kept as text stay exactly as they were.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import python_calamine

from experiments.importers import workbook_limits
from experiments.importers.decoding import fail


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat(timespec="seconds")
    if isinstance(value, timedelta):
        seconds = int(value.total_seconds())
        return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"
    return str(value)


def sheets(data: bytes, name: str) -> list[tuple[str, bytes]]:
    """Return every sheet that has cells, in workbook order, as (sheet name, CSV UTF-8 bytes)."""
    # Before the reader: it aborts the process on a sheet that spans too much (no exception).
    workbook_limits.check(data, name)
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        out = []
        for sheet_name in book.sheet_names:
            rows = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=True)
            if any(any(_cell(v).strip() for v in row) for row in rows):
                out.append((sheet_name, _to_csv(rows)))
    except Exception as e:  # calamine raises several unrelated types for a damaged file
        raise fail(
            name,
            f"the workbook cannot be read ({type(e).__name__})",
            "open it in Excel, save it again as .xlsx and upload that",
        ) from e
    return out


def _to_csv(rows: Sequence[Sequence[object]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue().encode("utf-8")
