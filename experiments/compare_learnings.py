"""From numbers to learnings: what a comparison of cycles offers the learning loop.

Significant changes are suggested as learnings of the later cycle (accepted, edited or
dismissed by a person); learnings carried into the later cycle get a suggested outcome; and
each compared cycle is shown with what was different about it (plan, spend, changes).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from experiments import compare, loop, money
from experiments.compare import Comparison, CycleData, Design, MetricRow, document
from experiments.errors import TrackerError
from experiments.models import Cycle, Learning, Outcome, Phase
from experiments.store import Store, to_json

# -- from numbers to learnings -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A significant change offered as a learning of the later cycle, with its frozen evidence."""

    key: str
    cycle_id: uuid.UUID
    row: MetricRow
    snapshot: str


def _later(comparison: Comparison) -> uuid.UUID:
    a, b = comparison.cycles
    return comparison.cycle_ids[1] if b >= a else comparison.cycle_ids[0]


def closed_for_learnings(store: Store, comparison: Comparison) -> bool:
    """Return True when the later cycle is closed: its learnings and decisions are final."""
    return store.cycle(_later(comparison)).phase is Phase.CLOSED


def suggestions(store: Store, comparison: Comparison) -> list[Suggestion]:
    """Return the significant changes not yet accepted or dismissed, as suggested learnings.

    None are offered into a closed cycle: a new learning there could never be decided.
    """
    later = _later(comparison)
    if closed_for_learnings(store, comparison):
        return []
    taken = {_snapshot_key(x.evidence_snapshot) for x in store.learnings(cycle_id=later)}
    taken |= {_snapshot_key(text) for text in store.dismissed_suggestions(later)}
    ids = ":".join(str(i) for i in comparison.cycle_ids)
    found = []
    for row in comparison.rows:
        key = f"{comparison.design.value}:{ids}:{'|'.join(comparison.variants or ())}:{row.metric}"
        if row.significant and key not in taken:
            snapshot = {**document(replace(comparison, rows=(row,))), "key": key}
            found.append(Suggestion(key, later, row, to_json(snapshot)))
    return found


def _snapshot_key(text: str | None) -> str | None:
    try:
        value = json.loads(text) if text else None
    except ValueError:
        return None
    return value.get("key") if isinstance(value, dict) else None


def accept(store: Store, suggestion: Suggestion, statement: str, evidence: str = "") -> Learning:
    """Store the suggestion (its statement possibly edited) as a pending learning; return it."""
    # Through the loop: a pending learning goes only into a cycle that is still open.
    return loop.add_learning(store, suggestion.cycle_id, statement, evidence,
                             ("compare", suggestion.row.metric),
                             evidence_snapshot=suggestion.snapshot)  # fmt: skip


def dismiss(store: Store, suggestion: Suggestion) -> str:
    """Dismiss a suggestion: nothing is stored but an audit entry; return the suggestion's key."""
    store.dismiss_suggestion(suggestion.cycle_id, json.loads(suggestion.snapshot))
    return suggestion.key


class Reason(StrEnum):
    HOLDS = "holds"
    REVERSED = "reversed"
    NOT_CLEAR = "not_clear"
    NOT_COMPARED = "not_compared"
    NO_EVIDENCE = "no_evidence"


@dataclass(frozen=True, slots=True)
class OutcomeSuggestion:
    """The outcome the comparison suggests for a learning carried into the later cycle, and
    the cycle its effect was judged against."""

    learning: Learning
    outcome: Outcome
    reason: Reason
    metric: str | None = None
    against: int | None = None


