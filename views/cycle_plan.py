"""The cycle workspace's "What this cycle tests": the declared primary metric, guardrails and
whether the variants are a randomized split (rules in experiments/test_plans.py)."""

from __future__ import annotations

import streamlit as st

from experiments import display, plan_power, test_plans
from experiments.models import Cycle
from experiments.store import Store
from views.common import attempt, done, keep_seen, lang, seen, tr


def _name(key: str | None) -> str:
    return display.metric_name(key, lang(), per_day=True) if key else tr("plan.none")


def test_plan_section(s: Store, cycle: Cycle, writable: bool = True) -> None:
    """Show what the cycle declared it tests; let it be declared while the cycle is in start
    (only where ``writable``: a role that may change the loop, in an open cycle)."""
    plan = s.test_plan(cycle.id)
    st.subheader(tr("plan.title"))
    st.caption(tr("plan.intro"))
    editable = writable and test_plans.editable(cycle)
    k = str(cycle.id)[:8]
    metrics = list(test_plans.comparable())
    with st.form(f"test_plan_{k}") if writable else st.container():
        a, b, c = st.columns([2, 1, 1])
        options = [None, *metrics]
        primary = a.selectbox(tr("plan.primary"), options, key=f"plan_primary_{k}",
                              index=options.index(plan.primary) if plan.primary in options else 0,
                              format_func=_name, disabled=not editable)  # fmt: skip
        ways = list(test_plans.DIRECTIONS)
        direction = b.radio(tr("plan.direction"), ways, horizontal=True, key=f"plan_dir_{k}",
                            index=ways.index(plan.direction) if plan.direction in ways else 0,
                            format_func=lambda w: tr(f"plan.direction.{w}"),
                            disabled=not editable)  # fmt: skip
        mde = c.number_input(tr("plan.mde"), min_value=0.0, max_value=1000.0, step=5.0,
                             value=round((plan.min_effect or 0.0) * 100, 1), key=f"plan_mde_{k}",
                             help=tr("plan.mde_help"), disabled=not editable)  # fmt: skip
        rails = st.multiselect(tr("plan.guardrails"), metrics, default=list(plan.guardrails),
                               format_func=_name, key=f"plan_rails_{k}",
                               disabled=not editable)  # fmt: skip
        sent = writable and st.form_submit_button(
            tr("plan.save"), disabled=not editable, on_click=keep_seen, args=(f"plan_{k}", plan)
        )
    if writable and not editable:
        st.caption(tr("plan.fixed"))
    needed = plan_power.days_needed(s, cycle, plan)
    if isinstance(needed, plan_power.DaysNeeded):
        a_, b_ = needed.from_cycles
        st.caption(tr("plan.days_needed", days=needed.days, a=a_, b=b_,
                      change=display.format_relative(plan.min_effect, lang(), signed=False),
                      name=_name(plan.primary)))  # fmt: skip
        if needed.so_far:
            st.progress(min(needed.so_far / needed.days, 1.0),
                        text=tr("plan.so_far", n=needed.so_far, days=needed.days))  # fmt: skip
    elif needed is not plan_power.NoEstimate.NO_PLAN:
        st.caption(tr(f"plan.no_estimate.{needed.value}"))
    if sent and primary is not None:
        shown, share = seen(f"plan_{k}", plan), mde / 100 if mde else None  # % → a share
        declare = lambda: test_plans.declare(  # noqa: E731
            s, cycle.id, primary, direction, share, rails, shown
        )
        if attempt(declare) is not None:
            done(tr("plan.saved", name=_name(primary)))
    elif sent:
        st.warning(tr("plan.pick_primary"), icon=":material/warning:")
    if not writable:  # read only: the split as declared, without the switch
        st.caption(f"{tr('plan.randomized')}: {tr('cycle.yes' if plan.randomized else 'cycle.no')}")
        return
    split = st.toggle(tr("plan.randomized"), value=plan.randomized, key=f"plan_split_{k}",
                      help=tr("plan.randomized_help"),
                      disabled=not test_plans.split_editable(cycle))  # fmt: skip
    if split != plan.randomized:
        if attempt(lambda: test_plans.declare_split(s, cycle.id, split, plan)) is not None:
            done(tr("plan.split_saved" if split else "plan.not_split_saved"))
