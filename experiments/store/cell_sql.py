"""The SQL that converts one cell of an export as its column reads: empty markers, numbers in
either style with currency signs and words, dates in the formats real exports use, durations,
shares of another column, and the bounds a metric's value must keep.

Each conversion comes in a strict form (a bad cell stops the scan, used for the import) and a
tolerant form (a bad cell becomes NULL, used by the importers to find the cell for the message).
The statement around them is file_sql's.
"""

from __future__ import annotations

from experiments.errors import InvalidInput
from experiments.import_models import CellKind, CellRead, NumberStyle

# Cells that mean "no value" in real exports. Missing is NULL, never 0.
MISSING: tuple[str, ...] = ("", "-", "--", "n/a", "N/A", "n.a.", "k. A.", "k.A.")
# A list, not an IN list: DuckDB turns an IN list of more than a few values into a join that
# trims every cell of the column, where a scalar test trims only the cells it reaches.
_MISSING_SQL = "[" + ", ".join(f"'{m}'" for m in MISSING) + "]"
_MISSING_LEN = max(len(m) for m in MISSING) + 6  # room for spaces around a marker
# Currency signs, percent signs and the spaces Excel and the platforms put into numbers.
STRIP_CHARS = "\\s\u00a0\u202f€$£¥₩₹₺₽%"
# Currencies written as letters before or after an amount ('US$50.00', 'Rp 2.127.582',
# '1 234,56 zł', '99,90 Kč', '12.50 EUR'). Only these words are taken off, and only at either
# end: '1,5 Tsd.' or '2,3 Mio.' keep their letters and are refused as rounded abbreviations.
_ISO_CODES = (
    "EUR|USD|GBP|CHF|PLN|CZK|HUF|RON|BGN|SEK|NOK|DKK|JPY|CNY|KRW|INR|IDR|MYR|SGD|THB|VND|PHP|"
    "AUD|NZD|CAD|BRL|MXN|TRY|ZAR|AED|SAR|ILS|HKD|TWD|UAH"
)
_BEFORE = f"[A-Z]{{1,3}}\\$|Rp|RM|Kč|Ft|kr|zł|Fr\\.|{_ISO_CODES}"
_AFTER = f"zł|Kč|Ft|kr|lei|Rp|円|元|{_ISO_CODES}"
# One pattern for Python's re and DuckDB's RE2: a currency word at either end, then any sign or
# space anywhere (RE2's \s is ASCII only, hence the two Unicode spaces in STRIP_CHARS).
STRIP_PATTERN = f"^\\s*(?:{_BEFORE})\\s*|\\s*(?:{_AFTER})\\s*$|[{STRIP_CHARS}]"
# German dates with a month name ('5. Feb. 2026', '1. März 2026'): the text is given English
# month abbreviations first (german_months), then read with this format.
GERMAN_MONTHS = "%d. %b %Y"
# The month words German exports write that English abbreviations do not read, after the
# month word is cut to its first three letters and its dot ('März' → 'Mär', 'Sept.' → 'Sep').
GERMAN_MONTH_WORDS = (("Mär", "Mar"), ("Mrz", "Mar"), ("Mai", "May"), ("Okt", "Oct"),
                      ("Dez", "Dec"))  # fmt: skip
MONTH_WORD = "([A-Za-zÄä]{3})[A-Za-zä]*\\.?"
# Date formats real exports use, in the order they are tried on a sample; DuckDB's strptime and
# Python's read them alike. Slash dates are ambiguous; the platform's habit decides.
DATE_FORMATS: tuple[str, ...] = (
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%Y%m%d",
    "%m/%d/%Y",
    "%d/%m/%Y",
    "%b %d, %Y %I:%M %p",
    "%b %d, %Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%a, %d %b %Y",
    GERMAN_MONTHS,
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    # ISO with a 'T' before the time (Meta Business Suite's downloads write midnight).
    "%Y-%m-%dT%H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
)
DURATION_UNITS = r"\s*(\d+\s*d)?\s*(\d+\s*h)?\s*(\d+\s*m(in)?)?\s*(\d+\s*s(ec)?)?\s*"
CLOCK = r"\s*\d+:\d{2}:\d{2}\s*"
SECONDS = r"\s*\d+(\.\d+)?\s*"
IMPOSSIBLE = "value out of range"
# No export reports a value this large (a quadrillion rupiah is 60 billion dollars); the bound
# also keeps the sums of a million rows finite. '1e309' reads as infinity, 'NaN' as itself.
LARGEST = 1e15
_LARGEST_SQL = "1e15"


def present_sql(col: str) -> str:
    """Return SQL giving the cell, or NULL for an empty marker."""
    # The cheap tests first: trimming every cell of a large file costs more than the rest. No
    # marker starts with a digit ('0' <= cell < ':' compares the first byte), so numbers and
    # dates never reach the trim.
    return (
        f"CASE WHEN strlen({col}) <= {_MISSING_LEN} AND NOT ({col} >= '0' AND {col} < ':') "
        f"AND list_contains({_MISSING_SQL}, trim({col})) THEN NULL ELSE {col} END"
    )


