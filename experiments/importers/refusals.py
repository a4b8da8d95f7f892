"""Refusals of a file for what its header or its rows are: a header nobody knows (a mapping
form follows), and the precise ones: an export without data, a header that lacks only its date
or its campaign column.

The precise ones say in English and German (``import.refuse.*`` in catalog_import) which file
and line, what exactly is wrong and what to do, instead of "no platform knows this header".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from experiments.errors import ImportFormatError, ImportRefused
from experiments.import_models import header_key
from experiments.importers import decoding, tables
from experiments.importers.registry import CAMPAIGN, DATE, PLATFORMS, Dialect, Platform

# What platforms write in place of the rows when a report has none: Meta "No data available."
# (German "Keine Daten verfügbar."), others "No data"; compared without case and final stop.
NO_DATA = frozenset({"no data available", "keine daten verfügbar", "no data", "keine daten"})
_ROLES = {DATE: "date", CAMPAIGN: "campaign"}
T = TypeVar("T")


class UnknownExport(ImportFormatError):
    """No platform or saved mapping knows the header; carries the columns for a mapping form,
    and the precise refusal when the header is a platform's but for its date or campaign."""

    def __init__(
        self, message: str, header: tables.Header[None], examples: list[list[str]],
        refusal: ImportRefused | None = None,
    ) -> None:  # fmt: skip
        super().__init__(message if refusal is None else str(refusal))
        self.header = header
        self.examples = examples
        self.refusal = refusal

    def text(self, lang: str) -> str:
        """Return the message in ``lang`` (the refusal's; the general one is English only)."""
        return str(self) if self.refusal is None else self.refusal.text(lang)


def unknown(
    name: str, text: bytes | memoryview, header: tables.Header[None], lacks: ImportRefused | None
) -> UnknownExport:
    """Return the error for a header nobody knows, with its first rows for a mapping form."""
    rows = [
        r
        for _, _, _, line in tables.head_lines(memoryview(text)[header.end + 1 :], 5)
        if (r := tables.split(line, header.delimiter))
    ]
    what = f"no platform or saved mapping knows this header ({_shown(header.cells)})"
    todo = (
        "map its columns once on the import page (the mapping is saved), or name the "
        f"platform with --platform ({', '.join(PLATFORMS)})"
    )
    return UnknownExport(f"{name}, line {header.line}: {what} — {todo}", header, rows, lacks)


def _marker(line: str, delimiter: str) -> str | None:
    cells = [c.strip() for c in tables.split(line, delimiter) if c.strip()]
    if len(cells) == 1 and cells[0].rstrip(".").casefold() in NO_DATA:
        return cells[0]
    return None


def no_data(
    text: bytes | memoryview,
    name: str,
    header: tables.Header[T],
    dialect: Dialect,
    campaign_index: int | None,
) -> None:
    """Refuse an export whose only row below the header says that there is no data (summary
    and totals rows beside it are no data either)."""
    limit = 6
    lines = tables.head_lines(memoryview(text)[header.end + 1 :], limit)
    rows = []
    for number, _, _, line in lines:
        if tables.blank(line):
            break
        rows.append((header.line + number, line))
    if not rows or (len(rows) == len(lines) == limit):
        return  # nothing below the header (said elsewhere), or more rows than a no-data file has
    found = [(n, m) for n, line in rows if (m := _marker(line, header.delimiter)) is not None]
    others = [
        line for n, line in rows
        if _marker(line, header.delimiter) is None
        and not tables.is_summary(tables.split(line, header.delimiter), dialect, campaign_index)
    ]  # fmt: skip
    if len(found) == 1 and not others:
        at, marker = found[0]
        raise ImportRefused("no_data", decoding.quote(name, 120), at, marker=marker)


def _shown(cells: Sequence[str]) -> str:
    shown = ", ".join(decoding.quote(c, 40) for c in cells[:8] if c.strip())
    return shown + (" …" if len(cells) > 8 else "")


def lacking(
    name: str, header: tables.Header[None], candidates: Sequence[Platform], override: bool
) -> ImportRefused | None:
    """Return the refusal for a header that has a platform's columns but lacks its date or its
    campaign column; None when no platform's header is that close. With ``override`` (the
    platform was named) the one candidate is told which of the two it lacks."""
    labels = {header_key(c) for c in header.cells}
    where = decoding.quote(name, 120)
    if override:  # the one platform named: which of its two columns does the header lack?
        plat = candidates[0]
        missing = min(
            ([_ROLES[r] for r in (DATE, CAMPAIGN)
              if r not in map(d.columns.get, labels) and not (r == CAMPAIGN and d.named)]
             for d in plat.dialects), key=len,
        )  # fmt: skip
        case = "lacks_both" if len(missing) != 1 else f"lacks_{missing[0]}"
        return ImportRefused(case, where, header.line, shown=_shown(header.cells),
                             platform=plat.key)  # fmt: skip
    for plat in candidates:
        for dialect in plat.dialects:
            for signature in dialect.signatures:
                absent = {dialect.columns.get(label) for label in signature - labels}
                if len(signature - labels) == 1 and absent <= set(_ROLES):
                    role = _ROLES[str(absent.pop())]
                    return ImportRefused(f"no_{role}", where, header.line, platform=plat.title)
    return None


def require_roles(name: str, line: int, plat: Platform, targets: set[str]) -> None:
    """Refuse a recognised header without a date or a campaign column."""
    for role in (DATE, CAMPAIGN):
        if role not in targets:
            raise ImportRefused(
                f"no_{_ROLES[role]}", decoding.quote(name, 120), line, platform=plat.title
            )


def refused_layout(name: str, line: int, plat: Platform) -> None:
    """Refuse a header the registry knows as a layout it cannot turn into facts per day (one
    row per conversation); the message names the report to export instead."""
    if plat.refusal:
        raise ImportRefused(plat.refusal, decoding.quote(name, 120), line, platform=plat.title)
