"""How a comparison is shown to people: metric names, formatted values, verdicts and figures.

Everything here is words and pictures for a comparison that compare.py has decided; nothing here
changes a number. Texts come from the catalogs (compare.*); metric names, values and changes are
shown through experiments.display, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

import pandas as pd
import plotly.graph_objects as go

from experiments import compare, display, stats
from experiments.compare import Comparison, Design, MetricRow, RowRole
from experiments.compare_learnings import OutcomeSuggestion
from experiments.compare_variants import VariantRate
from experiments.display import (
    format_adjusted,
    format_relative,
    format_value,
    metric_name,
    metric_noun,
)
from experiments.i18n import fmt_date, fmt_number, t
from experiments.safe_text import escape_plotly
from experiments.sufficiency import Unit

GREEN, RED, BLUE, GREY = "#2e7d32", "#c62828", "#1f5fa8", "#9e9e9e"


def _name(metric: str, lang: str) -> str:
    # A comparison reads amounts per day and reach as its daily mean: its names say so.
    return metric_name(metric, lang, per_day=True)


def row_name(row: MetricRow, lang: str) -> str:
    """Return a row's metric name, marked where the cycle's plan made it the primary metric or
    a guardrail ('CTR · primary metric')."""
    name = _name(row.metric, lang)
    if row.role is RowRole.EXPLORATORY:
        return name
    return t(f"compare.role.{row.role.value}", lang, name=name)


def fmt_interval(row: MetricRow, lang: str) -> str:
    """Return the 95 % interval of the relative change ('+9 % to +27 %'); a dash when none."""
    return fmt_bounds(row.ci_low, row.ci_high, lang)


def fmt_bounds(low: float | None, high: float | None, lang: str) -> str:
    """Return an interval of relative changes ('+9 % to +27 %'); a dash when it has no ends."""
    if low is None or high is None:
        return "–"
    return t("compare.range", lang, low=format_relative(low, lang),
             high=format_relative(high, lang))  # fmt: skip


def fmt_q(row: MetricRow, lang: str) -> str:
    """Return the q-value for the table ('0.003', '< 0.001'); a dash when not tested."""
    return _fmt_p(row.q_value, lang)


def _fmt_p(p: float | None, lang: str) -> str:
    if p is None:
        return "–"
    if p < 0.001:
        return "< " + fmt_number(0.001, lang, 3)
    return fmt_number(p, lang, 3)


def shift_lines(comparison: Comparison, lang: str) -> list[str]:
    """Return the secondary "distribution shifted" line (Mann–Whitney U) of each median that
    has one, to show under the table: named as what it is, and apart from the verdicts."""
    return [t("compare.shift", lang, metric=_name(r.metric, lang), p=_fmt_p(r.shift_p_value, lang))
            for r in comparison.rows if r.shift_p_value is not None]  # fmt: skip


def group_names(comparison: Comparison, lang: str) -> tuple[str, str]:
    """Return how the two compared groups are called ('cycle 1', 'variant 'B'')."""
    if comparison.variants:
        a, b = comparison.variants
        return t("compare.variant_name", lang, name=a), t("compare.variant_name", lang, name=b)
    n, m = comparison.cycles
    return t("compare.cycle_name", lang, n=n), t("compare.cycle_name", lang, n=m)


def verdict(row: MetricRow, comparison: Comparison, lang: str) -> str:
    """Return the plain-language reading of one row for a manager."""
    name = _name(row.metric, lang)
    first, second = group_names(comparison, lang)
    if row.note is stats.Note.MISSING:
        return t("compare.verdict.missing", lang, metric=name,
                 group=first if row.a is None else second)  # fmt: skip
    if row.note is stats.Note.NOT_ENOUGH_DATA:
        return _not_enough(row, name, (first, second), lang)
    if row.note is stats.Note.NO_VARIATION:
        return t("compare.verdict.no_variation", lang, metric=name)
    if row.note is stats.Note.ZERO_BASELINE:
        key = "compare.verdict.from_zero" + ("" if row.significant else "_unclear")
        b = format_value(row.metric, row.b, lang, comparison.currency)
        return t(key, lang, metric=name, b=b)
    change = format_adjusted(row.rel_change, row.raw_rel_change, row.adjusted, lang, signed=False)
    way = "up" if (row.rel_change or 0) > 0 else "down"
    if row.note is stats.Note.DESCRIPTIVE:
        return t(f"compare.verdict.descriptive_{way}", lang, metric=name, change=change)
    interval = fmt_interval(row, lang) if row.ci_low is not None else t("compare.unbounded", lang)
    if row.significant:
        return t(f"compare.verdict.{way}", lang, metric=name, change=change, interval=interval)
    if row.p_value is not None and row.p_value < stats.ALPHA:
        return t(f"compare.verdict.maybe_{way}", lang, metric=name, change=change,
                 interval=interval, n=comparison.tested)  # fmt: skip
    return t(
        "compare.verdict.unclear",
        lang,
        metric=name,
        interval=interval,
        change=format_adjusted(row.rel_change, row.raw_rel_change, row.adjusted, lang),
    )


def _not_enough(row: MetricRow, name: str, groups: tuple[str, str], lang: str) -> str:
    short = row.short
    if short is None:
        return t("compare.verdict.not_enough", lang, metric=name)
    values = {"metric": name, "group": groups[max(short.group, 0)],
              "have": fmt_number(short.have, lang), "need": short.need}  # fmt: skip
    if short.unit in (Unit.EVENTS, Unit.NON_EVENTS):
        spec = compare.SPEC[row.metric]
        values |= {"events": metric_noun(spec.num, lang), "trials": metric_noun(spec.den, lang)}
    return t(f"compare.verdict.few_{short.unit.value}", lang, **values)


def statement(row: MetricRow, comparison: Comparison, lang: str) -> str:
    """Return the suggested learning's sentence for a significant row."""
    first, second = group_names(comparison, lang)
    name = _name(row.metric, lang)
    way = "up" if (row.abs_change or 0) > 0 else "down"
    values = {
        "metric": name, "a": first, "b": second, "interval": fmt_interval(row, lang),
        "change": format_relative(row.rel_change, lang, signed=False),
        "cycle": comparison.cycles[0],
        "value": format_value(row.metric, row.b, lang, comparison.currency),
    }  # fmt: skip
    if row.rel_change is None:
        return t("compare.learning.from_zero", lang, **values)
    design = (
        "cycles"
        if not comparison.variants
        else ("variants" if comparison.design is Design.RANDOMIZED else "segments")
    )
    return t(f"compare.learning.{design}_{way}", lang, **values)


