"""From an uploaded file to a parse plan: which platform, which columns, and how to read each.

``prepare`` runs the import's stages in order (pipeline.py: decode → detect the platform → map
the columns → locate the rows → type the values → load) and returns a ``Prepared`` plan. Its
``read_plan`` is the typed value the store builds its reading SQL from (DuckDB's CSV reader with
explicit options, every column as text named c0 … cN).
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import TracebackType

from experiments.import_models import CellRead, FileImport, NumberStyle, SavedMapping
from experiments.importers import (
    currency,
    decoding,
    results,
    segments,
    snapshot,
    stage_decode,
    stage_detect,
    stage_load,
    stage_locate,
    stage_map,
    stage_type,
    sums,
    tables,
)
from experiments.importers.gaps import BlankLines
from experiments.importers.pipeline import EXTRA as EXTRA
from experiments.importers.pipeline import Column as Column
from experiments.importers.pipeline import Notice as Notice
from experiments.importers.refusals import UnknownExport as UnknownExport
from experiments.importers.registry import (
    CAMPAIGN,
    DATE,
    DATE_END,
    RESULT_INDICATOR,
    RESULTS,
    SEGMENT,
    VARIANT,
    Dialect,
    Kind,
    Platform,
)
from experiments.importers.stage_type import SAMPLE_ROWS as SAMPLE_ROWS
from experiments.metrics import BASE_METRICS


@dataclass
class Prepared:
    """A file ready to be read: its platform, table, columns and the data rows on disk."""

    file_name: str
    sha256: str
    size: int
    encoding: str
    sheet: str | None
    platform: Platform
    dialect: Dialect
    table: tables.Table
    columns: tuple[Column, ...]
    number_style: NumberStyle
    notices: tuple[Notice, ...]
    body: Path
    # Lines of ``body`` above the first data row (an export read where it lies).
    skip: int = 0
    # Blank lines inside the data with more rows of the table below them, and what was chosen.
    gap: tables.Gap | None = None
    blank_lines: BlankLines = BlankLines.REFUSE
    # The report's range from its title lines, for a file whose rows have no date column.
    period: tuple[date, date] | None = None
    # The ISO code the money columns' headers name ('Amount spent (IDR)'), if they name one.
    currency: str | None = None
    # The tables a platform knows in the file (several in a report snapshot), and the chosen one.
    known_tables: tuple[snapshot.KnownTable, ...] = ()
    chosen_table: snapshot.KnownTable | None = None
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    @property
    def platform_key(self) -> str:
        """Return the key the facts of this file carry ('meta', 'generic:<name>' …)."""
        return self.platform.key

    @property
    def metrics(self) -> tuple[str, ...]:
        """Return the base metrics this file carries, in column order of metric_fact."""
        present = {c.target for c in self.columns} | set(self.summed())
        return tuple(m for m in BASE_METRICS if m in present)

    def summed(self) -> dict[str, CellRead]:
        """Return the metrics this file gives in parts, read as their parts added up."""
        return sums.summed(self.dialect, self.table.header, {c.target for c in self.columns})

    def by_target(self, target: str) -> list[Column]:
        """Return the columns mapped to ``target`` in header order."""
        return [c for c in self.columns if c.target == target]

    def skipped(self) -> dict[str, int]:
        """Return the rows and lines left out, per reason."""
        t = self.table
        return {
            "summary": t.summary,
            "totals": t.totals,
            "preamble": t.preamble,
            "trailing": t.trailing,
        }

    def cell(self, c: Column) -> CellRead:
        """Return how the store reads column ``c`` (a share with the column it is a share of)."""
        share_of = None
        if c.kind is Kind.SHARE:
            share_of = self.cell(self.by_target(self.platform.shares[c.target])[0])
        return CellRead(c.index, c.kind, c.date_format, c.strip, share_of)

    def segments(self) -> tuple[tuple[str, CellRead], ...]:
        """Return the segment columns by their one name, in the order segments.py gives names."""
        named = [(segments.segment_name(c.label), self.cell(c)) for c in self.by_target(SEGMENT)]
        return tuple(sorted(named, key=lambda n: segments.segment_order(n[0])))

    def read_plan(self) -> FileImport:
        """Return the typed plan the store imports this file by."""
        ends, days = self.by_target(DATE_END), self.by_target(DATE)
        found, indicator = self.by_target(RESULTS), self.by_target(RESULT_INDICATOR)
        own, read = results.split(
            [(c.label, self.cell(c)) for c in found],
            [self.cell(c) for c in indicator],
            self.metrics,
        )
        extra = sorted(self.by_target(EXTRA) + indicator, key=lambda c: c.index)
        summed = self.summed()
        return FileImport(
            file_name=self.file_name, sha256=self.sha256, platform=self.platform_key,
            body=self.body, skip=self.skip, delimiter=self.table.delimiter,
            width=len(self.table.header), number_style=self.number_style,
            campaign=next((self.cell(c) for c in self.by_target(CAMPAIGN)), None),
            source_name=self.dialect.source_name,
            variants=tuple(self.cell(c) for c in self.by_target(VARIANT)),
            date=self.cell(days[0]) if days else None, period=None if days else self.period,
            date_end=self.cell(ends[0]) if ends else None,
            metrics=tuple((m, summed.get(m) or self.cell(self.by_target(m)[0]))
                          for m in self.metrics) + own,
            extra=tuple((c.label, self.cell(c)) for c in extra), results=read,
            segments=self.segments(),
            skipped_rows=sum(self.skipped().values()), negative=self.platform.negative,
            currency=self.currency, currency_column=next(
                (self.cell(c) for c in self.by_target(currency.CURRENCY)), None),
        )  # fmt: skip

    def close(self) -> None:
        """Remove the temporary copy of the data rows, if one was written."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> Prepared:
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self.close()


