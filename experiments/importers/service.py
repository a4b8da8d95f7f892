"""Importing a file end to end: prepare it, let the store write it in one transaction, and turn
whatever goes wrong into a message that names the file, the line and the column."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments.errors import DuplicateKey, FileUnreadable
from experiments.import_models import FactWrite, ImportRecord
from experiments.importers import decoding, diagnose, results
from experiments.importers.gaps import BlankLines
from experiments.importers.plan import Notice, Prepared, prepare
from experiments.importers.registry import RESULTS, platform_title
from experiments.importers.snapshot import KnownTable
from experiments.importers.tables import Gap
from experiments.metrics import Unit, metric

if TYPE_CHECKING:
    import pandas as pd

    from experiments.store import Store

Progress = Callable[[float, str], None]


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """What an import did (or, in a dry run, would do): the CLI's JSON and the page's preview."""

    import_id: str | None
    platform: str
    file: str
    rows: int
    skipped: dict[str, int]
    date_min: date | None
    date_max: date | None
    totals: dict[str, float | None]
    new_rows: int
    replaced_rows: int
    unchanged_rows: int
    duplicate_of: str | None
    dry_run: bool = False
    encoding: str = ""
    delimiter: str = ""
    sheet: str | None = None
    notices: tuple[Notice, ...] = ()
    unlinked: tuple[str, ...] = ()
    without_campaign: int = 0
    first_rows: pd.DataFrame | None = field(default=None, compare=False)
    duplicate: ImportRecord | None = None
    # Blank lines inside the data with rows of the same table below them: where, and whether
    # the rows below were read (past) or left out (stop).
    gap: Gap | None = None
    blank_lines: BlankLines = BlankLines.REFUSE
    # Rows that cover more than one day: period facts, counted only where their whole period
    # lies inside a window.
    period_rows: int = 0
    # The ISO codes of the money of the file's facts (empty: the file named none).
    currencies: tuple[str, ...] = ()
    # A file with several tables a platform knows (a report snapshot): them, and the one read.
    tables: tuple[KnownTable, ...] = ()
    table: KnownTable | None = None

    @property
    def currency(self) -> str | None:
        """Return the one currency of the file's money, None when it named none (or several)."""
        return self.currencies[0] if len(self.currencies) == 1 else None

    @property
    def platform_title(self) -> str:
        """Return the platform's display name."""
        return platform_title(self.platform)

    def as_json(self) -> dict[str, Any]:
        """Return the document ``import --json`` prints (DESIGN.md's shape plus a few keys)."""
        return {
            "import_id": self.import_id,
            "platform": self.platform,
            "file": self.file,
            "rows": self.rows,
            "skipped": self.skipped,
            "date_min": self.date_min.isoformat() if self.date_min else None,
            "date_max": self.date_max.isoformat() if self.date_max else None,
            "totals": self.totals,
            "new_rows": self.new_rows,
            "replaced_rows": self.replaced_rows,
            "unchanged_rows": self.unchanged_rows,
            "duplicate_of": self.duplicate_of,
            "period_rows": self.period_rows,
            # One code when every amount is in it; null when none was named (or several were).
            "currency": self.currency,
            "currencies": list(self.currencies),
            "dry_run": self.dry_run,
            "encoding": self.encoding,
            "delimiter": self.delimiter,
            "sheet": self.sheet,
            "unlinked_campaigns": list(self.unlinked),
            "warnings": [n.key for n in self.notices],
            "blank_lines": self._blank_lines_json(),
            "table": self._table_json(),
        }

    def _table_json(self) -> dict[str, Any] | None:
        # The table read of a file with several known tables, and how many it holds.
        if self.table is None:
            return None
        k = self.table
        return {"number": k.number, "title": k.title, "line": k.line, "of": len(self.tables)}

    def _blank_lines_json(self) -> dict[str, Any] | None:
        # The blank lines inside the data, the lines of the rows below them, and whether read.
        if self.gap is None:
            return None
        rows = [self.gap.first_line, self.gap.last_line]
        read = self.blank_lines is BlankLines.PAST
        return {"lines": list(self.gap.blank_lines), "rows_below": rows, "read": read}


def _duplicate(record: ImportRecord, name: str, dry_run: bool) -> ImportSummary:
    return ImportSummary(
        import_id=None,
        platform=record.platform,
        file=name,
        rows=record.rows,
        skipped={},
        date_min=record.date_min,
        date_max=record.date_max,
        totals={},
        new_rows=0,
        replaced_rows=0,
        unchanged_rows=0,
        duplicate_of=str(record.id),
        dry_run=dry_run,
        duplicate=record,
    )


