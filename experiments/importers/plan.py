"""From an uploaded file to a parse plan: which platform, which columns, and how to read each.

``prepare`` decodes the file, finds its table and platform, samples the first rows to choose the
number style and date formats, writes the data rows as UTF-8 into a temporary file, and returns a
``Prepared`` plan. Its ``read_plan`` is the typed value the store builds its reading SQL from
(DuckDB's CSV reader with explicit options, every column as text named c0 … cN).
"""

from __future__ import annotations

import csv
import hashlib
import io
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import TracebackType

from experiments.import_models import CellRead, FileImport, NumberStyle, SavedMapping, header_key
from experiments.importers import (
    currency,
    decoding,
    gaps,
    periods,
    refusals,
    registry,
    results,
    sums,
    tables,
    values,
    workbook,
)
from experiments.importers.gaps import BlankLines
from experiments.importers.refusals import UnknownExport as UnknownExport
from experiments.importers.registry import (
    CAMPAIGN,
    DATE,
    DATE_END,
    DERIVED,
    JOINED_ROLES,
    PLATFORMS,
    RESULT_INDICATOR,
    RESULTS,
    SEGMENT,
    VARIANT,
    Dialect,
    Kind,
    Platform,
    segment_name,
)
from experiments.metrics import BASE_METRICS

SAMPLE_ROWS = 500
EXTRA = "extra"


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
        return f"c{self.index}"


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
        """Return the segment columns by their one name, in the registry's order of names."""
        named = [(segment_name(c.label), self.cell(c)) for c in self.by_target(SEGMENT)]
        return tuple(sorted(named, key=lambda n: registry.segment_order(n[0])))

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


def _identify(
    name: str, platform: str | None, mappings: Sequence[SavedMapping]
) -> tuple[list[Platform], bool]:
    # An override names one platform (or saved mapping) and then only needs date and campaign.
    saved = [registry.mapping_platform(m) for m in mappings]
    if platform is None:
        return saved + list(PLATFORMS.values()), False
    chosen = [p for p in saved + list(PLATFORMS.values()) if p.key == platform]
    if not chosen:
        known = ", ".join(list(PLATFORMS) + [m.key for m in mappings])
        raise decoding.fail(
            name, f"'{platform}' is no platform or saved mapping", f"choose one of: {known}"
        )
    return chosen, True


Identify = Callable[[list[str]], "tuple[Platform, Dialect] | None"]


def _matcher(candidates: list[Platform], override: bool) -> Identify:
    def identify(labels: list[str]) -> tuple[Platform, Dialect] | None:
        for p in candidates:
            for d in p.dialects:
                targets = {d.columns.get(label) for label in labels}
                targets |= {CAMPAIGN} if d.source_name else set()
                if d.matches(labels) or (override and {DATE, CAMPAIGN} <= targets):
                    return p, d
        return None

    return identify


def _text(
    data: bytes, name: str, sheet: str | None, identify: Identify
) -> tuple[bytes | memoryview, str, str | None]:
    if not decoding.check_container(data, name):
        decoded = decoding.decode(data, name)
        return decoded.text, decoded.encoding, None
    found = workbook.sheets(data, name)
    if sheet is not None:
        chosen = [body for title, body in found if title == sheet]
        if not chosen:
            names = ", ".join(t for t, _ in found) or "none with cells"
            raise decoding.fail(
                name,
                f"the workbook has no sheet named '{sheet}'",
                f"choose one of its sheets: {names}",
            )
        return chosen[0], "XLSX", sheet
    if not found:
        raise decoding.fail(
            name,
            "no sheet of the workbook has any cells",
            "open the workbook and check that the export is on its first sheet",
        )
    # Without a named sheet, the first sheet whose header a platform knows is the export.
    for title, body in found:
        try:
            tables.find_header(body, identify)
        except tables.UnknownHeader:
            continue
        return body, "XLSX", title
    return found[0][1], "XLSX", found[0][0]


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
) -> Prepared:
    """Return the plan for importing a file; raise ImportFormatError, or UnknownExport for a
    header that neither a platform nor a saved mapping knows. ``source`` is where ``data``
    lies on disk, if it does; ``blank_lines`` says what to do when rows of the same table go
    on below a blank line (by default: raise BlankLinesInData)."""
    decoding.check_container(data, name, max_bytes)
    candidates, override = _identify(name, platform, mappings)
    identify = _matcher(candidates, override)
    text, encoding, sheet = _text(data, name, sheet, identify)
    try:
        header = tables.find_header(text, identify)
    except tables.UnknownHeader as e:
        lacks = refusals.lacking(name, e.header, candidates, override)
        if override and lacks is not None:
            raise lacks from None  # a named platform gets no mapping form
        raise refusals.unknown(name, text, e.header, lacks) from None
    assert header.match is not None
    plat, dialect = header.match
    refusals.refused_layout(name, header.line, plat)
    columns = _columns(header.cells, plat, dialect)
    code = currency.header_code(name, header.line, columns)
    period = None
    if dialect.title_period and all(c.target != DATE for c in columns):
        period = periods.title_period(text, name, header)
    _require(columns, name, header.line, plat, dated=period is not None,
             named=bool(dialect.source_name))  # fmt: skip
    campaign = next((c.index for c in columns if c.target == CAMPAIGN), None)
    refusals.no_data(text, name, header, dialect, campaign)
    table = tables.locate(text, name, header, dialect, campaign)
    sample = _sample(text, table, name)
    style, columns, notices = _formats(sample, columns, dialect, plat)
    gap = tables.continuation(text, table, dialect, gaps.fits(columns, style))
    if gap is not None:
        table, key = gaps.choose(name, table, gap, blank_lines)
        notices += (Notice(key, gaps.where(gap)),)
    body, skip, tmp = _body(text, table, encoding, source)
    return Prepared(
        file_name=name, sha256=sha256 or hashlib.sha256(data).hexdigest(), size=len(data),
        encoding=encoding, sheet=sheet, platform=plat, dialect=dialect, table=table,
        columns=columns, number_style=style, notices=notices, body=body, skip=skip, gap=gap,
        blank_lines=blank_lines, period=period, currency=code, _tmp=tmp,
    )  # fmt: skip


