"""Cycle workspace: one cycle of one campaign, a phase stepper on top, a section per phase."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from experiments import loop
from experiments import models as m
from experiments.i18n import fmt_date, fmt_money, fmt_percent
from experiments.models import Campaign, Cycle, Decision, Learning, Phase
from views.common import attempt, flash, lang, store, tr, tr_count

s = store()
L = lang()
DATE_FMT = "DD.MM.YYYY" if L == "de" else "YYYY-MM-DD"
CHOOSE = tr("cycle.choose")
KIND_COLOR = {"praise": "green", "criticism": "red", "question": "blue", "request": "violet",
              "idea": "orange"}  # fmt: skip
STATUS_COLOR = {"open": "red", "addressed": "orange", "communicated": "green"}
STEP_STYLE = {"done": ("check_circle", "green"), "current": ("radio_button_checked", "blue"),
              "todo": ("radio_button_unchecked", "gray")}  # fmt: skip
TAB_PHASES = [Phase.START, Phase.CAMPAIGN, Phase.FEEDBACK, Phase.OPTIMIZATION]


def done(message: str) -> None:
    flash(message)
    st.rerun()


def focus_from_elsewhere() -> None:
    """Select the cycle another page asked for (timeline click, campaign page button)."""
    wanted = st.session_state.pop("cycle_focus", None) or st.query_params.pop("cycle", None)
    cycle = attempt(lambda: s.cycle(wanted)) if wanted else None
    if cycle is not None:
        st.session_state["cycle_campaign"] = str(cycle.campaign_id)
        st.session_state["cycle_number"] = cycle.number
    if "_cycle_number_next" in st.session_state:
        st.session_state["cycle_number"] = st.session_state.pop("_cycle_number_next")


def first_cycle_form(campaign: Campaign) -> None:
    st.info(tr("cycle.none_yet", name=campaign.name), icon=":material/flag:")
    start, end = loop.suggested_window(None, date.today())
    with st.form("first_cycle"):
        left, right = st.columns(2)
        first = left.date_input(tr("cycle.start"), start, key="first_start", format=DATE_FMT)
        last = right.date_input(tr("cycle.end"), end, key="first_end", format=DATE_FMT)
        hypothesis = st.text_area(tr("cycle.hypothesis"), key="first_hypothesis",
                                  placeholder=tr("cycle.hypothesis_hint"))  # fmt: skip
        changes = st.text_area(tr("cycle.changes"), key="first_changes")
        budget = st.number_input(tr("cycle.budget"), min_value=0.0, value=None, step=100.0,
                                 key="first_budget")  # fmt: skip
        if st.form_submit_button(tr("cycle.start_first"), type="primary"):
            made = attempt(lambda: loop.start_first_cycle(
                s, campaign.id, first, last, hypothesis, changes, budget))  # fmt: skip
            if made is not None:
                done(tr("cycle.started", n=made[0].number))


def stepper(cycle: Cycle) -> None:
    cols = st.columns(len(loop.steps(cycle)))
    for col, step in zip(cols, loop.steps(cycle), strict=True):
        label = tr(f"phase.{step.phase}")
        if step.phase is Phase.CLOSED and step.state != "done":
            label = tr("cycle.step_next")
        icon, color = STEP_STYLE[step.state]
        col.badge(label, icon=f":material/{icon}:", color=color)  # type: ignore[arg-type]
        # A step left by a step back keeps its old stamp; only reached steps show a date.
        col.caption(fmt_date(step.at.date(), L) if step.at and step.state != "todo" else "\u00a0")


def next_start_dialog(campaign: Campaign, cycle: Cycle) -> None:
    st.subheader(tr("cycle.next_title", n=cycle.number, m=cycle.number + 1))
    blockers = loop.blockers(s, cycle)
    if blockers:
        st.error(tr("cycle.gate_refused", n=cycle.number), icon=":material/block:")
        for b in blockers:
            if b.learning is not None:
                st.text(f"• {tr('cycle.blocker_pending')}: {b.learning.statement}")
            else:
                st.text(f"• {tr('cycle.blocker_phase', phase=tr(f'phase.{b.phase}'))}")
        return
    own = s.learnings(cycle_id=cycle.id)
    carried = [x for x in own if x.decision in loop.CARRIED]
    st.write(tr("cycle.next_summary", n=cycle.number, carried=len(carried),
                dropped=len(own) - len(carried)))  # fmt: skip
    for x in carried:
        st.text(f"→ {x.statement}")
    start, end = loop.suggested_window(cycle, date.today())
    left, right = st.columns(2)
    first = left.date_input(tr("cycle.start"), start, key="ns_start", format=DATE_FMT)
    last = right.date_input(tr("cycle.end"), end, key="ns_end", format=DATE_FMT)
    hypothesis = st.text_area(tr("cycle.hypothesis"), key="ns_hypothesis")
    if st.button(tr("cycle.next_confirm", m=cycle.number + 1), key="ns_confirm", type="primary"):
        made = attempt(lambda: loop.next_start(s, campaign.id, first, last, hypothesis))
        if made is not None:
            st.session_state.pop("ask_next", None)
            st.session_state["_cycle_number_next"] = made.number
            done(tr("cycle.next_done", n=cycle.number, m=made.number))


def forget_dialog() -> None:
    st.session_state.pop("ask_next", None)


def actions(campaign: Campaign, cycle: Cycle) -> None:
    if cycle.phase is Phase.CLOSED:
        st.info(tr("cycle.closed_note", n=cycle.number), icon=":material/lock:")
        return
    row = st.container(horizontal=True)
    if cycle.phase in loop.BACK:
        to = tr(f"phase.{loop.BACK[cycle.phase]}")
        if row.button(tr("cycle.back", phase=to), key="phase_back", icon=":material/undo:"):
            if attempt(lambda: loop.step_back(s, cycle.id)) is not None:
                done(tr("cycle.moved", phase=to))
    if cycle.phase in loop.FORWARD:
        to = tr(f"phase.{loop.FORWARD[cycle.phase]}")
        if row.button(tr("cycle.advance", phase=to), key="phase_advance", type="primary",
                      icon=":material/arrow_forward:"):  # fmt: skip
            if attempt(lambda: loop.advance(s, cycle.id)) is not None:
                done(tr("cycle.moved", phase=to))
    else:
        waiting = [b for b in loop.blockers(s, cycle) if b.learning is not None]
        if waiting:
            st.warning(tr_count("cycle.pending_count", len(waiting)), icon=":material/pending:")
        if row.button(tr("cycle.next_button", m=cycle.number + 1), key="next_start",
                      type="primary", icon=":material/autorenew:"):  # fmt: skip
            st.session_state["ask_next"] = True
        if st.session_state.get("ask_next"):
            # Opened from session state, so the dialog's own widgets survive their reruns.
            dialog = st.dialog(tr("cycle.next_dialog"), width="large", on_dismiss=forget_dialog)
            dialog(next_start_dialog)(campaign, cycle)


def plan_section(cycle: Cycle, locked: bool) -> None:
    if st.session_state.get("_plan_for") != str(cycle.id):
        st.session_state.update(
            _plan_for=str(cycle.id), plan_hypothesis=cycle.hypothesis,
            plan_changes=cycle.planned_changes, plan_start=cycle.start, plan_end=cycle.end,
            plan_budget=cycle.budget,
        )  # fmt: skip
    with st.form("plan"):
        hypothesis = st.text_area(tr("cycle.hypothesis"), key="plan_hypothesis", disabled=locked)
        changes = st.text_area(tr("cycle.changes"), key="plan_changes", disabled=locked)
        a, b, c = st.columns(3)
        first = a.date_input(tr("cycle.start"), key="plan_start", format=DATE_FMT, disabled=locked)
        last = b.date_input(tr("cycle.end"), key="plan_end", format=DATE_FMT, disabled=locked)
        budget = c.number_input(tr("cycle.budget"), min_value=0.0, step=100.0, key="plan_budget",
                                disabled=locked)  # fmt: skip
        if st.form_submit_button(tr("cycle.save_plan"), disabled=locked):
            edited = replace(cycle, hypothesis=hypothesis, planned_changes=changes, start=first,
                             end=last, budget=budget)  # fmt: skip
            if attempt(lambda: loop.save_plan(s, edited)) is not None:
                done(tr("cycle.saved"))


def carried_in(cycle: Cycle, numbers: dict[object, int]) -> None:
    st.subheader(tr("cycle.carried_in"))
    items = loop.inputs(s, cycle)
    if not items:
        st.caption(tr("cycle.nothing_carried"))
    for x in items:
        with st.container(border=True):
            carried_card(x, cycle, numbers.get(x.cycle_id, 0))


def carried_card(x: Learning, cycle: Cycle, origin: int) -> None:
    st.text(x.statement)
    st.caption(tr("cycle.from_cycle", n=origin, decision=tr(f"loop.decision.{x.decision}")))
    k = str(x.id)[:8]
    a, b, c, d = st.columns([2, 3, 2, 1], vertical_alignment="bottom")
    applied = a.radio(tr("cycle.applied"), [True, False], key=f"applied_{k}", horizontal=True,
                      index=None if x.applied is None else [True, False].index(x.applied),
                      format_func=lambda v: tr("cycle.yes" if v else "cycle.no"))  # fmt: skip
    reason = b.text_input(tr("cycle.reason"), x.applied_reason, key=f"reason_{k}")
    outcomes = [None, *m.Outcome]
    outcome = c.selectbox(tr("cycle.outcome"), outcomes, index=outcomes.index(x.outcome),
                          key=f"outcome_{k}", format_func=outcome_label)  # fmt: skip
    if d.button(tr("cycle.save"), key=f"apply_save_{k}"):
        if applied is None:
            st.error(tr("cycle.pick_applied"), icon=":material/error:")
        elif attempt(lambda: loop.mark_applied(s, x.id, cycle.id, applied, reason)):
            attempt(lambda: loop.set_outcome(s, x.id, cycle.id, outcome))
            done(tr("cycle.saved"))
    if x.decision is Decision.RETEST and cycle.phase is not Phase.CLOSED:
        if st.button(tr("cycle.restate"), key=f"restate_{k}", icon=":material/replay:"):
            if attempt(lambda: loop.restate(s, x.id, cycle.id)) is not None:
                done(tr("cycle.saved"))


def campaign_section(campaign: Campaign, cycle: Cycle, locked: bool) -> None:
    live_at = cycle.phase_changed_at.get(Phase.CAMPAIGN.value)
    st.caption(tr("cycle.live_since", when=fmt_date(live_at.date(), L)) if live_at
               else tr("cycle.not_live"))  # fmt: skip
    options = sorted(set(campaign.channels) | set(cycle.channels))
    with st.form("live"):
        went_live = st.text_area(tr("cycle.went_live"), cycle.went_live, key="live_what",
                                 disabled=locked)  # fmt: skip
        channels = st.multiselect(tr("cycle.channels"), options, list(cycle.channels),
                                  key="live_channels", accept_new_options=True,
                                  disabled=locked, placeholder=CHOOSE)  # fmt: skip
        if st.form_submit_button(tr("cycle.save"), disabled=locked):
            edited = replace(cycle, went_live=went_live, channels=tuple(channels))
            if attempt(lambda: loop.save_plan(s, edited)) is not None:
                done(tr("cycle.saved"))
    spent = s.campaign_spend(campaign.id, cycle.start, cycle.end)
    a, b, c = st.columns(3)
    a.metric(tr("cycle.planned_spend"), fmt_money(cycle.budget, L))
    b.metric(tr("cycle.actual_spend"), fmt_money(spent, L))
    if spent is not None and cycle.budget:
        c.metric(tr("cycle.budget_used"), fmt_percent(spent / cycle.budget, L, 0))
        st.progress(min(spent / cycle.budget, 1.0))
    elif spent is None:
        st.caption(tr("cycle.no_facts"))


def feedback_section(cycle: Cycle, locked: bool) -> None:
    goals = {g.id: g.name for g in s.goals()}
    if not locked:
        with st.form("feedback", clear_on_submit=True):
            text = st.text_area(tr("cycle.fb_text"), key="fb_text", height=80)
            a, b, c = st.columns(3)
            source = a.selectbox(tr("cycle.fb_source"), list(m.FeedbackSource), key="fb_source",
                                 format_func=lambda v: tr(f"loop.source.{v}"))  # fmt: skip
            kind = b.selectbox(tr("cycle.fb_kind"), list(m.FeedbackKind), key="fb_kind",
                               format_func=lambda v: tr(f"loop.kind.{v}"))  # fmt: skip
            goal = c.selectbox(tr("cycle.fb_goal"), [None, *goals], key="fb_goal",
                               format_func=lambda g: goals.get(g, tr("cycle.no_goal")))  # fmt: skip
            if st.form_submit_button(tr("cycle.fb_add"), type="primary"):
                if attempt(lambda: loop.add_feedback(s, cycle.id, source, kind, text, goal)):
                    done(tr("cycle.saved"))
    for f in s.feedback(cycle.id):
        with st.container(border=True):
            feedback_card(f, goals)


def feedback_card(f: m.Feedback, goals: dict[object, str]) -> None:
    a, b, c = st.columns([1, 4, 2], vertical_alignment="center")
    a.badge(tr(f"loop.kind.{f.kind}"), color=KIND_COLOR[f.kind])  # type: ignore[arg-type]
    a.caption(tr(f"loop.source.{f.source}"))
    b.text(f.text)
    if f.kind is m.FeedbackKind.REQUEST:
        goal_name = goals.get(f.goal_id) if f.goal_id else None
        b.caption(tr("cycle.serves", goal=goal_name) if goal_name else tr("cycle.no_goal"))
    c.badge(tr(f"loop.status.{f.status}"), color=STATUS_COLOR[f.status])  # type: ignore[arg-type]
    following = loop.FEEDBACK_FLOW.index(f.status) + 1
    if following < len(loop.FEEDBACK_FLOW):
        label = tr(f"cycle.mark_{loop.FEEDBACK_FLOW[following]}")
        if c.button(label, key=f"fb_next_{str(f.id)[:8]}"):
            if attempt(lambda: loop.move_feedback(s, f.id)) is not None:
                done(tr("cycle.saved"))


def optimization_section(cycle: Cycle, locked: bool) -> None:
    learnings = {x.id: x.statement for x in loop.inputs(s, cycle) + s.learnings(cycle.id)}
    feedback = {f.id: f.text for f in s.feedback(cycle.id)}
    if not locked:
        with st.form("optimization", clear_on_submit=True):
            what = st.text_input(tr("cycle.opt_what"), key="opt_what")
            why = st.text_area(tr("cycle.opt_why"), key="opt_why")
            a, b, c = st.columns([2, 2, 1])
            linked = a.multiselect(tr("cycle.opt_learnings"), list(learnings), key="opt_learnings",
                                   format_func=learnings.get, placeholder=CHOOSE)  # fmt: skip
            answers = b.multiselect(tr("cycle.opt_feedback"), list(feedback), key="opt_feedback",
                                    format_func=feedback.get, placeholder=CHOOSE)  # fmt: skip
            owner = c.text_input(tr("cycle.opt_owner"), key="opt_owner")
            if st.form_submit_button(tr("cycle.opt_add"), type="primary"):
                made = attempt(lambda: loop.add_optimization(
                    s, cycle.id, what, why, tuple(linked), tuple(answers), owner))  # fmt: skip
                if made is not None:
                    done(tr("cycle.saved"))
    for o in s.optimizations(cycle.id):
        with st.container(border=True):
            st.text(o.what)
            if o.why:
                st.caption(tr("cycle.because"))
                st.text(o.why)
            for i in o.learning_ids + o.feedback_ids:
                st.text(f"↳ {learnings.get(i) or feedback.get(i, '?')}")
            if o.owner:
                st.caption(tr("cycle.owner", owner=o.owner))


def confidence_label(level: m.Confidence | None) -> str:
    return tr(f"loop.confidence.{level or 'none'}")


def outcome_label(outcome: m.Outcome | None) -> str:
    return tr(f"loop.outcome.{outcome or 'none'}")


def learnings_section(cycle: Cycle, locked: bool, numbers: dict[object, int]) -> None:
    if not locked:
        with st.form("learning", clear_on_submit=True):
            text = st.text_input(tr("cycle.learn_text"), key="learn_text")
            evidence = st.text_area(tr("cycle.learn_evidence"), key="learn_evidence")
            a, b = st.columns(2)
            tags = a.text_input(tr("cycle.learn_tags"), key="learn_tags")
            level = b.selectbox(tr("cycle.learn_confidence"), [None, *m.Confidence],
                                key="learn_conf", format_func=confidence_label)  # fmt: skip
            if st.form_submit_button(tr("cycle.learn_add"), type="primary"):
                made = attempt(lambda: loop.add_learning(
                    s, cycle.id, text, evidence, tuple(tags.split(",")), level))  # fmt: skip
                if made is not None:
                    done(tr("cycle.saved"))
    for x in s.learnings(cycle.id):
        learning_card(x, locked, numbers)
    if not locked:
        blockers = [b for b in loop.blockers(s, cycle) if b.learning is not None]
        if blockers:
            st.warning(tr_count("cycle.pending_count", len(blockers)), icon=":material/pending:")
        elif s.learnings(cycle.id):
            st.success(tr("cycle.all_decided"), icon=":material/task_alt:")


def learning_card(x: Learning, locked: bool, numbers: dict[object, int]) -> None:
    with st.container(border=True):
        a, b = st.columns([3, 2], vertical_alignment="center")
        a.text(x.statement)
        if x.tags:
            a.caption(" · ".join(f"#{t}" for t in x.tags))
        if x.evidence:
            a.caption(tr("cycle.evidence"))
            a.text(x.evidence)
        if x.carried_into_id in numbers:
            outcome = tr(f"loop.outcome.{x.outcome or 'none'}")
            b.caption(tr("cycle.carried_to", n=numbers[x.carried_into_id], outcome=outcome))
        options = [d for d in Decision if d is not Decision.PENDING]
        current = None if x.decision is Decision.PENDING else x.decision
        choice = b.segmented_control(
            tr("cycle.decision"), options, default=current, key=f"decide_{str(x.id)[:8]}",
            format_func=lambda d: tr(f"loop.decision.{d}"), disabled=locked,
        )  # fmt: skip
        if x.decision is Decision.PENDING:
            b.badge(tr("loop.decision.pending"), color="orange", icon=":material/pending:")
        if choice is not None and choice != x.decision and not locked:
            if attempt(lambda: loop.decide(s, x.id, Decision(choice))) is not None:
                done(tr("cycle.decided", decision=tr(f"loop.decision.{choice}")))


st.title(tr("cycle.title"))
campaigns = {str(c.id): c for c in s.campaigns()}
if not campaigns:
    st.info(tr("cycle.no_campaigns"), icon=":material/campaign:")
    st.stop()
focus_from_elsewhere()
pick, number_col = st.columns([2, 1])
chosen = pick.selectbox(tr("cycle.campaign"), list(campaigns), key="cycle_campaign",
                        format_func=lambda i: campaigns[i].name,
                        on_change=lambda: st.session_state.pop("cycle_number", None))  # fmt: skip
campaign = campaigns[chosen]
if campaign.missing_essentials():
    missing = ", ".join(tr(f"brief.{m}") for m in campaign.missing_essentials())
    st.warning(tr("overview.brief_incomplete", missing=missing), icon=":material/warning:")
cycles = s.cycles(campaign.id)
if not cycles:
    first_cycle_form(campaign)
    st.stop()
by_number = {c.number: c for c in cycles}

current = loop.current_cycle(s, campaign.id) or cycles[-1]
if st.session_state.get("cycle_number") not in by_number:
    st.session_state["cycle_number"] = current.number
number = number_col.selectbox(
    tr("cycle.cycle"), list(by_number), key="cycle_number",
    format_func=lambda n: tr("cycle.option", n=n, phase=tr(f"phase.{by_number[n].phase}")),
)  # fmt: skip
cycle = by_number[number]
locked = cycle.phase is Phase.CLOSED
with st.container(border=True):
    st.caption(tr("cycle.window", start=fmt_date(cycle.start, L), end=fmt_date(cycle.end, L)))
    if cycle.hypothesis:
        st.text(tr("cycle.hypothesis_is", text=cycle.hypothesis))
    stepper(cycle)
actions(campaign, cycle)
earlier = [(c.feedback, c.cycle_number) for c in s.open_criticism()
           if c.campaign_id == campaign.id and c.cycle_number < number]  # fmt: skip
if earlier:
    st.warning(tr_count("cycle.open_criticism", len(earlier)), icon=":material/report:")
    for f, n in earlier:
        st.text(f"• {tr('overview.cycle_n', n=n)}: {f.text}")
numbers = {c.id: c.number for c in cycles}
pending = sum(1 for x in s.learnings(cycle.id) if x.decision is Decision.PENDING)
labels = [tr(f"phase.{p}") for p in TAB_PHASES]
labels.append(tr("cycle.learnings_tab", count=pending) if pending else tr("cycle.learnings"))
# Open on the tab of the phase the cycle is in; a closed cycle opens on what it learned.
tabs = st.tabs(labels, default=labels[TAB_PHASES.index(cycle.phase) if not locked else 4])
with tabs[0]:
    plan_section(cycle, locked)
    carried_in(cycle, numbers)
with tabs[1]:
    campaign_section(campaign, cycle, locked)
with tabs[2]:
    feedback_section(cycle, locked)
with tabs[3]:
    optimization_section(cycle, locked)
with tabs[4]:
    learnings_section(cycle, locked, numbers)
