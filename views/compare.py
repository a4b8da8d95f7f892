"""Compare: two cycles of a campaign (and up to five side by side), variants inside a cycle, and
the learnings and outcomes that follow from the numbers."""

from __future__ import annotations

import hashlib
from functools import partial

import pandas as pd
import streamlit as st

from experiments import compare, display, money, stats
from experiments import compare_charts as cc
from experiments import compare_learnings as cl
from experiments import compare_view as cv
from experiments.compare import Comparison, CycleData, MetricRow
from experiments.db import default_target
from experiments.i18n import fmt_date
from experiments.models import Campaign, Outcome
from experiments.safe_text import escape_markdown
from experiments.store import Area
from views.common import (
    attempt,
    can,
    enum_label,
    flash,
    keep_seen,
    lang,
    reported,
    seen,
    store,
    tr,
)
from views.shared import Choice, shared_forest, shared_series, shared_view

s = store()
st.title(tr("compare.title"))


def cycle_label(number: int) -> str:
    """Return 'Cycle 3' in the chosen language."""
    return tr("compare.cycle_label", n=number)


def pick_cycles(campaign: Campaign) -> tuple[int, int, list[int], cv.Reference]:
    """Show the cycle pickers; return the chosen pair, the further cycles and their reference."""
    offer = cv.picker(s, campaign)
    if offer.blocked is not None:
        st.info(tr(f"compare.{offer.blocked}"), icon=":material/info:")
        st.stop()
    if offer.baseline is None or offer.compared is None:
        raise RuntimeError("the picker offers no default pair although nothing blocks it")
    left, mid, right = st.columns([1, 1, 2])
    key = campaign.id  # each campaign keeps its own choice of cycles
    numbers = list(offer.numbers)
    a = left.selectbox(tr("compare.cycle_a"), numbers, index=numbers.index(offer.baseline),
                       key=f"compare_a_{key}", format_func=cycle_label)  # fmt: skip
    b = mid.selectbox(tr("compare.cycle_b"), numbers, index=numbers.index(offer.compared),
                      key=f"compare_b_{key}", format_func=cycle_label)  # fmt: skip
    also = right.multiselect(tr("compare.also"), cv.extra_choices(numbers, a, b),
                             key=f"compare_also_{key}", max_selections=compare.MAX_CYCLES - 2,
                             format_func=cycle_label,
                             placeholder=tr("compare.also_placeholder"))  # fmt: skip
    reference = cv.Reference.BASELINE
    if also:
        references: list[cv.Reference] = list(cv.Reference)
        reference = st.radio(tr("compare.reference"), references, horizontal=True,
                             key=f"compare_reference_{key}",
                             format_func=lambda r: tr(f"compare.reference.{r}"))  # fmt: skip
    return a, b, also, reference


def show_context(data: CycleData) -> None:
    """Show, per cycle, what it set out to do and what it changed, next to the numbers."""
    st.subheader(tr("compare.context"))
    for ctx in cl.context(s, data):
        c = ctx.cycle
        with st.container(border=True):
            st.markdown(
                f"**{tr('compare.cycle_label', n=c.number)}** · {enum_label(c.phase, 'phase')}"
            )
            st.caption(f"{fmt_date(c.start, lang())} – {fmt_date(c.end, lang())}")
            budget = display.format_value("spend", c.budget, lang(), ctx.budget_currency)
            if ctx.spend is None:
                st.caption(tr("compare.budget", budget=budget))
            else:
                st.caption(tr("compare.budget_spend", budget=budget,
                              spend=display.format_value("spend", ctx.spend, lang(),
                                                         data.currency)))  # fmt: skip
            for caption, texts in (
                (tr("compare.hypothesis"), [c.hypothesis]),
                (tr("compare.planned_changes"), [c.planned_changes]),
                (tr("compare.changes_before"), list(ctx.changes)),
                (tr("compare.carried_in"), [_applied(x.applied) + x.statement
                                            for x in ctx.carried_in]),
            ):  # fmt: skip
                texts = [x for x in texts if x.strip()]
                if texts:
                    st.caption(caption)
                    for text in texts:
                        st.text(text)


