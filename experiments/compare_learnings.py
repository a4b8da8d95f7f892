"""From numbers to learnings: what a comparison of cycles offers the learning loop.

Significant changes are suggested as learnings of the later cycle (accepted, edited or
dismissed by a person); learnings carried into the later cycle get a suggested outcome; and
each compared cycle is shown with what was different about it (plan, spend, changes).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, replace
from enum import StrEnum

from experiments import loop
from experiments.compare import Comparison, CycleData, Design, MetricRow, document
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
    SAME_DIRECTION = "same_direction"
    OPPOSITE_DIRECTION = "opposite_direction"
    NO_CLEAR_CHANGE = "no_clear_change"
    NOT_COMPARED = "not_compared"
    NO_EVIDENCE = "no_evidence"


@dataclass(frozen=True, slots=True)
class OutcomeSuggestion:
    """The outcome the comparison suggests for a learning carried into the later cycle."""

    learning: Learning
    outcome: Outcome
    reason: Reason
    metric: str | None = None


def suggest_outcomes(store: Store, comparison: Comparison) -> list[OutcomeSuggestion]:
    """Return a suggested outcome for each learning carried into the later compared cycle.

    A learning resting on a comparison row expects its metric to move the same way again: a
    significant change that way confirms it, the other way contradicts it, anything else is
    inconclusive. A person confirms every outcome.
    """
    if comparison.design is not Design.OBSERVATIONAL:
        return []
    return [_outcome(x, comparison) for x in store.learnings(carried_into=_later(comparison))]


def _outcome(learning: Learning, comparison: Comparison) -> OutcomeSuggestion:
    try:
        evidence = json.loads(learning.evidence_snapshot or "null")
        old = evidence["metrics"][0]
        metric, direction = str(old["metric"]), float(old["abs_change"])
    except (ValueError, KeyError, IndexError, TypeError):
        return OutcomeSuggestion(learning, Outcome.INCONCLUSIVE, Reason.NO_EVIDENCE)
    row = comparison.row(metric)
    if row is None or row.p_value is None or row.abs_change is None:
        return OutcomeSuggestion(learning, Outcome.INCONCLUSIVE, Reason.NOT_COMPARED, metric)
    if not row.significant or direction == 0:
        return OutcomeSuggestion(learning, Outcome.INCONCLUSIVE, Reason.NO_CLEAR_CHANGE, metric)
    if (row.abs_change > 0) == (direction > 0):
        return OutcomeSuggestion(learning, Outcome.CONFIRMED, Reason.SAME_DIRECTION, metric)
    return OutcomeSuggestion(learning, Outcome.CONTRADICTED, Reason.OPPOSITE_DIRECTION, metric)


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


def context(store: Store, data: CycleData) -> list[CycleContext]:
    """Return the context of every loaded cycle, in the order they were chosen."""
    found = []
    for cycle in data.cycles:
        group = data.groups.get(cycle.number)
        spend = group.total("spend") if group is not None else None
        changes = tuple(o.what for o in store.optimizations(cycle.previous_id)) if (
            cycle.previous_id) else ()  # fmt: skip
        carried = tuple(store.learnings(carried_into=cycle.id))
        found.append(CycleContext(cycle, spend, carried, changes))
    return found
