"""Comparing two cycles of a campaign (observational) or two variants of one cycle.

For every canonical and derived metric present, the value per group, the absolute and relative
change, a 95 % interval for the relative change, a p-value and Benjamini–Hochberg q-values across
every metric of the comparison. Two cycles, and variants that are segments (device, team
member…), go through the day-level model with weekday effects (day_model.py): the change is
weekday-standardized, and the row keeps the raw change b/a − 1 beside it. Variants of a
declared randomized split go through the same model blocked by the date instead, paired by the
days they share. Reply times are tested in stats.py. All follow the one data-sufficiency table
of sufficiency.py.

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

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt
import pandas as pd

from experiments import day_model, money, stats
from experiments.compare_rows import Comparison as Comparison
from experiments.compare_rows import Design as Design
from experiments.compare_rows import MetricRow as MetricRow
from experiments.compare_rows import RowRole as RowRole
from experiments.compare_rows import document as document
from experiments.compare_rows import row_document as row_document
from experiments.day_model import Block, Days, Form
from experiments.errors import InvalidInput, NotFound
from experiments.metrics import METRICS, REGISTRY, Aggregation, Better, Metric, Unit, ratio
from experiments.models import Campaign, Cycle, LeftOut, TestPlan
from experiments.store import Store
from experiments.store.cycle_facts import REPLY_TIME_COLUMNS, SUMMED_METRICS
from experiments.sufficiency import Counts, Shortfall, shortfall
from experiments.sufficiency import Kind as Kind

MAX_CYCLES = 5


@dataclass(frozen=True, slots=True)
class Spec:
    key: str
    kind: Kind
    num: str = ""
    den: str = ""
    factor: float = 1.0
    # Money (spend, or a ratio of money) is no count: the day model leaves its scale free.
    money: bool = False


def _spec(m: Metric) -> Spec | None:
    """Return how a comparison reads a registry entry (None: the base reply-time column, which
    is compared through its median and 90th percentile)."""
    if m.aggregation is Aggregation.RATIO:
        return Spec(m.key, Kind.RATE if m.is_rate else Kind.RATIO, m.numerator, m.denominator,
                    m.factor, METRICS[m.numerator].unit is Unit.MONEY)  # fmt: skip
    if m.aggregation is Aggregation.MEDIAN and not m.base:
        return Spec(m.key, Kind.REPLY_MEDIAN)
    if m.aggregation is Aggregation.P90:
        return Spec(m.key, Kind.REPLY_P90)
    if m.aggregation is Aggregation.DAILY_MEAN:
        return Spec(m.key, Kind.REACH)
    if m.aggregation is Aggregation.SUM:
        return Spec(m.key, Kind.AMOUNT, money=m.unit is Unit.MONEY)
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
    weekday: npt.NDArray[np.int64] = field(init=False, repr=False)  # 0 = Monday, per day
    day: npt.NDArray[np.int64] = field(init=False, repr=False)  # the date, as a day number

    def __post_init__(self) -> None:
        dates = pd.to_datetime(self.daily["date"]) if "date" in self.daily else None
        weekday = (
            np.zeros(len(self.daily), dtype=np.int64) if dates is None else dates.dt.day_of_week
        )
        object.__setattr__(self, "weekday", np.asarray(weekday, dtype=np.int64))
        # The date as days since 1970-01-01: variants of a randomized split are paired by it.
        day = np.arange(len(self.daily)) if dates is None else dates.to_numpy("datetime64[D]")
        object.__setattr__(self, "day", np.asarray(day, dtype=np.int64))
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


# -- groups: loading and reading ---------------------------------------------------------------


def present(spec: Spec, groups: Sequence[Group]) -> bool:
    """Return True when a metric has data in at least one of the groups."""
    if spec.kind in (Kind.REPLY_MEDIAN, Kind.REPLY_P90):
        return any(g.replies is not None and len(g.replies) for g in groups)
    if spec.num:
        return any(spec.num in g.columns and spec.den in g.columns for g in groups)
    return any(spec.key in g.columns for g in groups)


def _days(group: Group, spec: Spec) -> np.ndarray:
    """Return which days carry a value of the metric.

    One rule for missing values: a day whose metric is missing is missing for that metric. For a
    ratio that is a day without its numerator or without its denominator: both halves then leave
    the sums, so a day of impressions without a clicks value does not lower the CTR.
    """
    if spec.num:
        return ~np.isnan(group.column(spec.num)) & ~np.isnan(group.column(spec.den))
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


def _replies_test(spec: Spec, ga: Group, gb: Group) -> stats.Result:
    """Return the reply-time rows: the median by its bootstrap, the 90th percentile described."""
    if spec.kind is Kind.REPLY_MEDIAN:
        return stats.compare_medians(_replies(ga), _replies(gb))
    return stats.describe_quantile(_replies(ga), _replies(gb), 0.9)


def _shift(spec: Spec, ga: Group, gb: Group) -> float | None:
    # Beside the median only: the secondary "distribution shifted" check, after the BH family.
    if spec.kind is not Kind.REPLY_MEDIAN:
        return None
    return stats.distribution_shift(_replies(ga), _replies(gb))


def _replies(group: Group) -> np.ndarray:
    return group.replies if group.replies is not None else np.array([], dtype=float)


def _observed(spec: Spec, ga: Group, gb: Group, block: Block = Block.WEEKDAY) -> stats.Result:
    """Return group against group through the day model (day_model.py): blocked by weekday for
    cycles and segments, by the shared dates for a declared randomized split."""
    if spec.kind in (Kind.REPLY_MEDIAN, Kind.REPLY_P90):
        return _replies_test(spec, ga, gb)
    a, b = value(spec, ga), value(spec, gb)
    days_a, days_b = model_days(spec, ga), model_days(spec, gb)
    if block is Block.DAY:
        days_a, days_b = day_model.shared(days_a, days_b)
    base = stats.Result(a, b, stats.rel(a, b), n_a=len(days_a.y), n_b=len(days_b.y))
    if a is None or b is None:
        return replace(base, note=stats.Note.MISSING)
    share = spec.kind is Kind.RATE and all(
        0 <= d.y.sum() <= d.sizes().sum() for d in (days_a, days_b)
    )  # more conversions than clicks is no share: then it is a ratio like any other
    kind = Kind.RATIO if spec.kind is Kind.RATE and not share else spec.kind
    short = shortfall(kind, _counts(days_a, share), _counts(days_b, share))
    if short is not None:
        return replace(base, note=stats.Note.NOT_ENOUGH_DATA, short=short)
    if a == 0:
        return replace(base, note=stats.Note.ZERO_BASELINE)
    form = Form.SHARE if share else Form.MONEY if spec.money else Form.COUNT
    found = day_model.fit(form, days_a, days_b, block)
    if found is None:
        return replace(base, note=stats.Note.NO_VARIATION)
    if isinstance(found, Shortfall):
        return replace(base, note=stats.Note.NOT_ENOUGH_DATA, short=found)
    return replace(base, rel_change=found.rel_change, ci_low=found.ci_low,
                   ci_high=found.ci_high, p_value=found.p_value,
                   test=_METHOD[block, share])  # fmt: skip


_METHOD = {
    (Block.WEEKDAY, True): stats.Method.QUASI_BINOMIAL_WEEKDAY,
    (Block.WEEKDAY, False): stats.Method.QUASI_POISSON_WEEKDAY,
    (Block.DAY, True): stats.Method.QUASI_BINOMIAL_DAY,
    (Block.DAY, False): stats.Method.QUASI_POISSON_DAY,
}
# Where the reported change is weekday-standardized (the "adjusted" of a row). Paired by day,
# both variants stand on the same dates: there is no weekday mix to standardize.
WEEKDAY_ADJUSTED = frozenset(m for (block, _), m in _METHOD.items() if block is Block.WEEKDAY)


def model_days(spec: Spec, group: Group) -> Days:
    """Return the days a day model reads: those with a value, and for a ratio or a share those
    with something to divide by."""
    keep = _days(group, spec)
    if not spec.num:
        return Days(group.weekday[keep], group.column(spec.key)[keep], day=group.day[keep])
    den = group.column(spec.den)
    keep &= den > 0
    return Days(group.weekday[keep], group.column(spec.num)[keep], den[keep], group.day[keep])


def _counts(days: Days, share: bool) -> Counts:
    if not share:
        return Counts(len(days.y))
    events = float(days.y.sum())
    return Counts(len(days.y), events, float(days.sizes().sum()) - events)


def compare_groups(ga: Group, gb: Group, design: Design) -> tuple[MetricRow, ...]:
    """Return one row per metric present in either group, with BH q-values across them.

    Cycles, and variants that are segments (design observational), are compared through the
    day model with weekday effects; variants of a declared randomized split share their days
    and are compared paired by day (the day model blocked by date).
    """
    specs = [s for s in SPECS if present(s, (ga, gb))]
    block = Block.DAY if design is Design.RANDOMIZED else Block.WEEKDAY
    results = [_observed(s, ga, gb, block) for s in specs]
    q_values = stats.benjamini_hochberg([r.p_value for r in results])
    rows = []
    for spec, res, q in zip(specs, results, q_values, strict=True):
        totals = spec.kind is Kind.AMOUNT
        adjusted = res.test in WEEKDAY_ADJUSTED
        rows.append(
            MetricRow(
                spec.key, spec.kind, res.a, res.b, res.abs_change, res.rel_change, res.ci_low,
                res.ci_high, res.p_value, q, res.test, q is not None and q < stats.ALPHA,
                res.note, res.n_a, res.n_b,
                ga.total(spec.key) if totals else None,
                gb.total(spec.key) if totals else None,
                adjusted, stats.rel(res.a, res.b), res.short,
                shift_p_value=_shift(spec, ga, gb),
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
    plans: dict[int, TestPlan] = field(default_factory=dict)  # what each cycle declared
    left_out: dict[int, LeftOut] = field(default_factory=dict)
    currency: str = money.DEFAULT_CURRENCY  # of every amount of the cycles' facts
    conversion: money.Conversion | None = None  # how amounts of other currencies came into it

    def daily(self) -> pd.DataFrame:
        """Return the daily rows of every loaded cycle (column ``number`` tells them apart)."""
        return pd.concat([g.daily for g in self.groups.values()], ignore_index=True)


def find_cycle(store: Store, campaign: Campaign, number: int) -> Cycle:
    """Return a campaign's cycle by number; it must exist and have a start date."""
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
    return tuple(find_cycle(store, campaign, n) for n in numbers)


