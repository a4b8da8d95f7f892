"""The compare page's view model: which cycles can be compared and in which order, each cycle's
change against its reference, the tone of every clear change, and what to say when a comparison
cannot be made. The page reads its widgets, calls these functions and renders what they return.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from experiments import compare, compare_control
from experiments import compare_learnings as cl
from experiments import compare_variants as cvar
from experiments.compare import Comparison, CycleData, Group, Kind, MetricRow
from experiments.compare_control import ControlReading
from experiments.compare_variants import VariantRate
from experiments.models import Campaign, Cycle
from experiments.money import DEFAULT_CURRENCY, MoneyScope
from experiments.store import Store

# Okabe–Ito colours, ordered so that any first few stay far apart with normal vision and with
# each common colour-vision deficiency (their bluish green sits too close to the blue for
# tritanopes, so black takes its place); one per cycle shown side by side (compare.MAX_CYCLES).
PALETTE: tuple[str, ...] = ("#0072B2", "#E69F00", "#000000", "#CC79A7", "#D55E00")

# Reply-time quantiles come from the single replies, not from days: they have no daily series.
_NO_SERIES = frozenset({Kind.REPLY_MEDIAN, Kind.REPLY_P90})


class Blocked(StrEnum):
    """Why there is nothing to compare; each value has its text compare.<value>."""

    NEEDS_TWO_CYCLES = "needs_two_cycles"
    SAME_CYCLE = "same_cycle"
    NO_FACTS = "no_facts"
    NO_VARIANTS = "no_variants"
    SAME_VARIANT = "same_variant"


class Reference(StrEnum):
    """What each further cycle's change is measured against."""

    BASELINE = "baseline"  # the chosen baseline cycle
    PREVIOUS = "previous"  # the cycle shown just before it


class Tone(StrEnum):
    """How a clear change reads: an improvement, a worsening, or neither (spend, volume)."""

    BETTER = "better"
    WORSE = "worse"
    NEUTRAL = "neutral"


@dataclass(frozen=True, slots=True)
class Picker:
    """The cycles a campaign offers for comparison and the pair chosen by default."""

    numbers: tuple[int, ...]
    baseline: int | None
    compared: int | None
    blocked: Blocked | None


@dataclass(frozen=True, slots=True)
class Clear:
    """A clear (significant) change of one metric, with which way it went and how it reads."""

    row: MetricRow
    rising: bool
    tone: Tone


@dataclass(frozen=True, slots=True)
class Pair:
    """One cycle's change against its reference cycle, for one column of the table."""

    reference: int
    cycle: int
    comparison: Comparison

    def change(self, metric: str) -> float | None:
        """Return the relative change of a metric in this pair (None when it was not compared)."""
        row = self.comparison.row(metric)
        return None if row is None else row.rel_change

    def ends(self, metric: str) -> tuple[float | None, float | None]:
        """Return the metric's value in the reference cycle and in this one (None: not compared)."""
        row = self.comparison.row(metric)
        return (None, None) if row is None else (row.a, row.b)


@dataclass(frozen=True, eq=False)
class CyclesView:
    """Everything the cycle part of the compare page shows, decided once."""

    data: CycleData
    numbers: tuple[int, ...]  # ordered by cycle number
    comparison: Comparison  # the compared cycle against the baseline: tests, verdicts, forest
    reference: Reference
    pairs: tuple[Pair, ...]  # one per cycle that gets a change column, in cycle order
    values: dict[str, dict[int, float | None]]
    clear: tuple[Clear, ...]
    colours: dict[int, str]
    series_metrics: tuple[str, ...]
    blocked: Blocked | None


@dataclass(frozen=True, eq=False)
class VariantsView:
    """Two variants of one cycle compared (randomized only where declared), or why they cannot
    be."""

    comparison: Comparison | None
    clear: tuple[Clear, ...]
    rate_metric: str | None  # the rate whose per-variant chart is shown
    rates: tuple[VariantRate, ...]
    blocked: Blocked | None


@dataclass(frozen=True, slots=True)
class LearningOffer:
    """The suggested learnings of a comparison, and whether the later cycle is closed to them."""

    suggestions: tuple[cl.Suggestion, ...]
    closed: bool


def picker(store: Store, campaign: Campaign) -> Picker:
    """Return the cycles with a start date, the latest two as the default pair."""
    numbers = tuple(sorted(c.number for c in store.cycles(campaign.id) if c.start is not None))
    if len(numbers) < 2:
        return Picker(numbers, None, None, Blocked.NEEDS_TWO_CYCLES)
    return Picker(numbers, numbers[-2], numbers[-1], None)


def extra_choices(numbers: Sequence[int], baseline: int, compared: int) -> tuple[int, ...]:
    """Return the cycles that may be shown beside the compared pair."""
    return tuple(n for n in numbers if n not in (baseline, compared))