def number_sql(col: str, style: NumberStyle | None, *, strict: bool, strip: bool) -> str:
    """Return SQL converting a text cell to DOUBLE in ``style`` (None: plain 1234.56)."""
    x = present_sql(col)
    if strip:
        x = f"regexp_replace({x}, '{STRIP_PATTERN}', '', 'g')"
    if style is NumberStyle.DE:
        x = f"replace(replace({x}, '.', ''), ',', '.')"
    elif style is NumberStyle.EN:
        x = f"replace({x}, ',', '')"
    return f"{'CAST' if strict else 'TRY_CAST'}({x} AS DOUBLE)"


def date_sql(col: str, fmt: str, *, strict: bool) -> str:
    """Return SQL converting a text cell to DATE with one strptime format of DATE_FORMATS."""
    if fmt not in DATE_FORMATS:
        raise InvalidInput(f"'{fmt}' is no date format the reader knows")
    fn = "strptime" if strict else "try_strptime"
    text = present_sql(col)
    if fmt == GERMAN_MONTHS:
        text = german_months_sql(text)
    return f"CAST({fn}({text}, '{fmt}') AS DATE)"


def german_months_sql(text: str) -> str:
    """Return SQL giving the date text with its German month word as English reads it."""
    x = f"regexp_replace({text}, '{MONTH_WORD}', '\\1')"
    for german, english in GERMAN_MONTH_WORDS:
        x = f"replace({x}, '{german}', '{english}')"
    return x


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
        f"WHEN regexp_full_match({p}, '{SECONDS}') THEN CAST(trim({p}) AS DOUBLE) "
        f"WHEN regexp_full_match({p}, '{CLOCK}') THEN {clock} "
        f"WHEN regexp_full_match({p}, '{DURATION_UNITS}') AND regexp_matches({p}, '\\d') "
        f"THEN {units} ELSE {fallback} END"
    )


def share_sql(col: str, of: str, style: NumberStyle | None, *, strict: bool) -> str:
    """Return SQL turning a share ('87,5 %' or 0.875) of another count into a count."""
    pct = number_sql(f"replace({col}, '%', '')", style, strict=strict, strip=True)
    plain = number_sql(col, style, strict=strict, strip=True)
    share = f"CASE WHEN contains({col}, '%') THEN {pct} / 100 ELSE {plain} END"
    return f"round({share} * {of})"


def value_sql(
    cell: CellRead, style: NumberStyle, *, strict: bool, typed: frozenset[int] = frozenset()
) -> str:
    """Return the expression converting one column's text to its value; a column in ``typed``
    the reader has read as its value already (reader_types)."""
    if cell.index in typed and cell.kind in (CellKind.DATE, CellKind.NUMBER) and not cell.plus:
        return cell.ref
    if cell.kind is CellKind.DATE:
        assert cell.date_format is not None
        return date_sql(cell.ref, cell.date_format, strict=strict)
    if cell.kind is CellKind.DURATION:
        return duration_sql(cell.ref, strict=strict)
    if cell.kind is CellKind.SHARE:
        assert cell.share_of is not None
        base = value_sql(cell.share_of, style, strict=strict, typed=typed)
        return share_sql(cell.ref, base, style, strict=strict)
    if cell.kind is CellKind.TEXT:
        return cell.ref
    if cell.plus:
        parts = [
            c.ref if c.index in typed else number_sql(c.ref, style, strict=strict, strip=c.strip)
            for c in (cell, *cell.plus)
        ]
        if strict:  # parts are counts: one below 0 is refused even where the sum is not
            parts = [f"CASE WHEN {x} < 0 THEN error('a part below 0') ELSE {x} END" for x in parts]
        added = " + ".join(f"coalesce({x}, 0)" for x in parts)
        return f"CASE WHEN coalesce({', '.join(parts)}) IS NULL THEN NULL ELSE {added} END"
    return number_sql(cell.ref, style, strict=strict, strip=cell.strip)


def bounds_sql(expr: str, negative: bool) -> str:
    """Return SQL that is true when a metric's value is finite and at most LARGEST (and not below
    0, unless the platform reports negatives)."""
    low = f"{expr} >= -{_LARGEST_SQL}" if negative else f"{expr} >= 0"
    # NaN sorts above every number in DuckDB, so it fails the upper bound.
    return f"({low} AND {expr} <= {_LARGEST_SQL})"


def bounded_sql(expr: str, negative: bool) -> str:
    """Return ``expr``, or an error naming IMPOSSIBLE where it is out of bounds."""
    # Rides on the conversion of the one INSERT: a clean file costs no extra scan.
    return (
        f"CASE WHEN {expr} IS NULL OR {bounds_sql(expr, negative)} THEN {expr} "
        f"ELSE error('{IMPOSSIBLE}') END"
    )


def currency_cell_sql(col: str) -> str:
    """Return SQL giving a currency cell as its code is stored ('usd ' → 'USD'), NULL if empty."""
    return f"upper(trim({present_sql(col)}))"
