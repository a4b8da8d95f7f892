"""The period of an export whose rows carry no date: read from its title lines.

Google Ads reports without the Day segment give one total per campaign (or ad group) for the
report's whole date range, and that range stands only in the title lines above the header
("Campaign performance report", then "July 8, 2025 - July 31, 2025" or, from a German account,
"1. Nov. 2026 - 30. Nov. 2026"). Every row of such a file is a period fact for that range. A
report over "All time" (German "Gesamter Zeitraum") or a title without a range gives no period a
window could be checked against, so it is refused with what to choose instead.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TypeVar

from experiments.errors import ImportRefused
from experiments.importers import decoding, tables, values

# A range is two dates joined by a dash (the platforms write a hyphen or an en dash).
_RANGE = re.compile(r"^\s*(.+?)\s+[-–]\s+(.+?)\s*$")
# How each side of a range reads once a month word is cut to English's three letters.
_FORMATS = ("%b %d, %Y", "%b %d %Y", "%d %b %Y", "%d. %b %Y", "%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y")
# What the platforms write for a report over the account's whole life, compared case-folded.
ALL_TIME = frozenset({"all time", "gesamter zeitraum", "gesamte laufzeit"})
_TITLE_LINES = 10
T = TypeVar("T")


def _day(text: str) -> date | None:
    short = values.german_months(text.strip().strip('"').strip())
    for fmt in _FORMATS:
        try:
            return datetime.strptime(short, fmt).date()
        except ValueError:
            continue
    return None


def parse_range(line: str) -> tuple[date, date] | None:
    """Return the first and last day of a title line such as 'July 8, 2025 - July 31, 2025'."""
    text = line.strip().strip(",;\t").strip().strip('"')
    found = _RANGE.match(text)
    if found is None:
        return None
    first, last = _day(found.group(1)), _day(found.group(2))
    if first is None or last is None or last < first:
        return None
    return first, last


def title_period(
    text: bytes | memoryview, name: str, header: tables.Header[T]
) -> tuple[date, date]:
    """Return the date range the title lines above the header name; refuse a report over all
    time or one whose title names no range."""
    above = bytes(memoryview(text)[: header.offset]).decode("utf-8", "replace")
    lines = [ln for ln in above.splitlines() if ln.strip()][:_TITLE_LINES]
    where = decoding.quote(name, 120)
    for line in lines:
        cells = [c.strip().strip('"').strip() for c in tables.split(line, header.delimiter)]
        shown = " ".join(c for c in cells if c)
        if shown.casefold() in ALL_TIME:
            raise ImportRefused("all_time", where, header.line, title=shown)
        found = parse_range(shown)
        if found is not None:
            return found
    raise ImportRefused("no_period", where, header.line)
