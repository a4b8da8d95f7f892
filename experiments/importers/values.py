"""How cell text becomes values: number styles, date formats, durations and shares.

Each conversion exists in two forms on purpose. These Python classifiers look at a sample of the
file to choose the number style and the date format; the store's SQL expressions
(store/cell_sql.py) then convert every row inside DuckDB's CSV scan. Both read the same markers,
signs and formats, defined once there.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from experiments.import_models import NumberStyle
from experiments.store.cell_sql import (
    CLOCK,
    DATE_FORMATS,
    DURATION_UNITS,
    GERMAN_MONTH_WORDS,
    GERMAN_MONTHS,
    MISSING,
    MONTH_WORD,
    SECONDS,
    STRIP_PATTERN,
)

_STRIP = re.compile(STRIP_PATTERN)
# Most cells are bare numbers: they skip the currency pattern, which costs five times more.
_PLAIN = "0123456789.,+-"
_MONTH_WORD = re.compile(MONTH_WORD)
# A number the platform rounded and abbreviated for reading ('1,5 Tsd.', '2.3K', '4 Mio.',
# '1,2 tys.', '3万'): its exact value is gone, so it is refused rather than read as 1.5.
_ABBREVIATED = re.compile(
    r"[+-]?[€$£]?\s*\d+([.,]\d+)?\s*(Tsd|Mio|Mrd|Mn|Mln|Bn|tys|mln|mld|tis|[KkMB])\.?"
    r"|[+-]?\d+([.,]\d+)?\s*[千万億]"
)
_NUMBER = {
    NumberStyle.DE: re.compile(r"[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?"),
    NumberStyle.EN: re.compile(r"[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?"),
}
NUMBER_EXAMPLE = {NumberStyle.DE: "1.234,56", NumberStyle.EN: "1,234.56"}

DATE_EXAMPLE = {
    "%Y-%m-%d": "2026-11-02",
    "%d.%m.%Y": "02.11.2026",
    "%Y%m%d": "20261102",
    "%m/%d/%Y": "11/2/2026",
    "%d/%m/%Y": "2/11/2026",
    "%b %d, %Y %I:%M %p": "Nov 02, 2026 09:30 am",
    "%b %d, %Y": "Nov 02, 2026",
    "%Y/%m/%d": "2026/11/02",
    "%d %b %Y": "2 Nov 2026",
    "%a, %d %b %Y": "Mon, 2 Nov 2026",
    GERMAN_MONTHS: "2. Nov. 2026",
}

_DURATION_PY = re.compile(DURATION_UNITS)


def _core(text: str) -> str:
    # The number without currency, percent signs and spaces.
    return _STRIP.sub("", text) if text.strip(_PLAIN) else text


def is_missing(text: str | None) -> bool:
    """Return True for an empty cell or one of the platforms' empty markers."""
    return text is None or text.strip() in MISSING


def number_styles(text: str) -> frozenset[NumberStyle]:
    """Return the number styles under which ``text`` is a well-formed number."""
    core = _core(text)
    return frozenset(s for s, pattern in _NUMBER.items() if pattern.fullmatch(core))


def parse_number(text: str, style: NumberStyle) -> float | None:
    """Return the number ``text`` stands for in ``style``, or None if it is not one."""
    if is_missing(text):
        return None
    core = _core(text)
    if not _NUMBER[style].fullmatch(core):
        return None
    if style is NumberStyle.DE:
        core = core.replace(".", "").replace(",", ".")
    else:
        core = core.replace(",", "")
    return float(core)


def is_abbreviated(text: str) -> bool:
    """Return True for a rounded, abbreviated number like '1,5 Tsd.' or '2.3K'."""
    return bool(_ABBREVIATED.fullmatch(text.strip()))


def needs_strip(text: str) -> bool:
    """Return True when a number cell carries a currency sign, a percent sign or spaces."""
    text = text.strip()
    return bool(text.strip(_PLAIN)) and bool(_STRIP.search(text))


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
        elif styles and not _core(text).lstrip("+-").isdigit():
            ambiguous = True
    if len(proven) == 1:
        return next(iter(proven)), False
    return default, ambiguous and not proven


def german_months(text: str) -> str:
    """Return date text with its German month word as English reads it ('5. Feb. 2026' →
    '5. Feb 2026', '1. März 2026' → '1. Mar 2026'); the store's SQL does the same."""
    text = _MONTH_WORD.sub(r"\1", text, count=1)
    for german, english in GERMAN_MONTH_WORDS:
        text = text.replace(german, english)
    return text


def date_formats(day_first: bool) -> tuple[str, ...]:
    """Return the candidate date formats, slash dates in the order the platform writes them."""
    if not day_first:
        return DATE_FORMATS
    formats = list(DATE_FORMATS)
    us, eu = formats.index("%m/%d/%Y"), formats.index("%d/%m/%Y")
    formats[us], formats[eu] = formats[eu], formats[us]
    return tuple(formats)


def _parses(text: str, fmt: str) -> bool:
    if fmt == GERMAN_MONTHS:
        text = german_months(text)
    try:
        datetime.strptime(text.strip(), fmt)
    except ValueError:
        return False
    return True


def parses_date(text: str, fmt: str) -> bool:
    """Return True when ``text`` is a date in ``fmt``."""
    return _parses(text, fmt)


def choose_date_format(samples: Iterable[str], day_first: bool) -> str:
    """Return the first date format that reads the most sample values (all, in a good file).

    Slash dates: a value with 13 or more in first place ('25/2/2026') proves day-first, one
    with 13 or more in second place month-first. A column whose values read either way (all
    days up to 12) keeps the platform's habit (``day_first`` of its dialect: Google Ads,
    TikTok, GA4 … month-first; Meta and German exports day-first). A day above 12 further
    down the file than the sample still decides: see diagnose.slash_order."""
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
    if re.fullmatch(SECONDS, core) or re.fullmatch(CLOCK, core):
        return True
    return bool(_DURATION_PY.fullmatch(core)) and any(ch.isdigit() for ch in core)
