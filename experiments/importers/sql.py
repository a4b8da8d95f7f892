"""The SQL that reads a prepared file: DuckDB's CSV reader with explicit options, then one
conversion expression per column.

Built only from our own pieces: the column names c0 … cN, the canonical keys of metrics.py, the
formats of values.py and the delimiter found among three known ones. Header labels from the
file (the keys of ``extra``) and the file's path are bound as parameters.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from experiments.importers import values
from experiments.importers.registry import CAMPAIGN, DATE, DATE_END, VARIANT, Kind
from experiments.models import ImportRecord

if TYPE_CHECKING:
    import pandas as pd

    from experiments.importers.plan import Column, Prepared

_DELIMITERS = {";": "';'", ",": "','", "\t": "'\t'"}
KEY_COLUMNS = ("source_campaign", "variant", "date")
MULTI_DAY = "row covers more than one day"


@dataclass(frozen=True, slots=True)
class FactWrite:
    """What the store wrote for a prepared file (or, in a dry run, would write)."""

    import_id: uuid.UUID | None
    rows: int = 0
    new_rows: int = 0
    replaced_rows: int = 0
    unchanged_rows: int = 0
    date_min: date | None = None
    date_max: date | None = None
    totals: dict[str, float | None] = field(default_factory=dict)
    without_campaign: int = 0
    unlinked: tuple[str, ...] = ()
    first_rows: pd.DataFrame | None = None
    duplicate_of: ImportRecord | None = None


class DuplicateKey(Exception):
    """Two rows of one file are for the same campaign, variant and day."""

    def __init__(self, campaign: str, variant: str, day: object) -> None:
        super().__init__(campaign, variant, day)
        self.campaign, self.variant, self.day = campaign, variant, day


def read_csv_sql(p: Prepared) -> str:
    """Return the read_csv call for the data rows (one ``?``: the path)."""
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(p.table.header)))
    return (
        f"read_csv(?, delim={_DELIMITERS[p.table.delimiter]}, quote='\"', escape='\"', "
        f"header=false, skip={int(p.skip)}, columns={{{columns}}}, auto_detect=false, "
        "strict_mode=true, "
        "null_padding=false, encoding='utf-8')"
    )


IMPOSSIBLE = "value out of range"
# No export reports a value this large (a quadrillion rupiah is 60 billion dollars); the bound
# also keeps the sums of a million rows finite. '1e309' reads as infinity, 'NaN' as itself.
LARGEST = 1e15
_MAX = "1e15"


def bounds_sql(expr: str, negative: bool) -> str:
    """Return SQL that is true when a metric's value is finite (and not below 0 unless allowed)."""
    low = f"{expr} >= -{_MAX}" if negative else f"{expr} >= 0"
    # NaN sorts above every number in DuckDB, so it fails the upper bound.
    return f"({low} AND {expr} <= {_MAX})"


def value_sql(p: Prepared, c: Column, *, strict: bool) -> str:
    """Return the expression converting one column's text to its value; a strict metric value
    that is not finite, or negative where the platform never reports negatives, is an error."""
    value = _value_sql(p, c, strict=strict)
    if not strict or c.kind is Kind.DATE:
        return value
    ok = bounds_sql(value, c.target in p.platform.negative)
    return f"CASE WHEN {value} IS NULL OR {ok} THEN {value} ELSE error('{IMPOSSIBLE}') END"


def _value_sql(p: Prepared, c: Column, *, strict: bool) -> str:
    if c.kind is Kind.DATE:
        assert c.date_format is not None
        return values.date_sql(c.ref, c.date_format, strict=strict)
    if c.kind is Kind.DURATION:
        return values.duration_sql(c.ref, strict=strict)
    if c.kind is Kind.SHARE:
        base = p.by_target(p.platform.shares[c.target])[0]
        return values.share_sql(
            c.ref, _value_sql(p, base, strict=strict), p.number_style, strict=strict
        )
    return values.number_sql(c.ref, p.number_style, strict=strict, strip=c.strip)


def _date(p: Prepared, strict: bool) -> str:
    start = p.by_target(DATE)[0]
    day = value_sql(p, start, strict=strict)
    ends = p.by_target(DATE_END)
    if not strict or not ends:
        return day
    # Facts are daily: a row for a longer period would count its total on one day.
    end = value_sql(p, ends[0], strict=True)
    return (
        f"CASE WHEN {ends[0].ref} IS NOT DISTINCT FROM {start.ref} OR {end} = {day} "
        f"OR {ends[0].ref} IS NULL THEN {day} ELSE error('{MULTI_DAY}') END"
    )


def select_sql(p: Prepared, *, strict: bool) -> tuple[str, list[object]]:
    """Return SELECT source_campaign, variant, date, <metrics>, extra FROM read_csv(…), params."""
    campaign = p.by_target(CAMPAIGN)[0].ref
    variants = [c.ref for c in p.by_target(VARIANT)]
    variant = f"concat_ws(' / ', {', '.join(variants)})" if variants else "''"
    exprs = [
        f"coalesce({campaign}, '') AS source_campaign",
        f"{variant} AS variant",
        f"{_date(p, strict)} AS date",
    ]
    for metric in p.metrics:
        exprs.append(f"{value_sql(p, p.by_target(metric)[0], strict=strict)} AS {metric}")
    extra = p.by_target("extra")
    params: list[object] = []
    if extra:
        exprs.append(f"MAP(?::VARCHAR[], [{', '.join(c.ref for c in extra)}]) AS extra")
        params.append([c.label for c in extra])
    else:
        exprs.append("NULL::MAP(VARCHAR, VARCHAR) AS extra")
    params.append(str(p.body))
    return f"SELECT {', '.join(exprs)} FROM {read_csv_sql(p)}", params


def raw_sql(p: Prepared) -> tuple[str, list[object]]:
    """Return every cell as text with its row number (1 = first data row), for diagnosis."""
    return f"SELECT row_number() OVER () AS rn, * FROM {read_csv_sql(p)}", [str(p.body)]
