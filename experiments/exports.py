"""CSV and XLSX exports of the tracker's tables, safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with = + - @ (and, in some, TAB or CR) as a formula, so
text that came from people or platform files could run as one. Following OWASP's advice on CSV
injection, every *text* cell starting with one of those characters gets a leading apostrophe;
numbers are left alone, so -12.5 stays a number. XLSX cells are also written as text type
explicitly, so no cell of an export is ever a formula.
"""

from __future__ import annotations

import io
import math
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from experiments.errors import InvalidInput
from experiments.files import write_atomically
from experiments.store import Store

FORMULA_STARTS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r")
FORMATS: tuple[str, ...] = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_576  # Excel's limit, the header row included
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def safe_text(value: Any) -> Any:
    """Return a text cell with the formula prefix where it needs one; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells are formula-safe and whose missing cells are None."""
    out = frame.astype(object).copy()
    for col in out.columns:
        out[col] = [None if _missing(v) else safe_text(v) for v in out[col]]
    return out


def _missing(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """Return the frame as formula-safe CSV, UTF-8 with a BOM so Excel reads umlauts right."""
    text: str = safe_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def xlsx_bytes(frame: pd.DataFrame, sheet: str = "export") -> bytes:
    """Return the frame as a formula-safe XLSX workbook with one sheet."""
    if len(frame) + 1 > XLSX_MAX_ROWS:
        raise InvalidInput(
            f"{len(frame)} rows do not fit in one Excel sheet (at most {XLSX_MAX_ROWS - 1}); "
            "export as .csv instead"
        )
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append([str(c) for c in frame.columns])
    for row in safe_frame(frame).itertuples(index=False):
        ws.append([_cell(ws, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cell(ws: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # Control characters XLSX cannot hold are dropped; the text type means never a formula.
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def render(frame: pd.DataFrame, fmt: str, sheet: str = "export") -> bytes:
    """Return a frame as CSV or XLSX bytes."""
    if fmt not in FORMATS:
        raise InvalidInput(f"'{fmt}' is no export format; use csv or xlsx")
    return csv_bytes(frame) if fmt == "csv" else xlsx_bytes(frame, sheet=sheet)


def export_bytes(store: Store, table: str, fmt: str) -> bytes:
    """Return one table of the tracker as CSV or XLSX bytes."""
    return render(store.export_table(table), fmt, sheet=table)


def export_file(store: Store, table: str, out: Path, *, force: bool = False) -> int:
    """Write one table to ``out`` (.csv or .xlsx by its suffix), whole or not at all; return the
    number of rows. An existing file is replaced only with ``force``."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInput(f"cannot tell the format of '{out.name}'; name a .csv or .xlsx file")
    frame = store.export_table(table)
    write_atomically(out, render(frame, fmt, sheet=table), force=force)
    return len(frame)
