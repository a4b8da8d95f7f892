"""What a cycle tests, declared before its campaign runs (pre-registration), and whether its
variants are a randomized split.

A comparison that looks at every metric will find something by chance; one that said in advance
what it tests can judge that one thing plainly. So a cycle's plan names its **primary metric**
(the way it should move, and the smallest relative change worth acting on) and optionally
**guardrail** metrics that must not get worse, while the cycle is still in start. When the cycle
is compared with the one before, the primary metric is judged at α = 0.05 on its own; every
other metric is exploratory, corrected for multiplicity among themselves (Benjamini–Hochberg)
and labelled so.

Variants inside a cycle are a **randomized** split only when a person declares it (a platform's
A/B test or experiment split the audience at random); otherwise they are segments — device,
placement, team member — that merely differ, and are labelled observational.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import replace

from experiments.errors import Conflict, InvalidInput
from experiments.metrics import METRICS, Better
from experiments.models import Cycle, Phase, TestPlan
from experiments.store import Store

DIRECTIONS = ("up", "down")
MAX_MIN_EFFECT = 10.0  # a change of more than 1,000 % is no threshold


def comparable() -> tuple[str, ...]:
    """Return the metrics a comparison of cycles tests, in its order."""
    # Imported here: the comparison loads statsmodels and scipy, which the command line's
    # start-up must not (every command registers ``cycle plan``, few compare anything).
    from experiments.compare import SPECS

    return tuple(s.key for s in SPECS)


def better_direction(key: str) -> str | None:
    """Return the way a metric should move to be better ('up', 'down'), None for neither."""
    entry = METRICS.get(key)
    if entry is None or entry.better is Better.NEITHER:
        return None
    return "up" if entry.better is Better.UP else "down"


def _metric(key: str, what: str) -> str:
    name = key.strip().lower()
    if name not in comparable():
        raise InvalidInput(
            f"'{key}' is not a metric a comparison tests, so it cannot be the {what}; choose one "
            f"of: {', '.join(comparable())}"
        )
    return name


def editable(cycle: Cycle) -> bool:
    """Return True while what the cycle tests may still be declared (in start)."""
    return cycle.phase is Phase.START


def split_editable(cycle: Cycle) -> bool:
    """Return True while the cycle's design may still be declared (until it is closed)."""
    return cycle.phase is not Phase.CLOSED


def declare(store: Store, cycle_id: uuid.UUID, primary: str, direction: str | None = None,
            min_effect: float | None = None, guardrails: Sequence[str] = (),
            seen: TestPlan | None = None) -> TestPlan:  # fmt: skip
    """Declare what a cycle in start tests; return its plan. Refused once the campaign runs."""
    cycle = store.cycle(cycle_id)
    name = store.campaign(cycle.campaign_id).name
    if not editable(cycle):
        raise Conflict(
            f"cycle {cycle.number} of '{name}' is in {cycle.phase}: what a cycle tests is "
            "declared in start, before its campaign runs; declare it for the next cycle"
        )
    key = _metric(primary, "primary metric")
    way = (direction or better_direction(key) or "").strip().lower()
    if way not in DIRECTIONS:
        raise InvalidInput(
            f"say whether {key} should go up or down for the cycle to succeed (direction up or "
            "down)"
        )
    if (
        min_effect is not None
        and not (0 < min_effect <= MAX_MIN_EFFECT)
        or (min_effect is not None and not math.isfinite(min_effect))
    ):
        raise InvalidInput(
            f"the smallest change worth acting on is a share above 0 and at most "
            f"{MAX_MIN_EFFECT:g} (0.1 = 10 %); got {min_effect:g}"
        )
    rails = tuple(dict.fromkeys(_metric(g, "guardrail") for g in guardrails))
    if key in rails:
        raise InvalidInput(f"{key} is the primary metric; a guardrail is another metric")
    current = store.test_plan(cycle.id)
    return store.save_test_plan(
        replace(current, primary=key, direction=way, min_effect=min_effect, guardrails=rails),
        seen,
    )


def declare_split(store: Store, cycle_id: uuid.UUID, randomized: bool,
                  seen: TestPlan | None = None) -> TestPlan:  # fmt: skip
    """Declare whether a cycle's variants are a randomized split; return its plan."""
    cycle = store.cycle(cycle_id)
    if not split_editable(cycle):
        name = store.campaign(cycle.campaign_id).name
        raise Conflict(f"cycle {cycle.number} of '{name}' is closed; its design is final")
    current = store.test_plan(cycle.id)
    return store.save_test_plan(replace(current, randomized=randomized), seen)
