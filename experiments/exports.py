"""CSV and XLSX exports of the tracker's tables, safe to open in a spreadsheet.

A spreadsheet runs a cell that starts with = + - @ (and, in some, TAB or CR) as a formula, so
text that came from people or platform files could run as one. Following OWASP's advice on CSV
injection, every *text* cell starting with one of those characters gets a leading apostrophe;
numbers are left alone, so -12.5 stays a number. XLSX cells are also written as text type
explicitly, so no cell of an export is ever a formula.

A table is never built in memory to be exported: DuckDB writes the CSV itself and the XLSX writer
takes the rows in batches (experiments/store/exports.py), each into a temporary file. The command
line renames that file to the target; the page reads it once for the download. What cannot work
(more rows than an Excel sheet holds) is said before anything is written.
"""

from __future__ import annotations

import math
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from experiments.errors import ExportTooLarge, FileWriteError, InvalidInput
from experiments.files import write_with
from experiments.i18n import t
from experiments.store import Store
from experiments.store.exports import FORMULA_STARTS

__all__ = [
    "FORMATS", "FORMULA_STARTS", "MIME", "XLSX_MAX_ROWS", "Download", "ExportOffer", "csv_bytes",
    "export_bytes", "export_file", "offer", "safe_frame", "safe_text", "write_xlsx",
]  # fmt: skip

FORMATS: tuple[str, ...] = ("csv", "xlsx")
XLSX_MAX_ROWS = 1_048_576  # Excel's limit, the header row included
MIME = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True, slots=True)
class Download:
    """One format a table can be downloaded in, or why it cannot."""

    fmt: str
    file_name: str
    mime: str
    refusal: ExportTooLarge | None = None


@dataclass(frozen=True, slots=True)
class ExportOffer:
    """What the page offers for a table: its size and each format."""

    table: str
    rows: int
    downloads: tuple[Download, ...]


def safe_text(value: Any) -> Any:
    """Return a text cell with the formula prefix where it needs one; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Return a copy whose text cells are formula-safe and whose missing cells are None."""
    out = frame.astype(object).copy()
    for col in out.columns:
        # Kept as objects: pandas would infer the dtype again and print a cycle number next to
        # a NULL as "2.0", moments all at midnight as dates, one with a fraction in milliseconds.
        values = [None if _missing(v) else safe_text(v) for v in out[col]]
        out[col] = pd.Series(values, index=out.index, dtype=object)
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
    """Return a frame already in memory as formula-safe CSV, UTF-8 with a BOM so Excel reads
    umlauts right; the tables themselves are exported without a frame (``export_file``)."""
    text: str = safe_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def _check_fits(rows: int, table: str) -> None:
    if rows + 1 > XLSX_MAX_ROWS:
        raise ExportTooLarge(table, rows, XLSX_MAX_ROWS - 1)


def write_xlsx(
    path: Path, header: Sequence[str], batches: Iterable[Sequence[tuple[Any, ...]]], sheet: str
) -> int:
    """Write rows (their text already formula-safe) as a one-sheet workbook; return the count.
    Refuses, before the sheet overflows, more rows than Excel holds."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet)
    ws.append(list(header))
    rows = 0
    for batch in batches:
        rows += len(batch)
        if rows + 1 > XLSX_MAX_ROWS:  # rows added since the count was taken
            break
        for row in batch:
            ws.append([_cell(ws, v) for v in row])
    book.save(path)  # also when refusing: saving is what removes openpyxl's own temporary file
    _check_fits(rows, sheet)
    return rows


def _cell(ws: Any, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    # Control characters XLSX cannot hold are dropped; the text type means never a formula.
    cell = WriteOnlyCell(ws, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"
    return cell


def _format_of(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InvalidInput(f"'{fmt}' is no export format; use csv or xlsx")
    return fmt


def _write(store: Store, table: str, fmt: str, path: Path, lang: str) -> int:
    if fmt == "csv":
        return store.copy_export_csv(table, path, lang=lang)
    header = [name for name, _ in store.export_columns(table, lang)]
    sheet = t(f"export.table.{table}", lang)
    return write_xlsx(path, header, store.export_batches(table, lang=lang), sheet=sheet)


def offer(store: Store, table: str) -> ExportOffer:
    """Return what can be downloaded of a table: each format, or why it cannot be."""
    rows = store.export_count(table)
    downloads = []
    for fmt in FORMATS:
        refusal = None
        if fmt == "xlsx":
            try:
                _check_fits(rows, table)
            except ExportTooLarge as e:
                refusal = e
        downloads.append(Download(fmt, f"{table}.{fmt}", MIME[fmt], refusal))
    return ExportOffer(table, rows, tuple(downloads))


def export_bytes(store: Store, table: str, fmt: str, lang: str = "en") -> bytes:
    """Return one table of the tracker as CSV or XLSX bytes, made in a temporary file, with
    its headers and codes in ``lang``."""
    fmt = _format_of(fmt)
    if fmt == "xlsx":
        _check_fits(store.export_count(table), table)
    try:
        with tempfile.TemporaryDirectory(prefix="export-") as folder:
            path = Path(folder) / f"{table}.{fmt}"
            _write(store, table, fmt, path, lang)
            return path.read_bytes()
    except (OSError, FileWriteError) as e:
        reason = e.reason if isinstance(e, FileWriteError) else e.strerror
        raise InvalidInput(
            f"the export of {table} could not be made ({reason}); nothing was downloaded — "
            "free some space on the server or try again"
        ) from e


def export_file(
    store: Store, table: str, out: Path, *, force: bool = False, lang: str = "en"
) -> int:
    """Write one table to ``out`` (.csv or .xlsx by its suffix), whole or not at all, headers
    and codes in ``lang``; return the number of rows. An existing file is replaced only with
    ``force``."""
    fmt = out.suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise InvalidInput(f"cannot tell the format of '{out.name}'; name a .csv or .xlsx file")
    # Refusals come before the temporary file: an unknown table, too many rows for a sheet.
    store.export_columns(table)
    if fmt == "xlsx":
        _check_fits(store.export_count(table), table)
    return write_with(out, lambda tmp: _write(store, table, fmt, tmp, lang), force=force)
