"""What an import reads and writes: how an export's columns read, the plan the store loads a
file by, a saved column mapping, and the record and totals of an import."""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from experiments.metrics import BASE_METRICS

if TYPE_CHECKING:
    import pandas as pd


class NumberStyle(StrEnum):
    DE = "de"  # 1.234,56 — decimal comma, thousands dots
    EN = "en"  # 1,234.56 — decimal point, thousands commas


class ColumnRole(StrEnum):
    """What a column of an export is when it carries no metric."""

    DATE = "date"
    DATE_END = "date_end"
    CAMPAIGN = "campaign"
    VARIANT = "variant"
    # A breakdown (age, placement, device …) or an id that tells apart rows of one name.
    SEGMENT = "segment"


class CellKind(StrEnum):
    """How the cells of an export column are read."""

    TEXT = "text"
    DATE = "date"
    NUMBER = "number"
    DURATION = "duration"
    SHARE = "share"


class ImportStatus(StrEnum):
    IMPORTED = "imported"  # its facts are in place
    UNDONE = "undone"  # its facts were removed; the record stays


@dataclass(frozen=True, slots=True)
class ImportRecord:
    id: uuid.UUID
    file_name: str
    sha256: str
    platform: str
    actor: str
    imported_at: datetime
    rows: int
    new_rows: int
    replaced_rows: int
    unchanged_rows: int
    skipped_rows: int
    date_min: date | None
    date_max: date | None
    status: ImportStatus


# Facts imported through a saved mapping carry the platform key "generic:<mapping name>".
GENERIC_PREFIX = "generic:"

# Reports of one source that each add up to the same whole, by platform key in the order one is
# preferred: GA4's traffic reports by session campaign, by channel group and by source / medium
# each hold every session of the property. Where the scope is everything, a day is read from
# the first of them that has that day (store/_facts_scope.overlap_source), never from two.
OVERLAPPING_REPORTS: tuple[tuple[str, ...], ...] = (("ga4", "ga4_channels", "ga4_source_medium"),)


def cell_ref(index: int) -> str:
    """Return the name the store's CSV scan gives a file's column: c0, c1, … (every column is
    read as text under this name; the importers' checks read the same scan)."""
    return f"c{index}"


_CURRENCY_SUFFIX = re.compile(r"\s*\([A-Z]{3}\)\s*$")


_SPACES = re.compile(r"\s+")


def header_key(label: str) -> str:
    """Return a header label as it is compared: trimmed, case-folded, without '(EUR)'."""
    text = label.replace("\ufeff", "").strip()
    text = _CURRENCY_SUFFIX.sub("", text)
    return _SPACES.sub(" ", text).casefold()


@dataclass(frozen=True, slots=True)
class SavedMapping:
    """A generic export's column mapping, saved once and recognised by its header next time."""

    id: uuid.UUID
    name: str
    header: tuple[str, ...]
    columns: Mapping[str, str]
    number_style: NumberStyle
    day_first: bool = True
    created_at: datetime | None = None

    @property
    def key(self) -> str:
        """Return the platform key facts imported through this mapping carry."""
        return f"{GENERIC_PREFIX}{self.name}"

    def signature(self) -> tuple[str, ...]:
        """Return the normalised header this mapping recognises."""
        return tuple(header_key(h) for h in self.header)


@dataclass(frozen=True, slots=True)
class FactWrite:
    """What the store wrote for an export file (or, in a dry run, would write)."""

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
    # Rows that cover more than one day (a period total, not a day's figures).
    period_rows: int = 0
    # Rows with a Results value per (source campaign, result indicator as written, or None).
    results: tuple[tuple[str, str | None, int], ...] = ()
    # The ISO 4217 codes of the money the facts hold, as the file named them.
    currencies: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CellRead:
    """How one column of an export file becomes a value: its position and how its text reads."""

    index: int
    kind: CellKind
    date_format: str | None = None
    # The cells carry currency signs, percent signs or spaces around the number.
    strip: bool = False
    # A share (87,5 % of the replies) is stored as a count: the share times this column.
    share_of: CellRead | None = None
    # Number columns added to this one (LinkedIn page engagements: clicks, reactions, comments
    # and reposts); the sum is missing only where every one of them is.
    plus: tuple[CellRead, ...] = ()

    @property
    def ref(self) -> str:
        """Return the column's name in the CSV scan: c0, c1, …"""
        return cell_ref(self.index)


@dataclass(frozen=True, slots=True)
class ResultRead:
    """Meta's Results column, read row by row by what its result indicator says it counted."""

    value: CellRead
    indicator: CellRead
    # (metrics, normalised indicators): the results of a row whose indicator is one of these
    # count in those metrics. Any other indicator keeps them in extra under its own name.
    routes: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]
    # The metrics results count in where the row's indicator cell is empty (the file does not
    # say what they are); none: kept in extra under ``label``.
    unnamed: tuple[str, ...] = ()
    label: str = "Results"

    @property
    def metrics(self) -> frozenset[str]:
        """Return every metric some result of the file may count in."""
        return frozenset(m for ms, _ in self.routes for m in ms) | frozenset(self.unnamed)


@dataclass(frozen=True, slots=True)
class FileImport:
    """An export file ready for the store: where its data rows lie and how each column reads."""

    file_name: str
    sha256: str
    platform: str
    # A UTF-8 file of data rows, ``skip`` lines above the first one, ``width`` fields each.
    body: Path
    skip: int
    delimiter: str
    width: int
    number_style: NumberStyle
    # The column of each row's source name; None when the layout has none and every row is
    # stored under ``source_name`` (a LinkedIn page's analytics name no page in their rows).
    campaign: CellRead | None
    variants: tuple[CellRead, ...]
    # The first day of each row (its day, for daily rows); None when the whole file covers one
    # period named only in its title lines (``period``).
    date: CellRead | None
    date_end: CellRead | None
    # (base metric, its column) in metric_fact's column order; extra: (header label, column).
    metrics: tuple[tuple[str, CellRead], ...]
    extra: tuple[tuple[str, CellRead], ...] = ()
    # (the segment's canonical name, its column): breakdown and id columns, part of the key.
    segments: tuple[tuple[str, CellRead], ...] = ()
    skipped_rows: int = 0
    # Metrics the platform really reports below zero; every other value must be 0 or more.
    negative: frozenset[str] = frozenset()
    # First and last day of every row of a file without a date column (Google Ads reports
    # without the Day segment say their range only in the title lines).
    period: tuple[dt.date, dt.date] | None = None
    # Meta's Results with their result indicator: their metrics are not among ``metrics``.
    results: ResultRead | None = None
    source_name: str = ""

    @property
    def metric_names(self) -> tuple[str, ...]:
        """Return every metric the file fills, its own columns' and its results', in
        metric_fact's column order."""
        names = {m for m, _ in self.metrics} | (self.results.metrics if self.results else set())
        return tuple(m for m in BASE_METRICS if m in names)

    # The ISO 4217 code the money columns' header names ('Amount spent (IDR)'), and the column
    # that names each row's currency ('Currency code'); a row's own code comes first.
    currency: str | None = None
    currency_column: CellRead | None = None