def _applied(applied: bool | None) -> str:
    return {True: "✓ ", False: "✗ ", None: "? "}[applied]


def change_header(view: cv.CyclesView, pair: cv.Pair) -> str:
    """Return the heading of a change column: plain 'Change' when it is the only one."""
    if len(view.pairs) == 1:
        return tr("compare.col.change")
    return tr("compare.col.change_pair", a=pair.reference, b=pair.cycle)


def cycles_table(view: cv.CyclesView) -> pd.DataFrame:
    """Return the cycles side by side, each further cycle's change, and the compared pair's test."""
    comparison = view.comparison
    records = []
    for row in comparison.rows:
        cells = {tr("compare.col.metric"): cc.row_name(row, lang())}
        for number in view.numbers:
            cells[cycle_label(number)] = display.format_value(
                row.metric, view.values[row.metric][number], lang(), comparison.currency
            )
        for pair in view.pairs:
            a, b = pair.ends(row.metric)
            cells[change_header(view, pair)] = display.format_change(row.metric, a, b, lang())
        # The compared pair's change as judged: weekday-adjusted, the raw one beside it.
        cells[tr("compare.col.adjusted")] = display.format_adjusted(
            row.rel_change, row.raw_rel_change, row.adjusted, lang()
        )
        records.append({**cells, **test_cells(row, comparison)})
    return pd.DataFrame(records)


def variants_table(comparison: Comparison) -> pd.DataFrame:
    """Return two variants compared, as text cells formatted for the chosen language."""
    assert comparison.variants is not None
    records = []
    for row in comparison.rows:
        cells = {tr("compare.col.metric"): cc.row_name(row, lang())}
        for name, value in zip(comparison.variants, (row.a, row.b), strict=True):
            cells[name] = display.format_value(row.metric, value, lang(), comparison.currency)
        cells[tr("compare.col.change")] = display.format_change(row.metric, row.a, row.b, lang())
        records.append({**cells, **test_cells(row, comparison)})
    return pd.DataFrame(records)


def test_cells(row: MetricRow, comparison: Comparison) -> dict[str, str]:
    """Return the interval, q-value and reading of one row."""
    return {
        tr("compare.col.interval"): cc.fmt_interval(row, lang()),
        tr("compare.col.q"): cc.fmt_q(row, lang()),
        tr("compare.col.verdict"): cc.verdict(row, comparison, lang()),
    }


# Markdown colours of a clear change's arrow.
TONE_COLOUR = {cv.Tone.BETTER: "green", cv.Tone.WORSE: "red", cv.Tone.NEUTRAL: "blue"}


def show_summary(comparison: Comparison, clear: tuple[cv.Clear, ...]) -> None:
    """List the clear changes in plain words, an arrow coloured by whether it is an improvement."""
    if not clear:
        st.caption(tr("compare.nothing_clear"))
        return
    lines = []
    for change in clear:
        arrow = "▲" if change.rising else "▼"
        # A verdict may name a variant, as the export spells it: escaped like any such text.
        verdict = escape_markdown(cc.verdict(change.row, comparison, lang()))
        lines.append(f"- :{TONE_COLOUR[change.tone]}[{arrow}] {verdict}")
    st.markdown("\n".join(lines))


def show_table(comparison: Comparison, frame: pd.DataFrame, help_key: str) -> None:
    """Show the table with every row visible, and how to read it."""
    st.dataframe(frame, hide_index=True, height=38 + 35 * len(frame), column_config={
        tr("compare.col.verdict"): st.column_config.TextColumn(width="large")})  # fmt: skip
    if comparison.conversion is not None:  # a converted figure says so
        st.caption(money.conversion_text(comparison.conversion, lang()))
    for line in cc.shift_lines(comparison, lang()):
        st.caption(line)
    # Plain words lead (the verdicts above and in the table); the method is one click away.
    with st.expander(tr("compare.how_tested"), icon=":material/functions:"):
        st.caption(tr(help_key, n=comparison.tested, days=stats.MIN_DAYS,
                      events=stats.MIN_EVENTS))  # fmt: skip


