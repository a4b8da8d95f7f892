"""Comparing two cycles of a campaign (observational) or two variants of one cycle (randomized).

For every canonical and derived metric present, the value per group, the absolute and relative
change, a 95 % interval for the relative change, the p-value of the test that fits the metric
(see stats.py) and Benjamini–Hochberg q-values across every metric of the comparison.

How each metric is read (one registry below, not an if-chain per metric):
* amounts and counts are compared per day, because cycles differ in length: the value is the mean
  per day with data, the total is kept alongside;
* reach is de-duplicated by the platforms, so it is never added up across days: its value is the
  mean daily reach, and it has no total;
* rates and ratios are ratios of the cycle's sums (ctr = Σclicks/Σimpressions);
* reply times: the median and the 90th percentile of the reply-time values (one per fact row:
  a reply, or a day's reported average), the same median goals and the report show; the 90th
  percentile is descriptive only.

Which kind a metric is, and which way is better, come from the registry in metrics.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from experiments import stats
from experiments.errors import InvalidInput, NotFound
from experiments.metrics import METRICS, REGISTRY, Aggregation, Better, Metric, ratio
from experiments.models import Campaign, Cycle, LeftOut
from experiments.store import Store
from experiments.store.cycle_facts import REPLY_TIME_COLUMNS, SUMMED_METRICS

MAX_CYCLES = 5


class Design(StrEnum):
    OBSERVATIONAL = "observational"
    RANDOMIZED = "randomized"


class Kind(StrEnum):
    RATE = "rate"  # a share of events: two-proportion z-test on the sums
    RATIO = "ratio"  # a ratio of two sums that is not a share: linearised daily Welch
    AMOUNT = "amount"  # an amount or count per day: Welch on the daily values
    REACH = "reach"  # mean daily reach: Welch on the daily values, never summed
    REPLY_MEDIAN = "reply_median"  # median reply time: Mann–Whitney U
    REPLY_P90 = "reply_p90"  # 90th percentile reply time: descriptive only


@dataclass(frozen=True, slots=True)
class Spec:
    key: str
    kind: Kind
    num: str = ""
    den: str = ""
    factor: float = 1.0


def _spec(m: Metric) -> Spec | None:
    """Return how a comparison reads a registry entry (None: the base reply-time column, which
    is compared through its median and 90th percentile)."""
    if m.aggregation is Aggregation.RATIO:
        return Spec(m.key, Kind.RATE if m.is_rate else Kind.RATIO, m.numerator, m.denominator,
                    m.factor)  # fmt: skip
    if m.aggregation is Aggregation.MEDIAN and not m.base:
        return Spec(m.key, Kind.REPLY_MEDIAN)
    if m.aggregation is Aggregation.P90:
        return Spec(m.key, Kind.REPLY_P90)
    if m.aggregation is Aggregation.DAILY_MEAN:
        return Spec(m.key, Kind.REACH)
    if m.aggregation is Aggregation.SUM:
        return Spec(m.key, Kind.AMOUNT)
    return None


# Derived keys first (the headline rates), then reply times, then the amounts per day.
_ORDER = {Aggregation.RATIO: 0, Aggregation.MEDIAN: 1, Aggregation.P90: 1}
SPECS: tuple[Spec, ...] = tuple(
    s for s in (_spec(m) for m in sorted(REGISTRY, key=lambda m: _ORDER.get(m.aggregation, 2)))
    if s is not None
)  # fmt: skip
SPEC = {s.key: s for s in SPECS}


def better(metric: str, change: float | None) -> bool | None:
    """Return whether a change of a metric is an improvement (None: neither, or no change)."""
    entry = METRICS.get(metric)
    if change is None or change == 0 or entry is None or entry.better is Better.NEITHER:
        return None
    return (change > 0) == (entry.better is Better.UP)


_COLUMNS = (*SUMMED_METRICS, *REPLY_TIME_COLUMNS)


@dataclass(frozen=True, eq=False)
class Group:
    """The facts of one cycle (or one variant): one row per day, and its reply-time values."""

    label: str
    daily: pd.DataFrame
    replies: np.ndarray | None = None
    # Each column with data as an array over the days, read once: every metric's test reuses it.
    columns: dict[str, npt.NDArray[np.float64]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        arrays = {}
        for name in _COLUMNS:
            if name in self.daily:
                values = self.daily[name].to_numpy(dtype=float, na_value=np.nan)
                if not np.isnan(values).all():
                    arrays[name] = values
        object.__setattr__(self, "columns", arrays)

    def column(self, name: str) -> npt.NDArray[np.float64]:
        """Return a column over the days (all NaN where the group has no value of it)."""
        found = self.columns.get(name)
        return found if found is not None else np.full(len(self.daily), np.nan)

    def total(self, name: str, days: np.ndarray | None = None) -> float | None:
        """Return the sum of a column over all days (or the chosen ones); None without values."""
        values = self.columns.get(name)
        if values is None:
            return None
        values = values if days is None else values[days]
        return None if np.isnan(values).all() else float(np.nansum(values))


@dataclass(frozen=True, slots=True)
class MetricRow:
    metric: str
    kind: Kind
    a: float | None
    b: float | None
    abs_change: float | None
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

    @property
    def tested(self) -> int:
        """Return how many metrics got a p-value (the size of the BH family)."""
        return sum(r.p_value is not None for r in self.rows)

    def row(self, metric: str) -> MetricRow | None:
        """Return the row of one metric, if it was compared."""
        return next((r for r in self.rows if r.metric == metric), None)


# -- groups: loading and reading ---------------------------------------------------------------


def _has(frame: pd.DataFrame, column: str) -> bool:
    return column in frame and bool(frame[column].notna().any())


def present(spec: Spec, groups: Sequence[Group]) -> bool:
    """Return True when a metric has data in at least one of the groups."""
    if spec.kind in (Kind.REPLY_MEDIAN, Kind.REPLY_P90):
        return any(g.replies is not None and len(g.replies) for g in groups)
    if spec.num:
        return any(spec.num in g.columns and spec.den in g.columns for g in groups)
    return any(spec.key in g.columns for g in groups)


def _days(group: Group, spec: Spec) -> np.ndarray:
    """Return which days carry a value of the metric."""
    if spec.num:
        return ~np.isnan(group.column(spec.num)) | ~np.isnan(group.column(spec.den))
    return ~np.isnan(group.column(spec.key))


def value(spec: Spec, group: Group) -> float | None:
    """Return the metric's value for one group, as the comparison shows it."""
    days = _days(group, spec)
    if spec.kind is Kind.RATE or spec.kind is Kind.RATIO:
        return ratio(group.total(spec.num, days), group.total(spec.den, days), spec.factor)
    if spec.kind in (Kind.REPLY_MEDIAN, Kind.REPLY_P90):
        if group.replies is None or not len(group.replies):
            return None
        return float(np.quantile(group.replies, 0.5 if spec.kind is Kind.REPLY_MEDIAN else 0.9))
    values = group.column(spec.key)[days]
    return float(values.mean()) if len(values) else None