def load(store: Store, campaign: str | Campaign, numbers: Sequence[int]) -> CycleData:
    """Return the chosen cycles of a campaign with their daily facts (one aggregate query)."""
    camp = campaign if isinstance(campaign, Campaign) else store.campaign_by_name(campaign)
    cycles = _cycles(store, camp, numbers)
    # Amounts of several currencies are refused here, before any of them is added up, unless
    # the admin's rates convert them.
    starts = [c.start for c in cycles if c.start is not None]
    ends = [c.end for c in cycles]
    last = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
    scope = money.scope_currency(store, camp.id, min(starts), last)
    into = scope.currency if scope.conversion else None
    daily = store.cycle_daily(camp.id, [c.number for c in cycles], into)
    groups = {c.number: Group(str(c.number), daily[daily["number"] == c.number]) for c in cycles}
    # Every reply-time value (a reply, or a reported average), as goals and the report read them.
    if any(g.total("rt_rows") for g in groups.values()):
        times = store.cycle_reply_times(camp.id, [c.number for c in cycles])
        groups = {
            n: replace(g, replies=times.loc[times["number"] == n, "response_time_s"].to_numpy())
            for n, g in groups.items()
        }
    plans = {c.number: store.test_plan(c.id) for c in cycles}
    left_out = store.cycle_left_out(camp.id, [c.number for c in cycles])
    return CycleData(camp, cycles, groups, plans, left_out, scope.currency, scope.conversion)