def show_control(view: cv.CyclesView, campaign: Campaign, baseline: int, compared: int) -> None:
    """Offer a control campaign; with one, show each metric's change beyond its drift."""
    others = [c.name for c in s.campaigns() if c.id != campaign.id]
    if not others:
        return
    name = st.selectbox(tr("compare.control"), others, index=None, key=f"control_{campaign.id}",
                        placeholder=tr("compare.control_none"),
                        help=tr("compare.control_help"))  # fmt: skip
    if name is None:
        return
    found = cv.control(s, view.data, baseline, compared, name)
    st.subheader(tr("compare.beyond", name=escape_markdown(name)))
    if not found.rows:
        st.info(tr("compare.beyond_nothing"), icon=":material/info:")
        return
    st.dataframe(pd.DataFrame([{
        tr("compare.col.metric"): display.metric_name(r.metric, lang(), per_day=True),
        tr("compare.col.beyond"): display.format_relative(r.rel_change, lang()),
        tr("compare.col.interval"): cc.fmt_bounds(r.ci_low, r.ci_high, lang()),
        tr("compare.col.clear"): tr("compare.yes") if r.significant else tr("compare.no"),
    } for r in found.rows]), hide_index=True)  # fmt: skip


def show_series(view: cv.CyclesView, key: Choice) -> None:
    """Show one metric day by day, each cycle a line in its own colour, aligned by day of cycle."""
    st.subheader(tr("compare.series"))
    if not view.series_metrics:
        return
    metric = st.selectbox(tr("compare.series_metric"), view.series_metrics,
                          key=f"compare_series_metric_{view.data.campaign.id}",
                          format_func=lambda k: display.metric_name(k, lang(), True))  # fmt: skip
    figure = shared_series(default_target(), s.data_version(), key, metric, lang())
    st.plotly_chart(figure, key="compare_series")


def show_variants(campaign: Campaign, numbers: tuple[int, ...], default: int) -> None:
    """Show two variants of one cycle compared, with their design, its test, and their rates."""
    st.subheader(tr("compare.variants"))
    number = st.selectbox(tr("compare.variant_cycle"), numbers, index=numbers.index(default),
                          key=f"compare_variant_cycle_{campaign.id}",
                          format_func=cycle_label)  # fmt: skip
    choice = cv.variant_choice(s, campaign, number)
    if choice.blocked is not None:
        st.caption(tr(f"compare.{choice.blocked}"))
        return
    names = list(choice.names)
    left, right = st.columns(2)
    va = left.selectbox(
        tr("compare.variant_a"), names, index=0, key=f"compare_variant_a_{campaign.id}_{number}"
    )
    vb = right.selectbox(
        tr("compare.variant_b"), names, index=1, key=f"compare_variant_b_{campaign.id}_{number}"
    )
    view = cv.variants(choice, va, vb)
    if view.comparison is None:
        st.warning(tr(f"compare.{view.blocked}"), icon=":material/warning:")
        return
    design = view.comparison.design.value
    st.caption(tr(f"compare.variants_design.{design}"))
    show_summary(view.comparison, view.clear)
    show_table(view.comparison, variants_table(view.comparison), f"compare.variants_help.{design}")
    if view.rate_metric is not None:
        metric = display.metric_name(view.rate_metric, lang())
        st.caption(tr("compare.variant_chart", metric=metric, n=len(view.rates)))
        chart = cc.variant_chart(view.rates, view.rate_metric, lang())
        st.plotly_chart(chart, key="compare_variant_chart")
    offer_learnings(view.comparison)


def offer_learnings(comparison: Comparison) -> None:
    """Offer each significant change as a learning: accept (perhaps edited) or dismiss."""
    offer = cv.learning_offer(s, comparison)
    if offer.closed:
        st.caption(tr("compare.closed_for_learnings"))
    if not offer.suggestions:
        return
    later = max(comparison.cycles)
    st.subheader(tr("compare.suggested"))
    st.caption(tr("compare.suggested_help", n=later))
    for sug in offer.suggestions:
        key = hashlib.sha1(sug.key.encode()).hexdigest()[:10]
        text_col, accept_col, dismiss_col = st.columns([8, 1.3, 1.3], vertical_alignment="bottom")
        text = text_col.text_input(tr("compare.statement"), cc.statement(sug.row, comparison,
                                   lang()), key=f"suggest_text_{key}",
                                   label_visibility="collapsed")  # fmt: skip
        if accept_col.button(tr("compare.accept"), key=f"suggest_accept_{key}", type="primary"):
            evidence = cc.verdict(sug.row, comparison, lang())
            if attempt(partial(cl.accept, s, sug, text or "", evidence)) is not None:
                flash(tr("compare.accepted"))
                st.rerun()
        if dismiss_col.button(tr("compare.dismiss"), key=f"suggest_dismiss_{key}"):
            if attempt(partial(cl.dismiss, s, sug)) is not None:
                flash(tr("compare.dismissed"))
                st.rerun()


