"""When DuckDB refuses a file: find the line and column and say what to do.

Runs only after the fast path failed, so it may read the file slowly: a Python CSV walk for the
structure (field counts, open quotes), then the store's tolerant SQL conversions on a private
in-memory connection (db.scratch) to find the first cell that is not what its column needs.
Never touches the app database.
"""

from __future__ import annotations

import csv
import math
from array import array
from dataclasses import replace

from experiments.db import Connection, scratch
from experiments.errors import DatabaseError, DuplicateKey, ImportFormatError, ImportRefused
from experiments.import_models import FileImport
from experiments.import_models import header_key as normalise
from experiments.importers import currency, decoding, tables, values
from experiments.importers.decoding import fail
from experiments.importers.plan import Column, Prepared
from experiments.importers.registry import DATE, DATE_END, Kind
from experiments.store import cell_sql, file_sql


def _float(raw: str) -> float:
    # Python reads what DuckDB reads as a non-finite DOUBLE: 'inf', 'NaN', '1e309'.
    try:
        return float(raw.strip())
    except ValueError:
        return 0.0


def _shown(raw: str) -> str:
    return raw if len(raw) <= 40 else raw[:37] + "…"


def _walk(p: Prepared) -> tuple[array[int], ImportFormatError | None]:
    """Return the file line of each data row, or the error of a row with a broken structure."""
    starts: array[int] = array("q")
    width = len(p.table.header)
    header = [normalise(h) for h in p.table.header]
    with p.body.open(encoding="utf-8", newline="") as f:
        for _ in range(p.skip):
            f.readline()
        reader = csv.reader(f, delimiter=p.table.delimiter, strict=True)
        line = p.table.first_line
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return starts, None
            except csv.Error as e:
                return starts, tables.unreadable_row(p.file_name, line, e)
            starts.append(line)
            if len(row) != width:
                return starts, fail(
                    p.file_name,
                    f"the row has {len(row)} fields but the header has {width}",
                    f"check for a '{_name(p.table.delimiter)}' inside an unquoted cell or a "
                    "missing cell; the platform's original export has the same number in every row",
                    line=line,
                )
            if [normalise(c) for c in row] == header:
                return starts, fail(
                    p.file_name,
                    "the header repeats in the middle of the table",
                    "two exports were pasted into one file: remove this line, or import the two "
                    "parts as separate files",
                    line=line,
                )
            line = p.table.file_line(reader.line_num + 1)


def _name(delimiter: str) -> str:
    return {"\t": "tab", ";": ";", ",": ","}[delimiter]


def _checked(p: Prepared) -> list[Column]:
    # The parts a metric is added up from stay text among the additional values, but are read
    # as numbers for the sum.
    parts = {x.index for cell in p.summed().values() for x in (cell, *cell.plus)}
    return [
        c if c.kind is not Kind.TEXT else replace(c, kind=Kind.NUMBER)
        for c in p.columns
        if c.kind is not Kind.TEXT or c.index in parts
    ]


def _bad_sql(p: Prepared, c: Column) -> str:
    present = cell_sql.present_sql(c.ref)
    if c.kind is Kind.SHARE:
        converted = cell_sql.number_sql(
            f"replace({c.ref}, '%', '')", p.number_style, strict=False, strip=True
        )
    else:
        converted = cell_sql.value_sql(p.cell(c), p.number_style, strict=False)
    if c.target == DATE:
        return f"({present} IS NULL OR {converted} IS NULL)"
    if c.kind is Kind.DATE:
        return f"({present} IS NOT NULL AND {converted} IS NULL)"
    value = cell_sql.value_sql(p.cell(c), p.number_style, strict=False)
    impossible = f"NOT {cell_sql.bounds_sql(value, c.target in p.platform.negative)}"
    return f"({present} IS NOT NULL AND ({converted} IS NULL OR {impossible}))"