def daily_value(spec: Spec, frame: pd.DataFrame) -> pd.Series:
    """Return the metric's value on each day of a daily frame (NaN where a day has none)."""
    if spec.num:
        if spec.num not in frame:
            return pd.Series(np.nan, index=frame.index)
        den = frame[spec.den].where(frame[spec.den] != 0)
        return spec.factor * frame[spec.num] / den
    return frame[spec.key] if spec.key in frame else pd.Series(np.nan, index=frame.index)


def _test(spec: Spec, ga: Group, gb: Group) -> stats.Result:
    da, db = _days(ga, spec), _days(gb, spec)
    if spec.kind is Kind.RATE:
        xa, na = ga.total(spec.num, da), ga.total(spec.den, da)
        xb, nb = gb.total(spec.num, db), gb.total(spec.den, db)
        if _share(xa, na) and _share(xb, nb):
            result = stats.compare_rates(xa, na, xb, nb)
            if result.p_value is None or not (_swings(ga, spec, da) or _swings(gb, spec, db)):
                return result
            days = _ratio_test(spec, ga, gb, da, db)
            return (
                replace(days, note=stats.Note.OVERDISPERSED) if days.p_value is not None else days
            )
    if spec.num:  # ratios, and "rates" with more events than trials (not a share then)
        return _ratio_test(spec, ga, gb, da, db)
    if spec.kind is Kind.REPLY_MEDIAN:
        return stats.compare_medians(_replies(ga), _replies(gb))
    if spec.kind is Kind.REPLY_P90:
        return stats.describe_quantile(_replies(ga), _replies(gb), 0.9)
    return stats.compare_means(ga.column(spec.key)[da], gb.column(spec.key)[db])