def offer_outcomes(comparison: Comparison) -> None:
    """Show the suggested outcome of each learning carried into the later cycle, to confirm."""
    found = cl.suggest_outcomes(s, comparison)
    if not found:
        return
    st.subheader(tr("compare.outcomes", n=max(comparison.cycles)))
    options = list(Outcome)
    for sug in found:
        with st.container(border=True):
            st.text(sug.learning.statement)
            st.caption(cc.outcome_reason(sug, lang()))
            if sug.learning.outcome is not None:
                st.caption(tr("compare.outcome_recorded",
                              outcome=tr(f"compare.outcome.{sug.learning.outcome}")))  # fmt: skip
            left, right = st.columns([2, 1])
            chosen = left.selectbox(tr("compare.outcome"), options,
                                    index=options.index(sug.outcome),
                                    key=f"outcome_{sug.learning.id}",
                                    format_func=lambda o: tr(f"compare.outcome.{o}"))  # fmt: skip
            key = f"outcome_confirm_{sug.learning.id}"
            if right.button(tr("compare.confirm"), key=key, on_click=keep_seen,
                            args=(key, sug.learning)):  # fmt: skip
                confirm = partial(cl.confirm_outcome, s, comparison, sug.learning.id, chosen,
                                  seen(key, sug.learning))  # fmt: skip
                if attempt(confirm) is not None:
                    flash(tr("compare.outcome_saved"))
                    st.rerun()


campaigns = s.campaigns()
if not campaigns:
    st.info(tr("compare.no_campaigns"), icon=":material/info:")
    st.stop()
by_name = {c.name: c for c in campaigns}


name = st.selectbox(tr("compare.campaign"), list(by_name), key="compare_campaign")
campaign = by_name[name]
baseline, compared, also, reference = pick_cycles(campaign)
st.info(tr("compare.observational"), icon=":material/science:")

with reported():
    key = Choice(str(campaign.id), baseline, compared, tuple(also), reference)
    view = shared_view(default_target(), s.data_version(), key)
    if isinstance(view, cv.Blocked):
        st.warning(tr(f"compare.{view}"), icon=":material/warning:")
        st.stop()
    comparison = view.comparison
    st.subheader(tr("compare.numbers", a=baseline, b=compared))
    left_out = comparison.left_out
    if left_out.total:
        st.caption(tr("compare.left_out", straddling=left_out.straddling,
                      without_days=left_out.without_days))  # fmt: skip
    if view.blocked is not None:
        st.info(tr(f"compare.{view.blocked}"), icon=":material/info:")
        show_context(view.data)
        st.stop()
    show_summary(comparison, view.clear)
    if len(view.pairs) > 1:
        st.caption(tr("compare.pairs_help", reference=tr(f"compare.reference.{view.reference}"),
                      a=baseline, b=compared))  # fmt: skip
    show_table(comparison, cycles_table(view), "compare.table_help")
    show_control(view, campaign, baseline, compared)
    chart, beside = st.columns([3, 2])
    with chart:
        st.subheader(tr("compare.forest"))
        forest = shared_forest(default_target(), s.data_version(), key, lang())
        st.plotly_chart(forest, key="compare_forest")
    with beside:
        show_context(view.data)
    if can(Area.LOOP):  # learnings and outcomes are the marketers' (and admins') to record
        offer_learnings(comparison)
        offer_outcomes(comparison)
    show_series(view, key)
    show_variants(campaign, view.numbers, compared)