def suggest_outcomes(store: Store, comparison: Comparison) -> list[OutcomeSuggestion]:
    """Return a suggested outcome for each learning carried into the later compared cycle.

    A learning resting on a comparison row claims that its metric moved one way from the
    baseline it was measured against. It is judged in the cycle it was carried into, against
    that same baseline: the effect **holds** (confirmed) when the metric is still clearly on the
    claimed side of the baseline; it is **contradicted** when the interval lies wholly on the
    other side; anything else is inconclusive. (Asking the metric to move the same way *again*
    between the two later cycles would call an effect that simply lasts "inconclusive".) Each
    learning makes one claim, judged by its own 95 % interval without a multiplicity penalty.
    A person confirms every outcome.
    """
    if comparison.design is not Design.OBSERVATIONAL or comparison.variants is not None:
        return []  # outcomes are judged between cycles, not between a cycle's variants
    later = max(comparison.cycles)
    judged: dict[int, Comparison | None] = {min(comparison.cycles): comparison}

    def against(baseline: int) -> Comparison | None:
        if baseline not in judged:
            judged[baseline] = _against(store, comparison, baseline, later)
        return judged[baseline]

    return [_outcome(x, against, min(comparison.cycles))
            for x in store.learnings(carried_into=_later(comparison))]  # fmt: skip


def _against(store: Store, comparison: Comparison, baseline: int, later: int) -> Comparison | None:
    if baseline >= later:
        return None
    try:
        return compare.compare(store, comparison.campaign, baseline, later)
    except TrackerError:  # the baseline cycle is gone or has no window any more
        return None


def _claim(learning: Learning) -> tuple[str, float, int | None] | None:
    try:
        evidence = json.loads(learning.evidence_snapshot or "null")
        old = evidence["metrics"][0]
        cycles = evidence.get("cycles") or [None]
        return str(old["metric"]), float(old["abs_change"]), cycles[0]
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return None


def _outcome(learning: Learning, against: Callable[[int], Comparison | None],
             default_baseline: int) -> OutcomeSuggestion:  # fmt: skip
    claim = _claim(learning)
    if claim is None or claim[1] == 0:
        return OutcomeSuggestion(learning, Outcome.INCONCLUSIVE, Reason.NO_EVIDENCE)
    metric, direction, baseline = claim
    number = baseline if isinstance(baseline, int) else default_baseline
    judged = against(number)
    row = judged.row(metric) if judged is not None else None
    if row is None or row.p_value is None or row.ci_low is None or row.ci_high is None:
        return OutcomeSuggestion(learning, Outcome.INCONCLUSIVE, Reason.NOT_COMPARED, metric,
                                 number)  # fmt: skip
    # The interval of the change since the baseline, signed so that the claim is "above 0".
    low, high = (row.ci_low, row.ci_high) if direction > 0 else (-row.ci_high, -row.ci_low)
    if low > 0:
        return OutcomeSuggestion(learning, Outcome.CONFIRMED, Reason.HOLDS, metric, number)
    if high < 0:
        return OutcomeSuggestion(learning, Outcome.CONTRADICTED, Reason.REVERSED, metric, number)
    return OutcomeSuggestion(learning, Outcome.INCONCLUSIVE, Reason.NOT_CLEAR, metric, number)


def confirm_outcome(store: Store, comparison: Comparison, learning_id: uuid.UUID,
        outcome: Outcome, seen: Learning | None = None) -> Learning:  # fmt: skip
    """Record the outcome a person confirmed for a learning carried into the later cycle;
    ``seen`` is the learning as the person saw it (a change made since is refused)."""
    return loop.set_outcome(store, learning_id, _later(comparison), outcome, seen)


# -- what was different between the cycles ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CycleContext:
    """What a cycle set out to do, next to its numbers: plan, budget, spend, what it changed."""

    cycle: Cycle
    spend: float | None
    carried_in: tuple[Learning, ...]
    # The optimizations planned in the cycle before: the changes this cycle was to bring.
    changes: tuple[str, ...]
    # The budget is typed in the account currency; the spend is in data.currency.
    budget_currency: str = money.DEFAULT_CURRENCY


def context(store: Store, data: CycleData) -> list[CycleContext]:
    """Return the context of every loaded cycle, in the order they were chosen."""
    found = []
    account = money.account_currency(store, data.campaign.id)
    for cycle in data.cycles:
        group = data.groups.get(cycle.number)
        spend = group.total("spend") if group is not None else None
        changes = tuple(o.what for o in store.optimizations(cycle.previous_id)) if (
            cycle.previous_id) else ()  # fmt: skip
        carried = tuple(store.learnings(carried_into=cycle.id))
        found.append(CycleContext(cycle, spend, carried, changes, account))
    return found
