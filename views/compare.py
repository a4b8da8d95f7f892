"""Compare: two cycles of a campaign (and up to five side by side), variants inside a cycle, and
the learnings and outcomes that follow from the numbers."""

from __future__ import annotations

import hashlib
from functools import partial

import pandas as pd
import streamlit as st

from experiments import compare, display, stats
from experiments import compare_charts as cc
from experiments import compare_learnings as cl
from experiments.compare import Comparison, CycleData
from experiments.i18n import fmt_date
from experiments.models import Campaign, Outcome
from views.common import attempt, enum_label, flash, lang, reported, store, tr

s = store()
st.title(tr("compare.title"))


def cycle_label(number: int) -> str:
    """Return 'Cycle 3' in the chosen language."""
    return tr("compare.cycle_label", n=number)


def pick_cycles(campaign: Campaign) -> list[int]:
    """Show the cycle pickers; return the chosen numbers (compared pair first) or stop."""
    numbers = [c.number for c in s.cycles(campaign.id) if c.start is not None]
    if len(numbers) < 2:
        st.info(tr("compare.needs_two_cycles"), icon=":material/info:")
        st.stop()
    left, mid, right = st.columns([1, 1, 2])
    key = campaign.id  # each campaign keeps its own choice of cycles
    a = left.selectbox(tr("compare.cycle_a"), numbers, index=len(numbers) - 2,
                       key=f"compare_a_{key}", format_func=cycle_label)  # fmt: skip
    b = mid.selectbox(tr("compare.cycle_b"), numbers, index=len(numbers) - 1,
                      key=f"compare_b_{key}", format_func=cycle_label)  # fmt: skip
    others = [n for n in numbers if n not in (a, b)]
    also = right.multiselect(tr("compare.also"), others, key=f"compare_also_{key}",
                             max_selections=compare.MAX_CYCLES - 2, format_func=cycle_label,
                             placeholder=tr("compare.also_placeholder"))  # fmt: skip
    if a == b:
        st.warning(tr("compare.same_cycle"), icon=":material/warning:")
        st.stop()
    return [a, b, *[n for n in also if n not in (a, b)]]


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
            budget = display.format_value("spend", c.budget, lang())
            if ctx.spend is None:
                st.caption(tr("compare.budget", budget=budget))
            else:
                st.caption(tr("compare.budget_spend", budget=budget,
                              spend=display.format_value("spend", ctx.spend, lang())))  # fmt: skip
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


def table(comparison: Comparison, values: dict[str, dict[int, float | None]] | None,
          names: list[str]) -> pd.DataFrame:  # fmt: skip
    """Return the comparison as text cells formatted for the chosen language."""
    records = []
    for row in comparison.rows:
        cells = {tr("compare.col.metric"): display.metric_name(row.metric, lang(), per_day=True)}
        per_group = [row.a, row.b] if values is None else list(values[row.metric].values())
        for name, value in zip(names, per_group, strict=True):
            cells[name] = display.format_value(row.metric, value, lang())
        cells[tr("compare.col.change")] = display.format_change(row.metric, row.a, row.b, lang())
        cells[tr("compare.col.interval")] = cc.fmt_interval(row, lang())
        cells[tr("compare.col.q")] = cc.fmt_q(row, lang())
        cells[tr("compare.col.verdict")] = cc.verdict(row, comparison, lang())
        records.append(cells)
    return pd.DataFrame(records)


def show_summary(comparison: Comparison) -> None:
    """List the clear changes in plain words, an arrow coloured by whether it is an improvement."""
    clear = [r for r in comparison.rows if r.significant]
    if not clear:
        st.caption(tr("compare.nothing_clear"))
        return
    lines = []
    for row in clear:
        good = compare.better(row.metric, row.abs_change)
        colour = "blue" if good is None else "green" if good else "red"
        arrow = "▲" if (row.abs_change or 0) > 0 else "▼"
        # Our own words only (metric names and numbers), so Markdown is safe here.
        lines.append(f"- :{colour}[{arrow}] {cc.verdict(row, comparison, lang())}")
    st.markdown("\n".join(lines))


def show_table(comparison: Comparison, frame: pd.DataFrame, explain: bool = True) -> None:
    """Show the table with every row visible, and how to read it."""
    st.dataframe(frame, hide_index=True, height=38 + 35 * len(frame), column_config={
        tr("compare.col.verdict"): st.column_config.TextColumn(width="large")})  # fmt: skip
    if explain:
        st.caption(tr("compare.table_help", n=comparison.tested, days=stats.MIN_DAYS,
                      events=stats.MIN_EVENTS))  # fmt: skip