def _swings(group: Group, spec: Spec, days: np.ndarray) -> bool:
    return stats.overdispersed(group.column(spec.num)[days], group.column(spec.den)[days])


def _ratio_test(spec: Spec, ga: Group, gb: Group, da: np.ndarray, db: np.ndarray) -> stats.Result:
    num, den = spec.num, spec.den
    return stats.compare_ratios(ga.column(num)[da], ga.column(den)[da], gb.column(num)[db],
                                gb.column(den)[db], spec.factor)  # fmt: skip


def _share(events: float | None, trials: float | None) -> bool:
    # More events than trials (cvr with several conversions per click) is no share: compare the
    # ratio through its days instead. A missing half stays a share: compare_rates says "missing".
    return events is None or trials is None or 0 <= events <= trials


def _replies(group: Group) -> np.ndarray:
    return group.replies if group.replies is not None else np.array([], dtype=float)


def compare_groups(ga: Group, gb: Group) -> tuple[MetricRow, ...]:
    """Return one row per metric present in either group, with BH q-values across them."""
    specs = [s for s in SPECS if present(s, (ga, gb))]
    results = [_test(s, ga, gb) for s in specs]
    q_values = stats.benjamini_hochberg([r.p_value for r in results])
    rows = []
    for spec, res, q in zip(specs, results, q_values, strict=True):
        totals = spec.kind is Kind.AMOUNT
        rows.append(
            MetricRow(
                spec.key, spec.kind, res.a, res.b, res.abs_change, res.rel_change, res.ci_low,
                res.ci_high, res.p_value, q, res.test, q is not None and q < stats.ALPHA,
                res.note, res.n_a, res.n_b,
                ga.total(spec.key) if totals else None,
                gb.total(spec.key) if totals else None,
            )
        )  # fmt: skip
    return tuple(rows)


# -- cycles of a campaign ----------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class CycleData:
    """The campaign, the chosen cycles and their facts, loaded once for a page or a command."""

    campaign: Campaign
    cycles: tuple[Cycle, ...]
    groups: dict[int, Group] = field(default_factory=dict)
    left_out: dict[int, LeftOut] = field(default_factory=dict)

    def daily(self) -> pd.DataFrame:
        """Return the daily rows of every loaded cycle (column ``number`` tells them apart)."""
        return pd.concat([g.daily for g in self.groups.values()], ignore_index=True)


def _cycle(store: Store, campaign: Campaign, number: int) -> Cycle:
    known = {c.number: c for c in store.cycles(campaign.id)}
    if number not in known:
        has = ", ".join(str(k) for k in sorted(known)) or "none yet"
        raise NotFound(f"campaign '{campaign.name}' has no cycle {number} (its cycles: {has})")
    if known[number].start is None:
        raise InvalidInput(
            f"cycle {number} of '{campaign.name}' has no start date; set its window first"
        )
    return known[number]


def _cycles(store: Store, campaign: Campaign, numbers: Sequence[int]) -> tuple[Cycle, ...]:
    if len(numbers) > MAX_CYCLES:
        raise InvalidInput(f"compare at most {MAX_CYCLES} cycles side by side (got {len(numbers)})")
    if len(set(numbers)) < len(numbers) or len(numbers) < 2:
        raise InvalidInput("pick two different cycles to compare, e.g. --cycles 1 2")
    return tuple(_cycle(store, campaign, n) for n in numbers)


