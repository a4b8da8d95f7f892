"""Stage 3 of an import: each header cell's role, and the currency and period the title and
header lines give every row (see pipeline.py).

A label the dialect knows gets its role (date, campaign, a metric …); a currency label names the
rows' currency; a label it does not know, or a second column for a role that takes one, is kept
as an additional value under its label (numbered when the file repeats it).
"""

from __future__ import annotations

from collections.abc import Sequence

from experiments.import_models import header_key
from experiments.importers import currency, decoding, periods, refusals
from experiments.importers.pipeline import EXTRA, Column, Detected, Mapped
from experiments.importers.registry import (
    CAMPAIGN,
    DATE,
    DERIVED,
    JOINED_ROLES,
    RESULTS,
    Dialect,
    Kind,
    Platform,
)
from experiments.metrics import BASE_METRICS


def map_columns(detected: Detected) -> Mapped:
    """Return the columns' roles; raise ImportFormatError for a header that lacks a role the
    platform needs or has no metric column."""
    name, header = detected.decoded.name, detected.header
    plat, dialect = detected.platform, detected.dialect
    columns = _columns(header.cells, plat, dialect)
    code = currency.header_code(name, header.line, columns)
    period = None
    if dialect.title_period and all(c.target != DATE for c in columns):
        period = periods.title_period(detected.decoded.text, name, header)
    _require(columns, name, header.line, plat, dated=period is not None,
             named=dialect.named)  # fmt: skip
    return Mapped(detected, columns, code, period)


def _columns(cells: Sequence[str], plat: Platform, dialect: Dialect) -> tuple[Column, ...]:
    out, taken, extra = [], set(), set()
    for i, label in enumerate(cells):
        target = dialect.columns.get(header_key(label))
        if target is None and header_key(label) in currency.LABELS:
            target = currency.CURRENCY  # the first one names the rows' currency
        if target == DERIVED or (target is None and not label.strip()):
            continue
        if target is None or (target in taken and target not in JOINED_ROLES):
            # extra is a MAP: a label the file repeats gets a number to stay a distinct key
            key, n = label, 1
            while key in extra:
                n += 1
                key = f"{label} ({n})"
            extra.add(key)
            out.append(Column(i, key, EXTRA, Kind.TEXT))
            continue
        taken.add(target)
        kind = Kind.TEXT if target == currency.CURRENCY else plat.kind(target)
        out.append(Column(i, label, target, kind))
    return tuple(out)


def _require(
    columns: Sequence[Column], name: str, line: int, plat: Platform, *, dated: bool = False,
    named: bool = False,
) -> None:  # fmt: skip
    # ``dated``: the title lines gave every row its period, so no date column is needed;
    # ``named``: the layout stores every row under its fixed source name, so no campaign column.
    targets = {c.target for c in columns} | ({DATE} if dated else set())
    targets |= {CAMPAIGN} if named else set()
    refusals.require_roles(name, line, plat, targets)
    if not targets & {*BASE_METRICS, RESULTS}:
        raise decoding.fail(
            name,
            "the header has no metric column (spend, impressions, clicks …)",
            "add the metric columns to the export",
            line=line,
        )