def _body(
    text: bytes | memoryview, table: tables.Table, encoding: str, source: Path | None
) -> tuple[Path, int, tempfile.TemporaryDirectory[str] | None]:
    # A UTF-8 file on disk whose table runs to its end is read where it lies, lines above the
    # table skipped; anything else gets its data rows written out as UTF-8 (no copy of 80 MB
    # otherwise), part after part when blank lines inside the data are gaps.
    rest = bytes(memoryview(text)[table.end :])
    parts = [(part.start, part.end) for part in table.parts] or [(table.start, table.end)]
    mixed = any(_mixed_line_ends(memoryview(text)[start:end]) for start, end in parts)
    if source is not None and encoding.startswith("UTF-8") and not table.totals and not mixed:
        if not rest.strip(b"\r\n") and not table.parts:
            return source, table.first_line - 1, None
    tmp = tempfile.TemporaryDirectory(prefix="import-")
    body = Path(tmp.name) / "rows.csv"
    with body.open("wb") as f:
        for start, end in parts:
            rows = memoryview(text)[start:end]
            if mixed:  # the part ends before the LF of its last row's CRLF
                f.write((bytes(rows) + b"\n").replace(b"\r\n", b"\n"))
                continue
            f.write(rows)
            f.write(b"\n")
    return body, 0, tmp


def _mixed_line_ends(rows: memoryview) -> bool:
    # Excel on Windows ends rows with CRLF but writes a line break typed into a cell as a bare
    # LF; DuckDB's strict reader takes one kind of line end, so such rows are given LF only.
    data = bytes(rows)
    crlf = data.count(b"\r\n")
    return 0 < crlf < data.count(b"\n")


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


def _sample(text: bytes | memoryview, table: tables.Table, name: str) -> list[list[str]]:
    view = memoryview(text)
    cut = min(table.end, table.start + (1 << 18))
    chunk = bytes(view[table.start : cut]).decode("utf-8", "replace")
    if cut < table.end:
        chunk = chunk[: chunk.rfind("\n") + 1]
    rows = csv.reader(io.StringIO(chunk), delimiter=table.delimiter)
    try:
        return [row for _, row in zip(range(SAMPLE_ROWS), rows, strict=False)]
    except csv.Error as e:
        raise tables.unreadable_row(name, table.file_line(rows.line_num), e) from None


def _formats(
    sample: list[list[str]], columns: tuple[Column, ...], dialect: Dialect, plat: Platform
) -> tuple[NumberStyle, tuple[Column, ...], tuple[Notice, ...]]:
    def cells(col: Column) -> list[str]:
        return [row[col.index] for row in sample if col.index < len(row)]

    numeric = [c for c in columns if c.kind in (Kind.NUMBER, Kind.SHARE)]
    texts = [v for c in numeric for v in cells(c) if not values.is_missing(v)]
    style, ambiguous = values.choose_style(texts, dialect.number_style)
    notices: list[Notice] = []
    if ambiguous:
        notices.append(Notice("import.warn.ambiguous_numbers", {"style": str(style)}))
    out = []
    for c in columns:
        if c.kind is Kind.DATE:
            fmt = values.choose_date_format(cells(c), dialect.day_first)
            c = Column(c.index, c.label, c.target, c.kind, date_format=fmt)
        elif c.kind in (Kind.NUMBER, Kind.SHARE):
            strip = any(values.needs_strip(v) for v in cells(c))
            c = Column(c.index, c.label, c.target, c.kind, strip=strip)
        if c.kind is Kind.SHARE and not any(x.target == plat.shares[c.target] for x in columns):
            notices.append(Notice("import.warn.share_without_base", {"column": c.label}))
            c = Column(c.index, c.label, EXTRA, Kind.TEXT)
        out.append(c)
    extra = [c.label for c in out if c.target in (EXTRA, RESULT_INDICATOR)]
    if extra:
        notices.append(Notice("import.warn.extra_columns", {"columns": ", ".join(extra)}))
    return style, tuple(out), tuple(notices)