def _cell_message(p: Prepared, c: Column, raw: str | None, line: int) -> ImportFormatError:
    shown = _shown(raw or "")
    if raw is None or values.is_missing(raw):
        what = f"the date in '{c.label}' is empty"
        todo = "every row needs its day: export the report with a breakdown by day"
    elif c.kind is Kind.DATE:
        what = f"'{shown}' in '{c.label}' is not a date like "
        what += values.date_example(c.date_format or "%Y-%m-%d")
        todo = "correct the date (does that day exist?) so the whole column has one format"
    elif c.kind is Kind.DURATION:
        what = f"'{shown}' in '{c.label}' is not a duration"
        todo = "write it like 1h 23m, 4m 53s, 45s or 01:23:45"
    elif c.kind is Kind.SHARE:
        what = f"'{shown}' in '{c.label}' is not a percentage"
        todo = "write it like 87.5% or 0.875"
    elif values.is_abbreviated(raw):
        return ImportRefused(
            "abbreviated", decoding.quote(p.file_name, 120), line,
            column=c.index + 1, value=shown, label=c.label,
        )  # fmt: skip
    elif (number := values.parse_number(raw, p.number_style)) is not None and number < 0:
        what = f"'{shown}' in '{c.label}' is negative"
        todo = f"{p.platform.title} reports no values below 0 here: correct the cell"
    elif number is not None and number > cell_sql.LARGEST:
        what = f"'{shown}' in '{c.label}' is larger than any export reports"
        todo = "correct the cell: values up to 1,000,000,000,000,000 are read"
    elif number is not None or not math.isfinite(_float(raw)):
        what = f"'{shown}' in '{c.label}' is not a finite number"
        todo = "write the real value, or leave the cell empty if there is none"
    else:
        what = f"'{shown}' in '{c.label}' is not a number"
        todo = (
            f"write numbers like {values.NUMBER_EXAMPLE[p.number_style]} (this file is read in "
            f"{p.number_style.upper()} style), or leave the cell empty if there is no value"
        )
    return fail(p.file_name, what, todo, line, c.index + 1)


def _first_bad_cell(
    p: Prepared, plan: FileImport, con: Connection, starts: array[int]
) -> ImportFormatError | None:
    checked = _checked(p)
    if not checked:
        return None
    raw, params = file_sql.raw_sql(plan)
    flags = ", ".join(f"{_bad_sql(p, c)} AS bad{i}" for i, c in enumerate(checked))
    refs = ", ".join(c.ref for c in checked)
    any_bad = " OR ".join(f"bad{i}" for i in range(len(checked)))
    row = con.execute(
        f"SELECT rn, {refs}, {', '.join(f'bad{i}' for i in range(len(checked)))} "
        f"FROM (SELECT rn, {refs}, {flags} FROM ({raw})) WHERE {any_bad} ORDER BY rn LIMIT 1",
        params,
    ).fetchone()
    if row is None:
        return None
    rn, cells, bad = row[0], row[1 : 1 + len(checked)], row[1 + len(checked) :]
    i = next(i for i, flag in enumerate(bad) if flag)
    return _cell_message(p, checked[i], cells[i], starts[rn - 1])


def _backwards(
    p: Prepared, plan: FileImport, con: Connection, starts: array[int]
) -> ImportFormatError | None:
    ends = p.by_target(DATE_END)
    if not ends or plan.date is None:
        return None
    raw, params = file_sql.raw_sql(plan)
    a = cell_sql.value_sql(plan.date, p.number_style, strict=False)
    b = cell_sql.value_sql(p.cell(ends[0]), p.number_style, strict=False)
    row = con.execute(
        f"SELECT rn, {a}, {b} FROM ({raw}) WHERE {b} < {a} ORDER BY rn LIMIT 1", params
    ).fetchone()
    if row is None:
        return None
    return fail(
        p.file_name,
        f"the row's period ends on {row[2]}, before it starts on {row[1]}",
        "check the start and end columns, or export the report again",
        starts[row[0] - 1],
        ends[0].index + 1,
    )


