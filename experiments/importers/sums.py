"""Metrics an export gives only in parts (LinkedIn page analytics: engagements as clicks,
reactions, comments and reposts), read as one value: the parts of each row added up."""

from __future__ import annotations

from collections.abc import Sequence, Set

from experiments.import_models import CellKind, CellRead, header_key
from experiments.importers.registry import Dialect


def summed(dialect: Dialect, header: Sequence[str], mapped: Set[str]) -> dict[str, CellRead]:
    """Return each metric the dialect adds up from the parts this header has, read as its first
    part with the others added; a metric a column of the file carries itself is left out."""
    at = {header_key(label): i for i, label in enumerate(header)}
    out = {}
    for metric, labels in dialect.sums:
        found = [at[label] for label in labels if label in at]
        if found and metric not in mapped:
            others = tuple(CellRead(i, CellKind.NUMBER) for i in found[1:])
            out[metric] = CellRead(found[0], CellKind.NUMBER, plus=others)
    return out