def run(
    store: Store,
    data: bytes,
    name: str,
    *,
    platform: str | None = None,
    sheet: str | None = None,
    dry_run: bool = False,
    preview_rows: int = 0,
    max_bytes: int = decoding.MAX_FILE_BYTES,
    progress: Progress | None = None,
    source: Path | None = None,
    blank_lines: BlankLines = BlankLines.REFUSE,
    table: str | None = None,
) -> ImportSummary:
    """Import (or, with dry_run, only check) one file; return its summary.

    The same bytes as an earlier import are reported as its duplicate and nothing is written.
    ``source`` is the file's path when it lies on disk (the CLI); a UTF-8 export is then read
    where it lies instead of being copied. ``blank_lines`` says whether rows of the same table
    below a blank line are read; by default such a file is refused (BlankLinesInData).
    ``table`` is the number or title of the table to read from a file with several tables a
    platform knows; without it such a file is refused (SeveralTables), naming them.
    """
    report = progress or (lambda share, step: None)
    decoding.check_container(data, name, max_bytes)
    sha256 = hashlib.sha256(data).hexdigest()
    earlier = store.import_by_sha(sha256)
    if earlier is not None:
        return _duplicate(earlier, name, dry_run)
    report(0.1, "read")
    with prepare(
        data, name, platform=platform, mappings=store.mappings(), sheet=sheet,
        max_bytes=max_bytes, sha256=sha256, source=source, blank_lines=blank_lines,
        table_choice=table,
    ) as p:  # fmt: skip
        report(0.3, "write")
        try:
            w = _write(store, p, dry_run, preview_rows)
        except FileUnreadable as e:
            # Slash dates the sample took for the platform's habit may be proven the other
            # way further down: then the file is read once more that way (nothing was written).
            turned = diagnose.slash_order(p)
            if turned is None:
                raise diagnose.diagnose(p, e.detail) from e
            p = turned
            try:
                w = _write(store, p, dry_run, preview_rows)
            except FileUnreadable as again:
                raise diagnose.diagnose(p, again.detail) from again
        report(1.0, "done")
        if w.duplicate_of is not None:
            # The table of a file of several: still named, so that another one can be chosen.
            return replace(_duplicate(w.duplicate_of, name, dry_run), **_tables(p))
        return _summary(p, w, name, dry_run)


def _write(store: Store, p: Prepared, dry_run: bool, preview_rows: int) -> FactWrite:
    try:
        return store.import_file(p.read_plan(), dry_run=dry_run, preview_rows=preview_rows)
    except DuplicateKey as dup:
        raise diagnose.duplicate(p, dup) from None


def _summary(p: Prepared, w: FactWrite, name: str, dry_run: bool) -> ImportSummary:
    notices = p.notices
    if w.without_campaign:
        notices += (Notice("import.warn.without_campaign", {"rows": w.without_campaign}),)
    # What the file's results count, and where they went (result_indicators.py).
    read = p.read_plan().results
    unnamed = (
        read is None and bool(p.by_target(RESULTS)) and w.totals.get("conversions") is not None
    )
    notices += tuple(Notice(k, v) for k, v in results.notices(read, w.results, unnamed))
    if not w.currencies and any(metric(m).unit is Unit.MONEY for m in w.totals):
        notices += (Notice("import.warn.no_currency"),)  # each campaign's account currency
    # Amounts of different currencies are never added up: a file with several has no money total.
    totals = {m: v for m, v in w.totals.items()
              if len(w.currencies) < 2 or metric(m).unit is not Unit.MONEY}  # fmt: skip
    return ImportSummary(
        import_id=None if dry_run or w.import_id is None else str(w.import_id),
        platform=p.platform_key, file=name, rows=w.rows, skipped=p.skipped(),
        date_min=w.date_min, date_max=w.date_max, totals=totals, new_rows=w.new_rows,
        replaced_rows=w.replaced_rows, unchanged_rows=w.unchanged_rows, duplicate_of=None,
        dry_run=dry_run, encoding=p.encoding, delimiter=p.table.delimiter, sheet=p.sheet,
        notices=notices, unlinked=w.unlinked, without_campaign=w.without_campaign,
        first_rows=w.first_rows, gap=p.gap, blank_lines=p.blank_lines, period_rows=w.period_rows,
        currencies=w.currencies, **_tables(p),
    )  # fmt: skip


def _tables(p: Prepared) -> dict[str, Any]:
    # Only a file with several known tables names them and the one read.
    if len(p.known_tables) < 2:
        return {}
    return {"tables": p.known_tables, "table": p.chosen_table}
