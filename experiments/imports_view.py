"""The import page's one door to the importers: the preview of an upload, the import itself, the
mapping form of an unknown export, the history and what can be undone, as value objects.

The page imports this module and none of experiments.importers: which file is a workbook, which
state an upload is in and how a total was taken over the rows are decided here, not in the page.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from experiments import display, link_suggestions
from experiments.errors import DatabaseTrouble, TrackerError
from experiments.i18n import t
from experiments.import_models import ImportRecord, ImportStatus, NumberStyle, SavedMapping
from experiments.importers import gaps, generic, guess, service
from experiments.importers.decoding import MAX_FILE_BYTES
from experiments.importers.gaps import BlankLines, BlankLinesInData
from experiments.importers.plan import Notice, UnknownExport
from experiments.importers.registry import PLATFORMS, ROLES, dimension_kind, platform_title
from experiments.importers.service import ImportSummary, Progress
from experiments.importers.snapshot import KnownTable, SeveralTables
from experiments.link_suggestions import LinkSuggestion, LinkSuggestions
from experiments.metrics import METRICS, Aggregation

if TYPE_CHECKING:
    from experiments.store import Store

__all__ = [
    "BLANK_LINE_CHOICES", "MAX_FILE_BYTES", "NUMBER_STYLES", "BlankLines", "Detail", "History",
    "ImportSummary", "JustImported", "KnownTable", "LastImport", "LinkSuggestion",
    "LinkSuggestions",
    "MappingColumn", "MappingForm", "Notice", "Preview", "PreviewState", "Progress", "Total",
    "accept_link", "details", "history", "is_workbook",
    "last_import", "platform_choices", "platform_title", "preview", "run_import", "save_mapping",
    "target_label", "totals", "undo", "upload_key",
]  # fmt: skip

NUMBER_STYLES: tuple[NumberStyle, ...] = tuple(NumberStyle)
# What a person can choose when rows of the same table go on below a blank line.
BLANK_LINE_CHOICES: tuple[BlankLines, ...] = (BlankLines.PAST, BlankLines.STOP)
_BLANK_LINE_NOTICES = ("import.warn.blank_lines_past", "import.warn.blank_lines_stop")
_WORKBOOK_SUFFIXES = (".xlsx",)
_DELIMITERS = {",": "import.delim.comma", ";": "import.delim.semicolon", "\t": "import.delim.tab"}


class PreviewState(StrEnum):
    """Where an upload stands."""

    READY = "ready"  # checked, nothing written yet: it can be imported
    DUPLICATE = "duplicate"  # the same bytes are in place from an earlier import
    JUST_IMPORTED = "just_imported"  # this very upload was just imported: say so, once
    UNKNOWN = "unknown"  # no platform or saved mapping knows its header: map it
    BLANK_LINES = "blank_lines"  # rows go on below a blank line: all rows, or those above it?
    TABLES = "tables"  # several tables a platform knows (a report snapshot): which one?
    FAILED = "failed"  # the file cannot be read; the message says why


@dataclass(frozen=True, slots=True)
class Detail:
    """One fact about the file for the preview: a label's text key and its value."""

    label: str
    value: str
    value_is_text_key: bool = False  # the value names a catalog text (a delimiter's name)


@dataclass(frozen=True, slots=True)
class Total:
    """A metric's total over the file's rows and how it was taken (sum, median, daily mean)."""

    metric: str
    how: Aggregation
    value: float | None
    digits: int
    currency: str | None = None  # of a money total: the file's one currency


@dataclass(frozen=True, slots=True)
class MappingColumn:
    """One column of an unknown export: its header label, up to three example cells and the
    target the form proposes for it."""

    label: str
    examples: tuple[str, ...]
    proposed: str = generic.IGNORE


@dataclass(frozen=True, slots=True)
class MappingForm:
    """What the mapping form of an unknown export offers."""

    line: int  # the header's line in the file
    columns: tuple[MappingColumn, ...]
    choices: tuple[str, ...]  # what a column can be mapped to
    # Proposed from the cells: how numbers are written, whether slash dates put the day first.
    number_style: NumberStyle = NumberStyle.EN
    day_first: bool = True


@dataclass(frozen=True, slots=True)
class JustImported:
    """The import this session just made, and the upload it came from."""

    upload_id: str
    summary: ImportSummary