def load(store: Store, campaign: str | Campaign, numbers: Sequence[int]) -> CycleData:
    """Return the chosen cycles of a campaign with their daily facts (one aggregate query)."""
    camp = campaign if isinstance(campaign, Campaign) else store.campaign_by_name(campaign)
    cycles = _cycles(store, camp, numbers)
    daily = store.cycle_daily(camp.id, [c.number for c in cycles])
    groups = {c.number: Group(str(c.number), daily[daily["number"] == c.number]) for c in cycles}
    # Every reply-time value (a reply, or a reported average), as goals and the report read them.
    if any(g.total("rt_rows") for g in groups.values()):
        times = store.cycle_reply_times(camp.id, [c.number for c in cycles])
        groups = {
            n: replace(g, replies=times.loc[times["number"] == n, "response_time_s"].to_numpy())
            for n, g in groups.items()
        }
    left_out = store.cycle_left_out(camp.id, [c.number for c in cycles])
    return CycleData(camp, cycles, groups, left_out)


def compare_loaded(data: CycleData, n: int, m: int) -> Comparison:
    """Return the comparison of cycle m against cycle n of loaded data (design observational)."""
    by_number = {c.number: c for c in data.cycles}
    rows = compare_groups(data.groups[n], data.groups[m])
    left_out = data.left_out.get(n, LeftOut()) + data.left_out.get(m, LeftOut())
    return Comparison(data.campaign.name, data.campaign.id, (n, m),
                      (by_number[n].id, by_number[m].id), Design.OBSERVATIONAL, rows,
                      left_out=left_out)  # fmt: skip


def compare(store: Store, campaign: str | Campaign, n: int, m: int) -> Comparison:
    """Return the comparison of cycle m against cycle n of a campaign."""
    return compare_loaded(load(store, campaign, [n, m]), n, m)


def side_by_side(data: CycleData) -> dict[str, dict[int, float | None]]:
    """Return each metric present with its value in every loaded cycle."""
    groups = list(data.groups.values())
    return {
        s.key: {n: value(s, g) for n, g in data.groups.items()} for s in SPECS if present(s, groups)
    }


# -- variants inside one cycle -----------------------------------------------------------------


def load_variants(store: Store, campaign: str | Campaign, number: int) -> dict[str, Group]:
    """Return the groups of a cycle's variants, the most shown (or sent, or used) first."""
    camp = campaign if isinstance(campaign, Campaign) else store.campaign_by_name(campaign)
    _cycle(store, camp, number)
    daily = store.variant_daily(camp.id, number)
    size = next((c for c in ("impressions", "deliveries", "sessions", "replies") if _has(daily, c)),
                None)  # fmt: skip
    weight = daily.groupby("variant")[size].sum() if size else daily.groupby("variant").size()
    order = weight.sort_values(ascending=False, kind="stable").index
    parts = dict(tuple(daily.groupby("variant", sort=False)))
    return {str(v): Group(str(v), parts[v]) for v in order}


def compare_variants(
    campaign: Campaign, cycle: Cycle, groups: dict[str, Group], va: str, vb: str
) -> Comparison:
    """Return the comparison of variant vb against va inside one cycle (design randomized)."""
    if va == vb:
        raise InvalidInput("pick two different variants to compare")
    for v in (va, vb):
        if v not in groups:
            raise NotFound(f"cycle {cycle.number} has no variant '{v}'")
    rows = compare_groups(groups[va], groups[vb])
    return Comparison(campaign.name, campaign.id, (cycle.number, cycle.number),
                      (cycle.id, cycle.id), Design.RANDOMIZED, rows, (va, vb))  # fmt: skip


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


# -- rows as documents (JSON output and evidence snapshots) -------------------------------------


def row_document(row: MetricRow) -> dict[str, Any]:
    """Return a comparison row with the keys DESIGN.md names (and a few more)."""
    return {
        "metric": row.metric, "a": row.a, "b": row.b, "abs_change": row.abs_change,
        "rel_change": row.rel_change, "ci_low": row.ci_low, "ci_high": row.ci_high,
        "p_value": row.p_value, "q_value": row.q_value, "test": row.test.value,
        "significant": row.significant, "note": row.note.value, "kind": row.kind.value,
        "n_a": row.n_a, "n_b": row.n_b, "total_a": row.total_a, "total_b": row.total_b,
    }  # fmt: skip


def document(comparison: Comparison) -> dict[str, Any]:
    """Return the comparison as the JSON document of ``compare --json``."""
    doc: dict[str, Any] = {
        "campaign": comparison.campaign,
        "cycles": list(comparison.cycles),
        "design": comparison.design.value,
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
