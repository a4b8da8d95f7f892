"""Exports whose header is the same whatever they hold, so that their title line says what the
rows are.

Meta Business Suite downloads one chart of its Insights at a time, and every chart's file has the
header "Date","Primary" for Facebook and Instagram alike; only the line above it tells "Facebook
follows" from "Instagram follows" or "Views". A dialect with ``titles`` names each title it reads
with the metric of its value column (the ``TITLED`` one) and the source name of every row;
``resolve`` reads the title line and returns the dialect with both filled in, so that the later
stages see a layout like any other with a fixed source name. Any other title, or none, is refused
with the titles that are read: a chart's numbers are never stored under a guessed metric.
"""

from __future__ import annotations

import re
from dataclasses import replace
from types import MappingProxyType
from typing import TypeVar

from experiments.errors import ImportRefused
from experiments.import_models import header_key
from experiments.importers import decoding, tables
from experiments.importers.registry import TITLED, Dialect, Platform

# Excel's hint of the delimiter ("sep=,"), which Meta writes above the title: no title itself.
_SEPARATOR_HINT = re.compile(r"sep=.?", re.IGNORECASE)
T = TypeVar("T")


def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def title_line(text: bytes | memoryview, header: tables.Header[T]) -> tuple[int, str] | None:
    """Return the line number and text of the title right above the header (the nearest line
    with text in its block, Excel's separator hint left out), None when it has none."""
    for number, _, _, line in reversed(tables.head_lines(text, header.line - 1)):
        if tables.blank(line) or _SEPARATOR_HINT.fullmatch(line.strip()):
            return None
        cells = [c.strip() for c in tables.split(line, header.delimiter)]
        return number, " ".join(c for c in cells if c)
    return None


def resolve(
    name: str, text: bytes | memoryview, header: tables.Header[T], plat: Platform, dialect: Dialect
) -> Dialect:
    """Return the dialect with the metric and source name its title line names (a dialect
    without titles as it is); refuse a title the dialect does not read, or a missing one."""
    labels = {header_key(c) for c in header.cells}
    if not dialect.titles or TITLED not in map(dialect.columns.get, labels):
        return dialect  # nothing to name (a header without the value column is refused later)
    where = decoding.quote(name, 120)
    read = ", ".join(title for title, _, _ in dialect.titles)
    found = title_line(text, header)
    if found is None:
        raise ImportRefused("no_title", where, header.line, platform=plat.title, titles=read)
    line, title = found
    for known, metric, source in dialect.titles:
        if _same(known, title):
            columns = {k: metric if v == TITLED else v for k, v in dialect.columns.items()}
            return replace(dialect, columns=MappingProxyType(columns), source_name=source)
    raise ImportRefused("title_not_read", where, line, platform=plat.title,
                        title=decoding.quote(title, 80), titles=read)  # fmt: skip