def shown(baseline: int, compared: int, also: Sequence[int]) -> tuple[int, ...]:
    """Return the cycles to show, ordered by number, each once."""
    return tuple(sorted({baseline, compared, *also}))


def tone(row: MetricRow) -> Tone:
    """Return whether a row's change is an improvement, a worsening or neither."""
    good = compare.better(row.metric, row.abs_change)
    return Tone.NEUTRAL if good is None else Tone.BETTER if good else Tone.WORSE


def clear_changes(comparison: Comparison) -> tuple[Clear, ...]:
    """Return the significant rows of a comparison with their direction and tone."""
    return tuple(
        Clear(r, (r.abs_change or 0) > 0, tone(r)) for r in comparison.rows if r.significant
    )


def colours(numbers: Sequence[int]) -> dict[int, str]:
    """Return one clearly distinct colour per shown cycle, in cycle order."""
    return {n: PALETTE[i % len(PALETTE)] for i, n in enumerate(numbers)}


def _references(
    numbers: tuple[int, ...], baseline: int, reference: Reference
) -> list[tuple[int, int]]:
    if reference is Reference.PREVIOUS:
        return list(zip(numbers, numbers[1:], strict=False))
    return [(baseline, n) for n in numbers if n != baseline]


def cycles(
    store: Store,
    campaign: Campaign,
    baseline: int,
    compared: int,
    also: Sequence[int] = (),
    reference: Reference = Reference.BASELINE,
) -> CyclesView | Blocked:
    """Return the comparison of the chosen cycles, or why it cannot be made."""
    if baseline == compared:
        return Blocked.SAME_CYCLE
    numbers = shown(baseline, compared, also)
    data = compare.load(store, campaign, numbers)
    comparison = compare.compare_loaded(data, baseline, compared)
    main = (baseline, compared)
    # The compared pair always has its column: its interval, q-value and reading are shown.
    wanted = sorted({main, *_references(numbers, baseline, reference)}, key=lambda p: p[::-1])
    pairs = tuple(
        Pair(a, b, comparison if (a, b) == main else compare.compare_loaded(data, a, b))
        for a, b in wanted
    )
    values = compare.side_by_side(data)
    series = tuple(k for k in values if compare.SPEC[k].kind not in _NO_SERIES)
    return CyclesView(
        data=data,
        numbers=numbers,
        comparison=comparison,
        reference=reference,
        pairs=pairs,
        values=values,
        clear=clear_changes(comparison),
        colours=colours(numbers),
        series_metrics=series,
        blocked=None if comparison.rows else Blocked.NO_FACTS,
    )


@dataclass(frozen=True, eq=False)
class VariantChoice:
    """The variants of one cycle, loaded once, to pick two of."""

    campaign: Campaign
    cycle: Cycle
    groups: dict[str, Group]
    names: tuple[str, ...]  # the most shown first
    blocked: Blocked | None
    randomized: bool = False  # declared a randomized split (test_plans.declare_split)
    money: MoneyScope = MoneyScope(DEFAULT_CURRENCY)  # the one currency of their amounts


def variant_choice(store: Store, campaign: Campaign, number: int) -> VariantChoice:
    """Return a cycle's variants to choose from; blocked when it has fewer than two."""
    groups, scope = cvar.load_variants_money(store, campaign, number)
    cycle = store.cycle_by_number(campaign.id, number)
    names = tuple(groups)
    blocked = Blocked.NO_VARIANTS if len(names) < 2 else None
    randomized = store.test_plan(cycle.id).randomized
    return VariantChoice(campaign, cycle, groups, names, blocked, randomized, scope)


def variants(choice: VariantChoice, baseline: str, compared: str) -> VariantsView:
    """Return two variants of a cycle compared (randomized only where declared so), or why
    they cannot be."""
    if baseline == compared:
        return VariantsView(None, (), None, (), Blocked.SAME_VARIANT)
    result = cvar.compare_variants(choice.campaign, choice.cycle, choice.groups, baseline,
                                   compared, choice.randomized, choice.money)  # fmt: skip
    rate = next((r.metric for r in result.rows if r.kind is Kind.RATE), None)
    rates = tuple(cvar.variant_rates(choice.groups, rate)) if rate else ()
    return VariantsView(result, clear_changes(result), rate, rates, None)


def learning_offer(store: Store, comparison: Comparison) -> LearningOffer:
    """Return the learnings a comparison suggests; closed when clear changes cannot become any."""
    found = tuple(cl.suggestions(store, comparison))
    closed = (
        not found
        and any(r.significant for r in comparison.rows)
        and cl.closed_for_learnings(store, comparison)
    )
    return LearningOffer(found, closed)


def control(store: Store, data: CycleData, n: int, m: int, name: str) -> ControlReading:
    """Return the change from cycle n to m beyond a control campaign's drift."""
    return compare_control.reading(store, data, n, m, name)
