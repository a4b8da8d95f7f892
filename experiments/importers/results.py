"""Meta's Results, read by their result indicator: where each row's results count, and what the
import summary says about them.

The routing itself runs in the reader's SQL (store/file_sql.py), row by row, from the
``ResultRead`` built here out of the table in result_indicators.py. A metric the file has a
column of its own for (Link clicks, Reach, Leads …) never takes results as well: a row whose
results count link clicks keeps them in extra, under the indicator's name, and the clicks come
from the Link clicks column once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from experiments.import_models import CellRead, ResultRead
from experiments.importers.result_indicators import INDICATORS, normalise
from experiments.importers.values import is_missing

# Where results count whose indicator is empty, or of a file without an indicator column.
UNNAMED = ("conversions",)
_MAX_NAMES = 10


def read(value: CellRead, indicator: CellRead, label: str, own: Iterable[str]) -> ResultRead:
    """Return how a file's Results column is read by its indicator column; ``own``: the metrics
    the file has columns of its own for, which results never count in."""
    taken = set(own)
    grouped: dict[tuple[str, ...], list[str]] = defaultdict(list)
    for key, metrics in INDICATORS.items():
        left = tuple(m for m in metrics if m not in taken)
        if left:
            grouped[left].append(key)
    routes = tuple((metrics, tuple(keys)) for metrics, keys in grouped.items())
    unnamed = tuple(m for m in UNNAMED if m not in taken)
    return ResultRead(value, indicator, routes, unnamed, label)


def split(
    found: Sequence[tuple[str, CellRead]], indicator: Sequence[CellRead], own: Iterable[str]
) -> tuple[tuple[tuple[str, CellRead], ...], ResultRead | None]:
    """Return the Results column (``found``: its label and cell, if the file has one) as a
    metric of its own — conversions, for a file that does not say what its results are — or as
    read by its result indicator."""
    if not found:
        return (), None
    label, cell = found[0]
    if indicator:
        return (), read(cell, indicator[0], label, own)
    unnamed = [m for m in UNNAMED if m not in set(own)]
    return tuple((m, cell) for m in unnamed[:1]), None


def _names(names: Iterable[str]) -> str:
    shown = sorted(set(names))
    more = len(shown) - _MAX_NAMES
    return ", ".join(shown[:_MAX_NAMES]) + (f" (+{more})" if more > 0 else "")


def notices(
    r: ResultRead | None, counted: Sequence[tuple[str, str | None, int]], own_results: bool
) -> list[tuple[str, dict[str, object]]]:
    """Return the notices (catalog key, values) about a file's results.

    ``counted``: (source campaign, indicator as the file writes it or None, rows) of the rows
    with a Results value; ``own_results``: the file has a Results column but no indicator, so
    its results were counted as conversions."""
    if r is None:
        return [("import.warn.results_unnamed", {})] if own_results else []
    routed = {key: ms for ms, keys in r.routes for key in keys}
    out: list[tuple[str, dict[str, object]]] = []
    empty = sum(n for _, ind, n in counted if ind is None or is_missing(ind))
    if empty:
        key = "import.warn.results_empty" if r.unnamed else "import.warn.results_empty_kept"
        out.append((key, {"rows": empty, "label": r.label}))
    kept = [
        (ind, n) for _, ind, n in counted if ind and ind.strip() and normalise(ind) not in routed
    ]
    if kept:
        out.append(("import.warn.results_kept", {
            "rows": sum(n for _, n in kept), "indicators": _names(i.strip() for i, _ in kept),
        }))  # fmt: skip
    mixed = _mixed(counted, routed)
    if mixed:
        out.append(("import.warn.results_mixed", {"campaigns": mixed}))
    return out


def _mixed(
    counted: Sequence[tuple[str, str | None, int]], routed: dict[str, tuple[str, ...]]
) -> str:
    """Return '<campaign> (<metric>: <indicator>, <indicator>)' for each campaign whose results of
    different indicators add up in one metric (purchases and leads, both conversions)."""
    # One indicator written two ways ("Käufe", "käufe") is one kind, named as first written.
    seen: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for campaign, ind, _ in counted:
        key = normalise(ind or "")
        for metric in routed.get(key, ()):
            seen[(campaign, metric)].setdefault(key, (ind or "").strip())
    parts = [f"{c or '–'} ({m}: {', '.join(sorted(inds.values()))})"
             for (c, m), inds in sorted(seen.items()) if len(inds) > 1]  # fmt: skip
    more = len(parts) - _MAX_NAMES
    return "; ".join(parts[:_MAX_NAMES]) + (f" (+{more})" if more > 0 else "")
