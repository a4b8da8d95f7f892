"""How cell text becomes values: number styles, date formats, durations and shares.

Each conversion exists in two forms on purpose. A Python classifier looks at a sample of the file
to choose the number style and the date format; the SQL expression then converts every row inside
DuckDB's CSV scan. The SQL comes in a strict form (a bad cell stops the scan, used for the import)
and a tolerant form (a bad cell becomes NULL, used to find the cell for the error message).
Every SQL fragment here is built from our own constants and column names ``c0 … cN``; text
from a file never becomes part of a statement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from enum import StrEnum


class NumberStyle(StrEnum):
    DE = "de"  # 1.234,56 — decimal comma, thousands dots
    EN = "en"  # 1,234.56 — decimal point, thousands commas


# Cells that mean "no value" in real exports. Missing is NULL, never 0.
MISSING: tuple[str, ...] = ("", "-", "--", "n/a", "N/A", "n.a.", "k. A.", "k.A.")
_MISSING_SQL = ", ".join(f"'{m}'" for m in MISSING)
_MISSING_LEN = max(len(m) for m in MISSING) + 6  # room for spaces around a marker

# Currency signs, percent signs and the spaces Excel and the platforms put into numbers.
_STRIP_CHARS = "\\s\u00a0\u202f€$£%"
_STRIP = re.compile(f"[{_STRIP_CHARS}]")
_NUMBER = {
    NumberStyle.DE: re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?"),
    NumberStyle.EN: re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"),
}
NUMBER_EXAMPLE = {NumberStyle.DE: "1.234,56", NumberStyle.EN: "1,234.56"}

# Date formats real exports use, in the order they are tried on a sample. Slash dates are
# ambiguous; the platform's habit (or a day above 12 in the sample) decides.
_DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%Y%m%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
)
DATE_EXAMPLE = {
    "%Y-%m-%d": "2026-11-02",
    "%d.%m.%Y": "02.11.2026",
    "%Y%m%d": "20261102",
    "%m/%d/%Y": "11/2/2026",
    "%d/%m/%Y": "2/11/2026",
    "%b %d, %Y %I:%M %p": "Nov 02, 2026 09:30 am",
    "%b %d, %Y": "Nov 02, 2026",
}

_DURATION_UNITS = r"\s*(\d+\s*d)?\s*(\d+\s*h)?\s*(\d+\s*m(in)?)?\s*(\d+\s*s(ec)?)?\s*"
_DURATION_PY = re.compile(_DURATION_UNITS)
_CLOCK = r"\s*\d+:\d{2}:\d{2}\s*"
_SECONDS = r"\s*\d+(\.\d+)?\s*"


def is_missing(text: str | None) -> bool:
    """Return True for an empty cell or one of the platforms' empty markers."""
    return text is None or text.strip() in MISSING


def number_styles(text: str) -> frozenset[NumberStyle]:
    """Return the number styles under which ``text`` is a well-formed number."""
    core = _STRIP.sub("", text)
    return frozenset(s for s, pattern in _NUMBER.items() if pattern.fullmatch(core))


def parse_number(text: str, style: NumberStyle) -> float | None:
    """Return the number ``text`` stands for in ``style``, or None if it is not one."""
    if is_missing(text):
        return None
    core = _STRIP.sub("", text)
    if not _NUMBER[style].fullmatch(core):
        return None
    if style is NumberStyle.DE:
        core = core.replace(".", "").replace(",", ".")
    else:
        core = core.replace(",", "")
    return float(core)


def needs_strip(text: str) -> bool:
    """Return True when a number cell carries a currency sign, a percent sign or spaces."""
    return bool(_STRIP.search(text.strip()))


def choose_style(samples: Iterable[str], default: NumberStyle) -> tuple[NumberStyle, bool]:
    """Return the style the sample proves (a value only one style reads), else ``default``;
    and whether the sample held values both styles read differently (like 1.234)."""
    proven: set[NumberStyle] = set()
    ambiguous = False
    for text in samples:
        if is_missing(text):
            continue
        styles = number_styles(text)
        if len(styles) == 1:
            proven |= styles
        elif styles and not _STRIP.sub("", text).lstrip("+-").isdigit():
            ambiguous = True
    if len(proven) == 1:
        return next(iter(proven)), False
    return default, ambiguous and not proven


def date_formats(day_first: bool) -> tuple[str, ...]:
    """Return the candidate date formats, slash dates in the order the platform writes them."""
    if not day_first:
        return _DATE_FORMATS
    formats = list(_DATE_FORMATS)
    us, eu = formats.index("%m/%d/%Y"), formats.index("%d/%m/%Y")
    formats[us], formats[eu] = formats[eu], formats[us]
    return tuple(formats)