@dataclass(frozen=True, eq=False)
class Preview:
    """The dry run of an upload: its state and what the page shows for it."""

    state: PreviewState
    summary: ImportSummary | None = None
    details: tuple[Detail, ...] = ()
    totals: tuple[Total, ...] = ()
    mapping: MappingForm | None = None
    error: str | None = None
    # The error itself, for its message in the page's language (and, for a header that lacks
    # only its date or campaign column, the reason shown above the mapping form).
    problem: TrackerError | None = None
    # Blank lines inside the data: the first one and the rows below it, for the choice.
    blank_lines: Mapping[str, object] | None = None
    notices: tuple[Notice, ...] = ()  # the warnings about the file besides the blank lines
    # Campaigns the file's unlinked source campaigns are proposed to count for.
    suggestions: LinkSuggestions = LinkSuggestions()
    # The tables a platform knows in a file that holds several, for the choice of one.
    tables: tuple[KnownTable, ...] = ()


@dataclass(frozen=True, slots=True)
class LastImport:
    """The import just made while its facts stand, with its source campaigns not yet linked."""

    summary: ImportSummary
    platform: str
    unlinked: tuple[str, ...]
    suggestions: LinkSuggestions = LinkSuggestions()


@dataclass(frozen=True, slots=True)
class History:
    """Every import, newest first, and those that can be undone (the newest first)."""

    records: tuple[ImportRecord, ...]
    undoable: tuple[ImportRecord, ...]


def is_workbook(name: str) -> bool:
    """Return True for a workbook upload, whose sheet can be chosen."""
    return name.lower().endswith(_WORKBOOK_SUFFIXES)


def platform_choices(store: Store) -> tuple[str | None, ...]:
    """Return the platform choices: None (detect it), every platform, every saved mapping."""
    return (None, *PLATFORMS, *(m.key for m in store.mappings()))


def target_label(target: str, lang: str) -> str:
    """Return the name of a mapping target (keep, ignore, a role, or a metric's own name)."""
    if target in (generic.KEEP, generic.IGNORE) or target in ROLES:
        return t(f"import.target.{target or 'keep'}", lang)
    return display.metric_name(target, lang)


def details(summary: ImportSummary) -> tuple[Detail, ...]:
    """Return the platform, the encoding and the sheet (workbooks) or the delimiter (text)."""
    layout = (
        Detail("import.sheet", summary.sheet)
        if summary.sheet is not None
        else Detail("import.delimiter", _DELIMITERS.get(summary.delimiter, summary.delimiter),
                    summary.delimiter in _DELIMITERS)
    )  # fmt: skip
    return (
        Detail("import.platform_found", summary.platform_title),
        Detail("import.encoding", summary.encoding),
        layout,
    )


def totals(summary: ImportSummary) -> tuple[Total, ...]:
    """Return each metric's total over the rows, with how it was taken and its decimals."""
    return tuple(
        Total(
            metric,
            METRICS[metric].file_aggregation,
            value,
            2 if value is not None and not float(value).is_integer() else 0,
            summary.currency,
        )
        for metric, value in summary.totals.items()
    )


def preview(
    store: Store,
    data: bytes,
    name: str,
    *,
    platform: str | None,
    sheet: str | None,
    upload_id: str,
    just_imported: JustImported | None = None,
    rows: int = 10,
    blank_lines: BlankLines | None = None,
    table: int | None = None,
) -> Preview:
    """Return the dry run of an upload: nothing is written. ``blank_lines`` is the choice made
    for rows below a blank line inside the data (None: not made yet), ``table`` the number of
    the table chosen in a file with several a platform knows (None: not chosen yet)."""
    try:
        summary = service.run(
            store, data, name, platform=platform, sheet=sheet, dry_run=True, preview_rows=rows,
            blank_lines=blank_lines or BlankLines.REFUSE, table=_table(table),
        )  # fmt: skip
    except SeveralTables as e:
        if table is None:  # nothing chosen yet: the page offers the tables
            return Preview(PreviewState.TABLES, tables=e.tables)
        return Preview(PreviewState.FAILED, error=str(e), problem=e, tables=e.tables)
    except BlankLinesInData as e:
        return Preview(PreviewState.BLANK_LINES, blank_lines=gaps.where(e.gap))
    except UnknownExport as e:
        if platform is not None:  # a chosen platform that does not fit is an error, not a form
            return Preview(PreviewState.FAILED, error=str(e), problem=e)
        return Preview(PreviewState.UNKNOWN, mapping=_form(e), problem=e.refusal)
    except DatabaseTrouble:
        raise  # the database's own trouble, not the upload's: the page says what to do
    except TrackerError as e:
        return Preview(PreviewState.FAILED, error=str(e), problem=e)
    if summary.duplicate is None:
        gap = None if summary.gap is None else gaps.where(summary.gap)
        # The page asks about the blank lines itself, above the preview.
        notices = tuple(n for n in summary.notices if n.key not in _BLANK_LINE_NOTICES)
        found = link_suggestions.suggest(store, summary.platform, summary.unlinked)
        return Preview(PreviewState.READY, summary, details(summary), totals(summary),
                       blank_lines=gap, notices=notices, suggestions=found,
                       tables=summary.tables)  # fmt: skip
    state = (
        PreviewState.JUST_IMPORTED
        if just_imported is not None
        and just_imported.upload_id == upload_id
        and just_imported.summary.import_id == summary.duplicate_of
        else PreviewState.DUPLICATE
    )
    return Preview(state, summary, tables=summary.tables)


