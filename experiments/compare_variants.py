"""Variants inside one cycle (ad sets, ads, creatives): loading them, comparing two of them, and
each variant's rate with its Wilson interval for the chart."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from experiments import money, stats
from experiments.compare import SPEC, Comparison, Design, Group, compare_groups, find_cycle
from experiments.errors import InvalidInput, NotFound
from experiments.models import Campaign, Cycle
from experiments.store import Store


def _has(frame: pd.DataFrame, column: str) -> bool:
    return column in frame and bool(frame[column].notna().any())


def load_variants(store: Store, campaign: str | Campaign, number: int) -> dict[str, Group]:
    """Return the groups of a cycle's variants, the most shown (or sent, or used) first."""
    return load_variants_money(store, campaign, number)[0]


def load_variants_money(
    store: Store, campaign: str | Campaign, number: int
) -> tuple[dict[str, Group], money.MoneyScope]:
    """Return the groups of a cycle's variants, the most shown (or sent, or used) first, and
    the one currency of their money (converted at the admin's rates where they are mixed)."""
    camp = campaign if isinstance(campaign, Campaign) else store.campaign_by_name(campaign)
    cycle = find_cycle(store, camp, number)
    # Amounts of several currencies are refused here, before any is added up, unless the
    # admin's rates convert them.
    scope = money.scope_currency(store, camp.id, cycle.start, cycle.end)
    daily = store.variant_daily(camp.id, number, scope.currency if scope.conversion else None)
    size = next((c for c in ("impressions", "deliveries", "sessions", "replies") if _has(daily, c)),
                None)  # fmt: skip
    weight = daily.groupby("variant")[size].sum() if size else daily.groupby("variant").size()
    order = weight.sort_values(ascending=False, kind="stable").index
    parts = dict(tuple(daily.groupby("variant", sort=False)))
    return {str(v): Group(str(v), parts[v]) for v in order}, scope


def compare_variants(
    campaign: Campaign,
    cycle: Cycle,
    groups: dict[str, Group],
    va: str,
    vb: str,
    randomized: bool = False,
    scope: money.MoneyScope | None = None,
) -> Comparison:
    """Return the comparison of variant vb against va inside one cycle: design randomized only
    where the cycle's variants were declared a randomized split (test_plans.declare_split), and
    then tested paired by the days both share; otherwise they are segments that merely differ
    (device, placement, team member …), and the comparison is observational, through the
    weekday day model as for two cycles."""
    if va == vb:
        raise InvalidInput("pick two different variants to compare")
    for v in (va, vb):
        if v not in groups:
            raise NotFound(f"cycle {cycle.number} has no variant '{v}'")
    design = Design.RANDOMIZED if randomized else Design.OBSERVATIONAL
    rows = compare_groups(groups[va], groups[vb], design)
    scope = scope or money.MoneyScope(money.DEFAULT_CURRENCY)  # from load_variants
    return Comparison(campaign.name, campaign.id, (cycle.number, cycle.number),
                      (cycle.id, cycle.id), design, rows, (va, vb), currency=scope.currency,
                      conversion=scope.conversion)  # fmt: skip


@dataclass(frozen=True, slots=True)
class VariantRate:
    variant: str
    events: float
    trials: float
    rate: float | None
    low: float | None  # Wilson interval of the rate
    high: float | None


def variant_rates(groups: dict[str, Group], metric: str, limit: int = 15) -> list[VariantRate]:
    """Return the rate of the first ``limit`` variants with its Wilson interval (variants
    without data are left out)."""
    spec = SPEC[metric]
    found: list[VariantRate] = []
    for name, group in groups.items():
        if len(found) == limit:
            break
        events, trials = group.total(spec.num), group.total(spec.den)
        if events is None or not trials:
            continue
        bounds = stats.wilson(events, trials)
        low, high = bounds if bounds else (None, None)
        found.append(VariantRate(name, events, trials, events / trials, low, high))
    return found