def show_series(data: CycleData) -> None:
    """Show one metric day by day, each cycle a line aligned by day of cycle."""
    st.subheader(tr("compare.series"))
    keys = [k for k in compare.side_by_side(data) if compare.SPEC[k].kind not in
            (compare.Kind.REPLY_MEDIAN, compare.Kind.REPLY_P90)]  # fmt: skip
    if not keys:
        return
    metric = st.selectbox(tr("compare.series_metric"), keys,
                          key=f"compare_series_metric_{data.campaign.id}",
                          format_func=lambda k: display.metric_name(k, lang(), True))  # fmt: skip
    starts: dict[int, object] = {c.number: c.start for c in data.cycles}
    st.plotly_chart(cc.daily_series(data.daily(), metric, starts, lang()), key="compare_series")


def show_variants(campaign: Campaign, numbers: list[int], default: int) -> None:
    """Show two variants of one cycle compared (a randomized design), with their rates."""
    st.subheader(tr("compare.variants"))
    number = st.selectbox(tr("compare.variant_cycle"), numbers, index=numbers.index(default),
                          key=f"compare_variant_cycle_{campaign.id}",
                          format_func=cycle_label)  # fmt: skip
    groups = compare.load_variants(s, campaign, number)
    if len(groups) < 2:
        st.caption(tr("compare.no_variants"))
        return
    names = list(groups)
    left, right = st.columns(2)
    va = left.selectbox(
        tr("compare.variant_a"), names, index=0, key=f"compare_variant_a_{campaign.id}_{number}"
    )
    vb = right.selectbox(
        tr("compare.variant_b"), names, index=1, key=f"compare_variant_b_{campaign.id}_{number}"
    )
    if va == vb:
        st.warning(tr("compare.same_variant"), icon=":material/warning:")
        return
    cycle = s.cycle_by_number(campaign.id, number)
    result = compare.compare_variants(campaign, cycle, groups, va, vb)
    st.caption(tr("compare.randomized"))
    show_summary(result)
    show_table(result, table(result, None, [va, vb]), explain=False)
    rates = [r.metric for r in result.rows if r.kind is compare.Kind.RATE]
    if rates:
        shown = compare.variant_rates(groups, rates[0])
        st.caption(
            tr("compare.variant_chart", metric=display.metric_name(rates[0], lang()), n=len(shown))
        )
        st.plotly_chart(cc.variant_chart(shown, rates[0], lang()), key="compare_variant_chart")
    offer_learnings(result)


def offer_learnings(comparison: Comparison) -> None:
    """Offer each significant change as a learning: accept (perhaps edited) or dismiss."""
    found = cl.suggestions(s, comparison)
    if not found:
        if any(r.significant for r in comparison.rows) and cl.closed_for_learnings(s, comparison):
            st.caption(tr("compare.closed_for_learnings"))
        return
    later = max(comparison.cycles)
    st.subheader(tr("compare.suggested"))
    st.caption(tr("compare.suggested_help", n=later))
    for sug in found:
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
            if right.button(tr("compare.confirm"), key=f"outcome_confirm_{sug.learning.id}"):
                confirm = partial(cl.confirm_outcome, s, comparison, sug.learning.id, chosen)
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
numbers = pick_cycles(campaign)
st.info(tr("compare.observational"), icon=":material/science:")

with reported():
    data = compare.load(s, campaign, numbers)
    comparison = compare.compare_loaded(data, numbers[0], numbers[1])
    st.subheader(tr("compare.numbers", a=numbers[0], b=numbers[1]))
    if not comparison.rows:
        st.info(tr("compare.no_facts"), icon=":material/info:")
        show_context(data)
        st.stop()
    show_summary(comparison)
    values = compare.side_by_side(data)
    names = [tr("compare.cycle_label", n=n) for n in numbers]
    show_table(comparison, table(comparison, values, names))
    chart, beside = st.columns([3, 2])
    with chart:
        st.subheader(tr("compare.forest"))
        st.plotly_chart(cc.forest(comparison, lang()), key="compare_forest")
    with beside:
        show_context(data)
    offer_learnings(comparison)
    offer_outcomes(comparison)
    show_series(data)
    show_variants(campaign, numbers, numbers[1])
