"""What a comparison returns: one row per metric, the comparison around them, and both as the
JSON documents of ``compare --json`` and of a learning's evidence snapshot."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from experiments import stats
from experiments.currencies import DEFAULT_CURRENCY
from experiments.models import LeftOut
from experiments.money import Conversion
from experiments.sufficiency import Kind, Shortfall


class Design(StrEnum):
    OBSERVATIONAL = "observational"
    RANDOMIZED = "randomized"


class RowRole(StrEnum):
    """What a row is to the cycle's declared plan (experiments/test_plans.py)."""

    PRIMARY = "primary"  # judged on its own at α = 0.05
    GUARDRAIL = "guardrail"  # must not get worse; corrected with the exploratory rows
    EXPLORATORY = "exploratory"  # everything else: BH-corrected among themselves


@dataclass(frozen=True, slots=True)
class MetricRow:
    metric: str
    kind: Kind
    a: float | None
    b: float | None
    abs_change: float | None
    # The change as judged: weekday-standardized where ``adjusted``, else b/a − 1.
    rel_change: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    q_value: float | None
    test: stats.Method
    significant: bool
    note: stats.Note
    n_a: float = 0
    n_b: float = 0
    total_a: float | None = None
    total_b: float | None = None
    adjusted: bool = False
    raw_rel_change: float | None = None  # b/a − 1 of the values shown, whatever the weekdays
    short: Shortfall | None = None  # with NOT_ENOUGH_DATA: what is short, in its own unit
    role: RowRole = RowRole.EXPLORATORY
    # A median's secondary check: Mann–Whitney U's p-value, "the distribution shifted" — not a
    # test of the median, and outside the BH family of verdicts (stats.distribution_shift).
    shift_p_value: float | None = None


@dataclass(frozen=True, slots=True)
class Comparison:
    campaign: str
    campaign_id: uuid.UUID
    cycles: tuple[int, int]
    cycle_ids: tuple[uuid.UUID, uuid.UUID]
    design: Design
    rows: tuple[MetricRow, ...]
    variants: tuple[str, str] | None = None
    # Period facts the day-level comparison could not use (store/cycle_facts.cycle_left_out).
    left_out: LeftOut = LeftOut()
    # The one currency of the compared money (store/money: amounts are never mixed).
    currency: str = DEFAULT_CURRENCY
    # Amounts of other currencies converted into ``currency`` at the admin's rates, if any.
    conversion: Conversion | None = None

    @property
    def tested(self) -> int:
        """Return how many metrics got a p-value (the size of the BH family)."""
        return sum(r.p_value is not None for r in self.rows)

    def row(self, metric: str) -> MetricRow | None:
        """Return the row of one metric, if it was compared."""
        return next((r for r in self.rows if r.metric == metric), None)


def row_document(row: MetricRow) -> dict[str, Any]:
    """Return a comparison row with the keys DESIGN.md names (and a few more)."""
    return {
        "metric": row.metric, "a": row.a, "b": row.b, "abs_change": row.abs_change,
        "rel_change": row.rel_change, "ci_low": row.ci_low, "ci_high": row.ci_high,
        "p_value": row.p_value, "q_value": row.q_value, "test": row.test.value,
        "significant": row.significant, "note": row.note.value, "kind": row.kind.value,
        "n_a": row.n_a, "n_b": row.n_b, "total_a": row.total_a, "total_b": row.total_b,
        "adjusted": row.adjusted, "raw_rel_change": row.raw_rel_change, "role": row.role.value,
        "distribution_shift_p": row.shift_p_value,
    }  # fmt: skip


def document(comparison: Comparison) -> dict[str, Any]:
    """Return the comparison as the JSON document of ``compare --json``."""
    doc: dict[str, Any] = {
        "campaign": comparison.campaign,
        "cycles": list(comparison.cycles),
        "design": comparison.design.value,
        "currency": comparison.currency,
        "converted": None
        if comparison.conversion is None
        else {
            "from": list(comparison.conversion.sources),
            "months": [f"{m:%Y-%m}" for m in comparison.conversion.months],
        },
        "metrics": [row_document(r) for r in comparison.rows],
        # Period facts (totals over several days) the day-level tests could not use.
        "left_out": {
            "straddling": comparison.left_out.straddling,
            "without_days": comparison.left_out.without_days,
        },
    }
    if comparison.variants:
        doc["variants"] = list(comparison.variants)
    return doc