def apply_plan(rows: Sequence[MetricRow], plan: TestPlan | None) -> tuple[MetricRow, ...]:
    """Return the rows as the cycle's declared plan reads them: the primary metric first,
    judged on its own at α = 0.05 (its q-value is its p-value); then the guardrails and every
    other metric, BH-corrected among themselves. Without a plan every row is exploratory."""
    if plan is None or plan.primary is None:
        return tuple(rows)
    primary = [r for r in rows if r.metric == plan.primary]
    rails = sorted((r for r in rows if r.metric in plan.guardrails),
                   key=lambda r: plan.guardrails.index(r.metric))  # fmt: skip
    others = [r for r in rows if r.metric != plan.primary and r.metric not in plan.guardrails]
    family = [*rails, *others]
    q_values = stats.benjamini_hochberg([r.p_value for r in family])
    judged = [replace(r, role=RowRole.PRIMARY, q_value=r.p_value,
                      significant=r.p_value is not None and r.p_value < stats.ALPHA)
              for r in primary]  # fmt: skip
    for r, q in zip(family, q_values, strict=True):
        role = RowRole.GUARDRAIL if r.metric in plan.guardrails else RowRole.EXPLORATORY
        judged.append(replace(r, role=role, q_value=q,
                              significant=q is not None and q < stats.ALPHA))  # fmt: skip
    return tuple(judged)


def compare_loaded(data: CycleData, n: int, m: int) -> Comparison:
    """Return the comparison of cycle m against cycle n of loaded data (design observational),
    read through the plan the later of the two declared."""
    by_number = {c.number: c for c in data.cycles}
    rows = compare_groups(data.groups[n], data.groups[m], Design.OBSERVATIONAL)
    rows = apply_plan(rows, data.plans.get(max(n, m)))
    left_out = data.left_out.get(n, LeftOut()) + data.left_out.get(m, LeftOut())
    return Comparison(data.campaign.name, data.campaign.id, (n, m),
                      (by_number[n].id, by_number[m].id), Design.OBSERVATIONAL, rows,
                      left_out=left_out, currency=data.currency,
                      conversion=data.conversion)  # fmt: skip


def compare(store: Store, campaign: str | Campaign, n: int, m: int) -> Comparison:
    """Return the comparison of cycle m against cycle n of a campaign."""
    return compare_loaded(load(store, campaign, [n, m]), n, m)


def side_by_side(data: CycleData) -> dict[str, dict[int, float | None]]:
    """Return each metric present with its value in every loaded cycle."""
    groups = list(data.groups.values())
    return {
        s.key: {n: value(s, g) for n, g in data.groups.items()} for s in SPECS if present(s, groups)
    }