def outcome_reason(suggestion: OutcomeSuggestion, lang: str) -> str:
    """Return why the comparison suggests this outcome."""
    metric = _name(suggestion.metric, lang) if suggestion.metric else ""
    return t(f"compare.reason.{suggestion.reason.value}", lang, metric=metric,
             n=suggestion.against or "?")  # fmt: skip


# -- figures -----------------------------------------------------------------------------------


def _layout(fig: go.Figure, lang: str, height: int) -> go.Figure:
    fig.update_layout(height=height, margin={"l": 10, "r": 10, "t": 30, "b": 10},
                      separators=display.separators(lang), plot_bgcolor="white")  # fmt: skip
    fig.update_xaxes(gridcolor="#eeeeee", zerolinecolor="#bbbbbb")
    fig.update_yaxes(gridcolor="#eeeeee", zerolinecolor="#bbbbbb")
    return fig


def _colour(row: MetricRow) -> str:
    if not row.significant:
        return GREY
    good = compare.better(row.metric, row.rel_change)
    return BLUE if good is None else GREEN if good else RED


def forest(comparison: Comparison, lang: str) -> go.Figure:
    """Return the forest chart: each metric's relative change with its 95 % interval."""
    rows = [r for r in comparison.rows if r.rel_change is not None and r.ci_low is not None]
    fig = go.Figure()
    for row in rows:
        assert row.rel_change is not None and row.ci_low is not None and row.ci_high is not None
        fig.add_trace(
            go.Scatter(
                x=[row.rel_change], y=[row_name(row, lang)], mode="markers",
                marker={"color": _colour(row), "size": 10}, showlegend=False,
                error_x={"type": "data", "symmetric": False, "color": _colour(row),
                         "array": [row.ci_high - row.rel_change],
                         "arrayminus": [row.rel_change - row.ci_low]},
                hovertemplate=f"{_name(row.metric, lang)}: {format_relative(row.rel_change, lang)}"
                f" ({fmt_interval(row, lang)})<extra></extra>",
            )
        )  # fmt: skip
    fig.add_vline(x=0, line_color="#555555", line_width=1)
    fig.update_xaxes(tickformat="+.0%", title=t("compare.forest_axis", lang))
    fig.update_yaxes(autorange="reversed", categoryorder="array",
                     categoryarray=[row_name(r, lang) for r in rows])  # fmt: skip
    return _layout(fig, lang, 120 + 32 * len(rows))