def _parses(text: str, fmt: str) -> bool:
    try:
        datetime.strptime(text.strip(), fmt)
    except ValueError:
        return False
    return True


def choose_date_format(samples: Iterable[str], day_first: bool) -> str:
    """Return the first date format that reads the most sample values (all, in a good file)."""
    values = [s.strip() for s in samples if not is_missing(s)]
    best, best_hits = date_formats(day_first)[0], -1
    for fmt in date_formats(day_first):
        hits = sum(_parses(v, fmt) for v in values)
        if hits == len(values) and values:
            return fmt
        if hits > best_hits:
            best, best_hits = fmt, hits
    return best


def date_example(fmt: str) -> str:
    """Return how a date looks in ``fmt``, for messages."""
    return DATE_EXAMPLE.get(fmt, datetime(2026, 11, 2, 9, 30).strftime(fmt))


def is_duration(text: str) -> bool:
    """Return True when ``text`` is a duration the importer reads (1h 23m, 01:23:45, 45)."""
    core = text.strip()
    if re.fullmatch(_SECONDS, core) or re.fullmatch(_CLOCK, core):
        return True
    return bool(_DURATION_PY.fullmatch(core)) and any(ch.isdigit() for ch in core)


# ---------------------------------------------------------------- SQL expressions (DuckDB)


def present_sql(col: str) -> str:
    """Return SQL giving the cell, or NULL for an empty marker."""
    # The length test first: trimming every cell of a large file costs more than the rest.
    return (
        f"CASE WHEN strlen({col}) <= {_MISSING_LEN} AND trim({col}) IN ({_MISSING_SQL}) "
        f"THEN NULL ELSE {col} END"
    )


def number_sql(col: str, style: NumberStyle | None, *, strict: bool, strip: bool) -> str:
    """Return SQL converting a text cell to DOUBLE in ``style`` (None: plain 1234.56)."""
    x = present_sql(col)
    if strip:
        x = f"regexp_replace({x}, '[{_STRIP_CHARS}]', '', 'g')"
    if style is NumberStyle.DE:
        x = f"replace(replace({x}, '.', ''), ',', '.')"
    elif style is NumberStyle.EN:
        x = f"replace({x}, ',', '')"
    return f"{'CAST' if strict else 'TRY_CAST'}({x} AS DOUBLE)"


def date_sql(col: str, fmt: str, *, strict: bool) -> str:
    """Return SQL converting a text cell to DATE with one strptime format."""
    fn = "strptime" if strict else "try_strptime"
    return f"CAST({fn}({present_sql(col)}, '{fmt}') AS DATE)"


def duration_sql(col: str, *, strict: bool) -> str:
    """Return SQL converting '1h 23m', '1d 14h', '4m 53s', '45s', '01:23:45' or '45' to seconds."""
    p = present_sql(col)

    def unit(pattern: str, seconds: int) -> str:
        found = f"nullif(regexp_extract({p}, '(\\d+)\\s*{pattern}', 1), '')"
        return f"coalesce(CAST({found} AS DOUBLE), 0) * {seconds}"

    clock = " + ".join(
        f"CAST(split_part(trim({p}), ':', {i + 1}) AS DOUBLE) * {s}"
        for i, s in enumerate((3600, 60, 1))
    )
    units = " + ".join((unit("d", 86400), unit("h", 3600), unit("m", 60), unit("s", 1)))
    fallback = f"error('not a duration: ' || {p})" if strict else "NULL"
    return (
        f"CASE WHEN {p} IS NULL THEN NULL "
        f"WHEN regexp_full_match({p}, '{_SECONDS}') THEN CAST(trim({p}) AS DOUBLE) "
        f"WHEN regexp_full_match({p}, '{_CLOCK}') THEN {clock} "
        f"WHEN regexp_full_match({p}, '{_DURATION_UNITS}') AND regexp_matches({p}, '\\d') "
        f"THEN {units} ELSE {fallback} END"
    )


def share_sql(col: str, of: str, style: NumberStyle | None, *, strict: bool) -> str:
    """Return SQL turning a share ('87,5 %' or 0.875) of another count into a count."""
    pct = number_sql(f"replace({col}, '%', '')", style, strict=strict, strip=True)
    plain = number_sql(col, style, strict=strict, strip=True)
    share = f"CASE WHEN contains({col}, '%') THEN {pct} / 100 ELSE {plain} END"
    return f"round({share} * {of})"