def prepare(
    data: bytes,
    name: str,
    *,
    platform: str | None = None,
    mappings: Sequence[SavedMapping] = (),
    sheet: str | None = None,
    max_bytes: int = decoding.MAX_FILE_BYTES,
    sha256: str | None = None,
    source: Path | None = None,
    blank_lines: BlankLines = BlankLines.REFUSE,
    table_choice: str | None = None,
) -> Prepared:
    """Return the plan for importing a file; raise ImportFormatError, or UnknownExport for a
    header that neither a platform nor a saved mapping knows. ``source`` is where ``data``
    lies on disk, if it does; ``blank_lines`` says what to do when rows of the same table go
    on below a blank line (by default: raise BlankLinesInData); ``table_choice`` is the number
    or title of the table to read when the file holds several (else: raise SeveralTables)."""
    decoding.check_container(data, name, max_bytes)
    identify, candidates, override = stage_detect.matcher(name, platform, mappings)
    decoded = stage_decode.decode(data, name, sheet, identify)
    detected = stage_detect.detect(decoded, identify, candidates, override, table_choice)
    mapped = stage_map.map_columns(detected)
    located = stage_locate.locate(mapped)
    typed = stage_type.type_values(located, blank_lines)
    loaded = stage_load.load(typed, source)
    known, chosen = detected.known_tables, detected.chosen_table
    sha256 = snapshot.digest(sha256 or hashlib.sha256(data).hexdigest(), known, chosen)
    return Prepared(
        file_name=name, sha256=sha256, size=len(data),
        encoding=decoded.encoding, sheet=decoded.sheet, platform=detected.platform,
        dialect=detected.dialect, table=typed.table, columns=typed.columns,
        number_style=typed.number_style, notices=typed.notices, body=loaded.body,
        skip=loaded.skip, gap=typed.gap, blank_lines=blank_lines, period=mapped.period,
        currency=mapped.currency, known_tables=known, chosen_table=chosen, _tmp=loaded.tmp,
    )  # fmt: skip