def daily_series(daily: pd.DataFrame, metric: str, starts: dict[int, object],
                 lang: str, colours: dict[int, str] | None = None,
                 currency: str | None = None) -> go.Figure:  # fmt: skip
    """Return each cycle's daily values of a metric, aligned by day of cycle (a colour per
    cycle number where given, else plotly's own)."""
    spec = compare.SPEC[metric]
    fig = go.Figure()
    groups = [(int(str(number)), frame) for number, frame in daily.groupby("number", sort=True)]
    series = [compare.daily_value(spec, frame) for _, frame in groups]
    # The axis in the metric's unit: reply times in minutes or hours, money with its currency.
    y_axis = display.axis(
        metric, lang, [float(v) for ys in series for v in ys.dropna()], currency, per_day=True
    )
    for (n, frame), ys in zip(groups, series, strict=True):
        name = t("compare.series_name", lang, n=n, start=fmt_date(starts.get(n), lang))  # type: ignore[arg-type]
        colour = (colours or {}).get(n)
        fig.add_trace(go.Scatter(
            x=frame["day"], y=ys / y_axis.scale, mode="lines+markers", name=name,
            hovertext=[format_value(metric, None if v != v else float(v), lang, currency)
                       for v in ys],
            hoverinfo="x+text+name", line={"color": colour}, marker={"color": colour},
        ))  # fmt: skip
    fig.update_xaxes(title=t("compare.day_of_cycle", lang), dtick=7)
    fig.update_yaxes(rangemode="tozero", **y_axis.layout())
    fig.update_layout(legend={"orientation": "h", "y": 1.12})
    return _layout(fig, lang, 360)


def _variant_hover(r: VariantRate, metric: str, lang: str) -> str:
    fv = partial(format_value, metric, lang=lang)
    interval = f" ({fv(r.low)} – {fv(r.high)})" if r.low is not None and r.high is not None else ""
    return f"{escape_plotly(r.variant)}: {fv(r.rate)}{interval}"


def variant_chart(rates: Sequence[VariantRate], metric: str, lang: str) -> go.Figure:
    """Return each variant's rate with its Wilson interval (the most shown variants first)."""
    fig = go.Figure(
        go.Scatter(
            # Variant names come from the export: escaped, since plotly reads tags in labels.
            x=[r.rate for r in rates], y=[escape_plotly(r.variant) for r in rates], mode="markers",
            marker={"color": BLUE, "size": 9},
            error_x={"type": "data", "symmetric": False, "color": BLUE,
                     "array": [(r.high or 0) - (r.rate or 0) for r in rates],
                     "arrayminus": [(r.rate or 0) - (r.low or 0) for r in rates]},
            # The display layer's own words for the rate and its interval, as in the table.
            hovertext=[_variant_hover(r, metric, lang) for r in rates], hoverinfo="text",
        )
    )  # fmt: skip
    fig.update_xaxes(**display.axis(metric, lang).layout())
    fig.update_yaxes(autorange="reversed", type="category")
    return _layout(fig, lang, 120 + 26 * len(rates))