# Each slash date format and the one that reads its days and months the other way round.
_SLASH_TWIN = {"%m/%d/%Y": "%d/%m/%Y", "%d/%m/%Y": "%m/%d/%Y",
               "%m/%d/%Y %H:%M": "%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M": "%m/%d/%Y %H:%M"}  # fmt: skip


def slash_order(p: Prepared) -> Prepared | None:
    """Return the plan with its slash date columns read the other way round when the file
    proves it further down than the sample looked (a 13 or more in the place the sample took
    for the month: fewer dates of the column fail that way); None when nothing changes. A
    date neither way reads is then reported as a date of the order the column proved.

    Runs only after the reader refused the file, so a file whose sample decided costs nothing.
    """
    slashed = [c for c in p.columns if c.kind is Kind.DATE and c.date_format in _SLASH_TWIN]
    if not slashed:
        return None
    raw, params = file_sql.raw_sql(p.read_plan())
    checks = []
    for c in slashed:
        text = cell_sql.present_sql(c.ref)
        other = _SLASH_TWIN[c.date_format or ""]
        misread = "count(*) FILTER (WHERE {t} IS NOT NULL AND try_strptime({t}, '{f}') IS NULL)"
        checks.append(
            f"{misread.format(t=text, f=other)} < {misread.format(t=text, f=c.date_format)}"
        )
    try:
        with scratch() as con:
            row = con.execute(f"SELECT {', '.join(checks)} FROM ({raw})", params).fetchone()
    except DatabaseError:
        return None
    if row is None or not any(row):
        return None
    turned = {c.index for c, flip in zip(slashed, row, strict=True) if flip}
    columns = tuple(
        replace(c, date_format=_SLASH_TWIN[c.date_format or ""]) if c.index in turned else c
        for c in p.columns
    )
    return replace(p, columns=columns)


def diagnose(p: Prepared, detail: str) -> ImportFormatError:
    """Return the error a person can act on for a file the reader refused (``detail``: why)."""
    starts, structural = _walk(p)
    if structural is not None:
        return structural
    plan = p.read_plan()
    try:
        with scratch() as con:
            found = (
                _first_bad_cell(p, plan, con, starts)
                or _backwards(p, plan, con, starts)
                or currency.bad_cell(p.file_name, plan, p.columns, con, starts)
            )
    except DatabaseError:
        found = None  # the tolerant reading failed too: the reader's own reason is all we have
    if found is not None:
        return found
    return fail(
        p.file_name,
        f"the file could not be read ({detail})",
        "check that it is the export exactly as the platform produced it",
    )


def duplicate(p: Prepared, dup: DuplicateKey) -> ImportFormatError:
    """Return the error for two rows with the same campaign, variant, segment and period,
    naming both lines."""
    starts, _ = _walk(p)
    select, params = file_sql.select_sql(p.read_plan(), strict=False)
    # The strict read of this file has just succeeded, so the tolerant one reads it too.
    with scratch() as con:
        found = con.execute(
            f"SELECT rn FROM (SELECT row_number() OVER () AS rn, * FROM ({select})) "
            "WHERE source_campaign = ? AND variant = ? AND segment = ? AND date = ? "
            "AND date_to = ? ORDER BY rn LIMIT 2",
            [*params, dup.campaign, dup.variant, dup.segment, dup.day, dup.last],
        ).fetchall()
    lines = [starts[rn - 1] for (rn,) in found]
    first, second = (lines + [0, 0])[:2]
    return ImportRefused(
        "repeated", decoding.quote(p.file_name, 120), second, first=first,
        campaign=_shown(dup.campaign), variant=_shown(dup.variant),
        segment=_shown(dup.segment), start=dup.day, end=dup.last,
    )  # fmt: skip