def _table(number: int | None) -> str | None:
    # The page chooses a table by its number; the importer takes a number or a title as text.
    return None if number is None else str(number)


def _form(e: UnknownExport) -> MappingForm:
    proposal = guess.guess(e.header.cells, e.examples)
    columns = tuple(
        MappingColumn(label, tuple(row[i] for row in e.examples if i < len(row))[:3], target)
        for i, (label, target) in enumerate(zip(e.header.cells, proposal.targets, strict=True))
    )
    return MappingForm(e.header.line, columns, generic.target_choices(),
                       proposal.number_style, proposal.day_first)  # fmt: skip


def upload_key(data: bytes, name: str, *parts: object) -> tuple[object, ...]:
    """Return what identifies a dry run: the bytes, the file name and the choices made."""
    return (hashlib.sha256(data).hexdigest(), name, *parts)


def run_import(
    store: Store,
    data: bytes,
    name: str,
    *,
    platform: str | None,
    sheet: str | None,
    upload_id: str,
    progress: Progress | None = None,
    blank_lines: BlankLines | None = None,
    table: int | None = None,
) -> JustImported:
    """Import an upload in one transaction; return it, remembered with the upload it came from."""
    summary = service.run(store, data, name, platform=platform, sheet=sheet, progress=progress,
                          blank_lines=blank_lines or BlankLines.REFUSE,
                          table=_table(table))  # fmt: skip
    return JustImported(upload_id, summary)


def last_import(
    store: Store, just: JustImported | None, waiting: Preview | None
) -> LastImport | None:
    """Return the import just made while its facts stand and no other upload waits to import."""
    if just is None or just.summary.import_id is None:
        return None
    if waiting is not None and waiting.state is PreviewState.READY:
        return None
    record = store.import_record(just.summary.import_id)
    if record.status is not ImportStatus.IMPORTED:
        return None
    unlinked = store.unlinked_sources(record.id)
    found = link_suggestions.suggest(store, record.platform, unlinked)
    return LastImport(just.summary, record.platform, unlinked, found)


def unlinked_texts(platform: str) -> tuple[str, str]:
    """Return the keys of the heading and the help over an import's names not linked yet: they
    name what the platform's rows carry (campaigns, channel groups, profiles, pages …)."""
    kind = dimension_kind(platform)
    return f"import.unlinked.{kind}", f"import.unlinked_help.{kind}"


def accept_link(store: Store, suggestion: LinkSuggestion) -> str:
    """Make the suggested link (one click); return the name of the campaign now linked."""
    return link_suggestions.accept(store, suggestion).name


def history(store: Store) -> History:
    """Return every import and the ones that can still be undone, newest first."""
    records = tuple(store.imports())
    return History(records, tuple(r for r in records if r.status is ImportStatus.IMPORTED))


def undo(store: Store, import_id: uuid.UUID, seen: ImportStatus | None = None) -> ImportRecord:
    """Undo an import (its facts go, what it replaced comes back); return its record. ``seen``
    is the status the page showed: an import undone meanwhile is said so, not undone twice."""
    return store.undo_import(import_id, seen)


def save_mapping(
    store: Store,
    name: str,
    header: Sequence[str],
    picked: Mapping[str, str],
    style: NumberStyle,
    day_first: bool,
) -> SavedMapping:
    """Save the mapping the form describes; refuse one an import could not use."""
    return store.save_mapping(generic.build_mapping(name, header, picked, style, day_first))
