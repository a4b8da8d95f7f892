"""The values the import's stages hand each other, from the file's bytes to the rows on disk.

An import passes through six stages, each one module with one entry point:

    stage_decode   bytes → Decoded     the text (a CSV's encoding found, a workbook's sheet read)
    stage_detect   Decoded → Detected  the header line, and the platform and dialect it matches
    stage_map      Detected → Mapped   each header cell's role, the currency and period it names
    stage_locate   Mapped → Located    where the data rows start and end, what was skipped
    stage_type     Located → Typed     the number style, each date column's format, the notices
    stage_load     Typed → Loaded      the data rows as a file DuckDB's reader takes

``plan.prepare`` runs them in order and returns the ``Prepared`` plan the store imports by. A
new variant of an export is a change in the stage it concerns: an encoding in stage_decode, a
header spelling in the registry (stage_detect), a title line that says which metric a header
shared by several holds (a dialect's titles, read in stage_detect), a column role in stage_map,
a totals row in stage_locate, a date or number form in stage_type.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from experiments.import_models import NumberStyle, cell_ref
from experiments.importers.registry import Dialect, Kind, Platform
from experiments.importers.snapshot import KnownTable, Searched
from experiments.importers.tables import Gap, Header, Table

EXTRA = "extra"

# Finds the platform (or saved mapping) and dialect a header's labels match, None for none.
Identify = Callable[[list[str]], "tuple[Platform, Dialect] | None"]


@dataclass(frozen=True, slots=True)
class Notice:
    """A warning about the file, as a text key of the catalogs with its values."""

    key: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Column:
    index: int
    label: str
    target: str
    kind: Kind
    date_format: str | None = None
    strip: bool = False

    @property
    def ref(self) -> str:
        """Return the column's name in the CSV scan: c0, c1, …"""
        return cell_ref(self.index)


@dataclass(frozen=True, slots=True)
class Decoded:
    """The file as text: UTF-8 bytes, the encoding they came in, the sheet they came from."""

    name: str
    text: bytes | memoryview
    encoding: str
    sheet: str | None


@dataclass(frozen=True, slots=True)
class Detected:
    """The header line and the platform and dialect that recognised it."""

    decoded: Decoded
    header: Header[tuple[Platform, Dialect]]
    platform: Platform
    dialect: Dialect
    # The tables a platform knows in the file (several in a report snapshot), and the chosen one.
    known_tables: tuple[KnownTable, ...] = ()
    chosen_table: KnownTable | None = None
    # The search for the blank line below the header, made while looking for more tables.
    searched: Searched | None = None


@dataclass(frozen=True, slots=True)
class Mapped:
    """Each kept header cell's role, and what the title and header lines say of every row."""

    detected: Detected
    columns: tuple[Column, ...]
    # The ISO code the money columns' headers name ('Amount spent (IDR)'), if they name one.
    currency: str | None
    # The report's range from its title lines, for a file whose rows have no date column.
    period: tuple[date, date] | None


@dataclass(frozen=True, slots=True)
class Located:
    """Where the data rows are."""

    mapped: Mapped
    table: Table


@dataclass(frozen=True, slots=True)
class Typed:
    """How each column's text is read, the warnings about it, and the rows finally chosen (a
    blank line inside the data can extend them)."""

    located: Located
    table: Table
    columns: tuple[Column, ...]
    number_style: NumberStyle
    notices: tuple[Notice, ...]
    gap: Gap | None


@dataclass(frozen=True, slots=True)
class Loaded:
    """The data rows as a file: the export itself (lines above them skipped) or a copy."""

    body: Path
    skip: int
    tmp: tempfile.TemporaryDirectory[str] | None
