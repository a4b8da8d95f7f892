"""Cycle workspace: one cycle of one campaign, a phase stepper on top, a section per phase."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import streamlit as st

from experiments import audit_words, cycle_view, loop, money
from experiments import models as m
from experiments.i18n import fmt_date, fmt_money, fmt_percent
from experiments.models import Campaign, Cycle, Decision, Learning, Phase
from experiments.safe_text import escape_markdown
from views.common import attempt, done, enum_label, keep_seen, lang, seen, store, tr, tr_count
from views.cycle_duties import comments, duty_and_comments
from views.cycle_moves import moves_pressed
from views.cycle_plan import test_plan_section
from views.cycle_sections import carried_result, feedback_section, optimization_section

s = store()
L = lang()
DATE_FMT = "DD.MM.YYYY" if L == "de" else "YYYY-MM-DD"
CHOOSE = tr("cycle.choose")
STEP_STYLE = {"done": ("check_circle", "green"), "current": ("radio_button_checked", "blue"),
              "todo": ("radio_button_unchecked", "gray")}  # fmt: skip


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
    st.info(tr("cycle.none_yet", name=escape_markdown(campaign.name)), icon=":material/flag:")
    if not cycle_view.may_change_loop(s):  # a viewer or an analyst: marketers start the loop
        return
    start, end = loop.suggested_window(None, date.today())
    with st.form("first_cycle"):
        left, right = st.columns(2)
        first = left.date_input(tr("cycle.start"), start, key="first_start", format=DATE_FMT)
        last = right.date_input(tr("cycle.end"), end, key="first_end", format=DATE_FMT)
        hypothesis = st.text_area(tr("cycle.hypothesis"), key="first_hypothesis",
                                  placeholder=tr("cycle.hypothesis_hint"))  # fmt: skip
        changes = st.text_area(tr("cycle.changes"), key="first_changes")
        budget = st.number_input(tr("cycle.budget", code=money.account_currency(s, campaign.id)),
                                 min_value=0.0, value=None, step=100.0,
                                 key="first_budget")  # fmt: skip
        if st.form_submit_button(tr("cycle.start_first"), type="primary"):
            made = attempt(lambda: loop.start_first_cycle(
                s, campaign.id, first, last, hypothesis, changes, budget))  # fmt: skip
            if made is not None:
                done(tr("cycle.started", n=made[0].number))


def stepper(cycle: Cycle) -> None:
    cols = st.columns(len(cycle_view.steps(cycle)))
    for col, step in zip(cols, cycle_view.steps(cycle), strict=True):
        label = enum_label(step.phase, "phase")
        if step.phase is Phase.CLOSED and step.state != "done":
            label = tr("cycle.step_next")
        icon, color = STEP_STYLE[step.state]
        col.badge(label, icon=f":material/{icon}:", color=color)  # type: ignore[arg-type]
        # A step left by a step back keeps its old stamp; only reached steps show a date.
        col.caption(fmt_date(step.at.date(), L) if step.at and step.state != "todo" else "\u00a0")


def next_start_dialog(ws: cycle_view.Workspace) -> None:
    cycle = ws.cycle
    st.subheader(tr("cycle.next_title", n=cycle.number, m=cycle.number + 1))
    if ws.blockers:
        st.error(tr("cycle.gate_refused", n=cycle.number), icon=":material/block:")
        for b in ws.blockers:
            if b.learning is not None:
                st.text(f"• {tr('cycle.blocker_pending')}: {b.learning.statement}")
                # Decided here, the person need not leave the dialog to turn the loop.
                decision_control(b.learning, f"ns_decide_{str(b.learning.id)[:8]}", locked=False)
            else:
                st.text(f"• {tr('cycle.blocker_phase', phase=enum_label(b.phase, 'phase'))}")
        return
    st.write(tr("cycle.next_summary", n=cycle.number, carried=len(ws.carried),
                dropped=ws.dropped))  # fmt: skip
    for x in ws.carried:
        st.text(f"→ {x.statement}")
    start, end = ws.next_window
    left, right = st.columns(2)
    first = left.date_input(tr("cycle.start"), start, key="ns_start", format=DATE_FMT)
    last = right.date_input(tr("cycle.end"), end, key="ns_end", format=DATE_FMT)
    hypothesis = st.text_area(tr("cycle.hypothesis"), key="ns_hypothesis")
    changes = st.text_area(tr("cycle.changes"), ws.next_changes, key="ns_changes",
                           help=tr("cycle.next_changes_hint"))  # fmt: skip
    budget = st.number_input(tr("cycle.budget", code=ws.money.account), min_value=0.0,
                             value=cycle.budget, step=100.0, key="ns_budget")  # fmt: skip
    if st.button(tr("cycle.next_confirm", m=cycle.number + 1), key="ns_confirm", type="primary",
                 on_click=keep_seen, args=("ns_confirm", cycle.id)):  # fmt: skip
        closing = seen("ns_confirm", cycle.id)
        made = attempt(lambda: loop.next_start(s, ws.campaign.id, first, last, hypothesis,
                                               planned_changes=changes, budget=budget,
                                               closing=closing))  # fmt: skip
        if made is not None:
            st.session_state.pop("ask_next", None)
            st.session_state["_cycle_number_next"] = made.number
            done(tr("cycle.next_done", n=cycle.number, m=made.number))


def forget_dialog() -> None:
    st.session_state.pop("ask_next", None)


def actions(ws: cycle_view.Workspace) -> None:
    cycle = ws.cycle
    moves_pressed(s, cycle)
    if ws.locked:
        st.info(tr("cycle.closed_note", n=cycle.number), icon=":material/lock:")
        return
    row = st.container(horizontal=True)
    if ws.back_to is not None:
        to = enum_label(ws.back_to, "phase")
        # The move itself is made by moves_pressed, on the next run.
        row.button(tr("cycle.back", phase=to), key="phase_back", icon=":material/undo:",
                   on_click=keep_seen, args=("phase_back", cycle.phase))  # fmt: skip
    if ws.forward_to is not None:
        to = enum_label(ws.forward_to, "phase")
        row.button(tr("cycle.advance", phase=to), key="phase_advance", type="primary",
                   icon=":material/arrow_forward:", on_click=keep_seen,
                   args=("phase_advance", cycle.phase))  # fmt: skip
    if ws.can_turn:
        if ws.pending:
            st.warning(tr_count("cycle.pending_count", len(ws.pending)), icon=":material/pending:")
        if row.button(tr("cycle.next_button", m=cycle.number + 1), key="next_start",
                      type="primary", icon=":material/autorenew:"):  # fmt: skip
            st.session_state["ask_next"] = True
        if st.session_state.get("ask_next"):
            # Opened from session state, so the dialog's own widgets survive their reruns.
            dialog = st.dialog(tr("cycle.next_dialog"), width="large", on_dismiss=forget_dialog)
            dialog(next_start_dialog)(ws)


def fill_plan(cycle: Cycle) -> None:
    """Put a cycle's plan into the plan and go-live forms, once per cycle and after a save."""
    if st.session_state.get("_plan_for") == str(cycle.id):
        return
    st.session_state.update(
        _plan_for=str(cycle.id), plan_hypothesis=cycle.hypothesis,
        plan_changes=cycle.planned_changes, plan_start=cycle.start, plan_end=cycle.end,
        plan_budget=cycle.budget, live_what=cycle.went_live, live_channels=list(cycle.channels),
        # The cycle as the forms show it: a save refuses a plan someone changed since.
        _plan_seen=cycle,
    )  # fmt: skip


def save_plan(edited: Cycle) -> None:
    shown = st.session_state.get("_plan_seen")
    if attempt(lambda: loop.save_plan(s, edited, shown)) is not None:
        st.session_state.pop("_plan_for", None)
        done(tr("cycle.saved"))


def plan_section(cycle: Cycle, locked: bool, budget_currency: str) -> None:
    test_plan_section(s, cycle, not locked)
    fill_plan(cycle)
    with st.container() if locked else st.form("plan"):  # read-only: the plan, no button
        hypothesis = st.text_area(tr("cycle.hypothesis"), key="plan_hypothesis", disabled=locked)
        changes = st.text_area(tr("cycle.changes"), key="plan_changes", disabled=locked)
        a, b, c = st.columns(3)
        first = a.date_input(tr("cycle.start"), key="plan_start", format=DATE_FMT, disabled=locked)
        last = b.date_input(tr("cycle.end"), key="plan_end", format=DATE_FMT, disabled=locked)
        budget = c.number_input(tr("cycle.budget", code=budget_currency), min_value=0.0,
                                step=100.0, key="plan_budget", disabled=locked)  # fmt: skip
        if not locked and st.form_submit_button(tr("cycle.save_plan")):
            save_plan(replace(cycle, hypothesis=hypothesis, planned_changes=changes, start=first,
                              end=last, budget=budget))  # fmt: skip


def carried_in(ws: cycle_view.Workspace) -> None:
    st.subheader(tr("cycle.carried_in"))
    if not ws.carried_in:
        st.caption(tr("cycle.nothing_carried"))
    for x in ws.carried_in:
        with st.container(border=True):
            carried_card(x, ws) if ws.may_change else carried_result(x)  # read only: no form


def carried_card(x: Learning, ws: cycle_view.Workspace) -> None:
    st.text(x.statement)
    st.caption(tr("cycle.from_cycle", n=ws.numbers.get(x.cycle_id, 0),
                  decision=enum_label(x.decision, "decision")))  # fmt: skip
    k = str(x.id)[:8]
    a, b, c, d = st.columns([2, 3, 2, 1], vertical_alignment="bottom")
    applied = a.radio(tr("cycle.applied"), [True, False], key=f"applied_{k}", horizontal=True,
                      index=None if x.applied is None else [True, False].index(x.applied),
                      format_func=lambda v: tr("cycle.yes" if v else "cycle.no"))  # fmt: skip
    reason = b.text_input(tr("cycle.reason"), x.applied_reason, key=f"reason_{k}")
    outcomes = [None, *m.Outcome]
    outcome = c.selectbox(tr("cycle.outcome"), outcomes, index=outcomes.index(x.outcome),
                          key=f"outcome_{k}", format_func=outcome_label)  # fmt: skip
    if d.button(tr("cycle.save"), key=f"apply_save_{k}", on_click=keep_seen,
                args=(f"apply_save_{k}", x)):  # fmt: skip
        shown = seen(f"apply_save_{k}", x)
        if attempt(lambda: loop.record_carried_result(
                s, x.id, ws.cycle.id, applied, reason, outcome, shown)) is not None:  # fmt: skip
            done(tr("cycle.saved"))
    if x.id in ws.restatable:
        if st.button(tr("cycle.restate"), key=f"restate_{k}", icon=":material/replay:"):
            if attempt(lambda: loop.restate(s, x.id, ws.cycle.id)) is not None:
                done(tr("cycle.saved"))


def campaign_section(ws: cycle_view.Workspace) -> None:
    cycle, locked = ws.cycle, ws.read_only
    live_at = cycle.phase_changed_at.get(Phase.CAMPAIGN.value)
    st.caption(tr("cycle.live_since", when=fmt_date(live_at.date(), L)) if live_at
               else tr("cycle.not_live"))  # fmt: skip
    options = sorted(set(ws.campaign.channels) | set(cycle.channels))
    fill_plan(cycle)
    with st.container() if locked else st.form("live"):
        went_live = st.text_area(tr("cycle.went_live"), key="live_what", disabled=locked)
        channels = st.multiselect(tr("cycle.channels"), options, key="live_channels",
                                  accept_new_options=True, disabled=locked,
                                  placeholder=CHOOSE)  # fmt: skip
        if not locked and st.form_submit_button(tr("cycle.save")):
            save_plan(replace(cycle, went_live=went_live, channels=tuple(channels)))
    a, b, c = st.columns(3)
    cash = ws.money  # the budget is in the account currency, the spend in the facts' own
    a.metric(tr("cycle.planned_spend"), fmt_money(cycle.budget, L, cash.account))
    b.metric(tr("cycle.actual_spend"), fmt_money(ws.spent, L, cash.currency))
    if cash.refused is not None:
        st.warning(cash.refused.text(L), icon=":material/currency_exchange:")
    elif cash.conversion is not None:
        st.caption(money.conversion_text(cash.conversion, L))
    if ws.budget_used is not None:
        c.metric(tr("cycle.budget_used"), fmt_percent(ws.budget_used, L, 0))
        st.progress(min(ws.budget_used, 1.0))
    elif ws.spent is None and cash.refused is None:
        st.caption(tr("cycle.no_facts"))


def confidence_label(level: m.Confidence | None) -> str:
    return tr(f"loop.confidence.{level or 'none'}")


def outcome_label(outcome: m.Outcome | None) -> str:
    return enum_label(outcome or "none", "outcome")


def learnings_section(ws: cycle_view.Workspace) -> None:
    if not ws.read_only:
        with st.form("learning", clear_on_submit=True):
            text = st.text_input(tr("cycle.learn_text"), key="learn_text")
            evidence = st.text_area(tr("cycle.learn_evidence"), key="learn_evidence")
            a, b = st.columns(2)
            tags = a.text_input(tr("cycle.learn_tags"), key="learn_tags")
            level = b.selectbox(tr("cycle.learn_confidence"), [None, *m.Confidence],
                                key="learn_conf", format_func=confidence_label)  # fmt: skip
            if st.form_submit_button(tr("cycle.learn_add"), type="primary"):
                made = attempt(lambda: loop.add_learning(
                    s, ws.cycle.id, text, evidence, tuple(tags.split(",")), level))  # fmt: skip
                if made is not None:
                    done(tr("cycle.saved"))
    for x in ws.own:
        learning_card(x, ws)
    if not ws.locked:
        if ws.pending:
            st.warning(tr_count("cycle.pending_count", len(ws.pending)), icon=":material/pending:")
        elif ws.own:
            st.success(tr("cycle.all_decided"), icon=":material/task_alt:")


def learning_card(x: Learning, ws: cycle_view.Workspace) -> None:
    with st.container(border=True):
        a, b = st.columns([3, 2], vertical_alignment="center")
        a.text(x.statement)
        details = [tr("cycle.confidence_is", level=confidence_label(x.confidence))]
        details += [escape_markdown(f"#{t}") for t in x.tags]
        a.caption(" · ".join(details))
        if x.evidence:
            a.caption(tr("cycle.evidence"))
            a.text(x.evidence)
        into = ws.numbers.get(x.carried_into_id) if x.carried_into_id else None
        if into is not None:
            outcome = enum_label(x.outcome or "none", "outcome")
            b.caption(tr("cycle.carried_to", n=into, outcome=outcome))
        with b:
            decision_control(x, f"decide_{str(x.id)[:8]}", ws.read_only)
        duty_and_comments(s, ws, m.DutyKind.LEARNING, x.id)


def decision_control(x: Learning, key: str, locked: bool) -> None:
    """Draw carry forward / drop / retest for a learning; a choice is recorded at once."""
    options = [d for d in Decision if d is not Decision.PENDING]
    current = None if x.decision is Decision.PENDING else x.decision
    choice = st.segmented_control(
        tr("cycle.decision"), options, default=current, key=key,
        format_func=lambda d: enum_label(d, "decision"), disabled=locked,
        on_change=keep_seen, args=(key, x.decision),
    )  # fmt: skip
    if x.decision is Decision.PENDING:
        st.badge(enum_label("pending", "decision"), color="orange", icon=":material/pending:")
    if choice is not None and choice != x.decision and not locked:
        shown = seen(key, x.decision)
        if attempt(lambda: loop.decide(s, x.id, Decision(choice), shown)) is not None:
            done(tr("cycle.decided", decision=enum_label(choice, "decision")))


def tab_label(tab: str) -> str:
    if tab != cycle_view.LEARNINGS_TAB:
        return enum_label(tab, "phase")
    return tr("cycle.learnings_tab", count=len(ws.pending)) if ws.pending else tr("cycle.learnings")


def option_label(c: Cycle) -> str:
    return tr("cycle.option", n=c.number, phase=enum_label(c.phase, "phase"))


def cycle_picker(ws: cycle_view.Workspace) -> None:
    """Draw the cycle select; a label that changed (a phase moved) is redrawn in the browser."""
    by_number = {c.number: c for c in ws.cycles}
    labels = tuple(option_label(c) for c in ws.cycles)
    # The browser's select keeps showing an option's old text when only the text changed (the
    # phase after 'On to …'); a value set from here makes it redraw the chosen option.
    if st.session_state.get("_cycle_labels") != labels or (
        st.session_state.get("cycle_number") != ws.cycle.number
    ):
        st.session_state["_cycle_labels"] = labels
        st.session_state["cycle_number"] = ws.cycle.number
    number_col.selectbox(
        tr("cycle.cycle"), list(by_number), key="cycle_number",
        format_func=lambda n: option_label(by_number[n]),
    )  # fmt: skip


def section_picker(ws: cycle_view.Workspace) -> str:
    """Draw the section tabs as a keyed control, so a rerun (a learning added) keeps the tab."""
    here = (str(ws.cycle.id), ws.cycle.phase.value)
    # Another cycle, or this one in another phase, opens on the tab of its phase.
    if st.session_state.get("_tab_for") != here or st.session_state.get("cycle_tab") is None:
        st.session_state["_tab_for"] = here
        st.session_state["cycle_tab"] = ws.opening_tab
    chosen = st.segmented_control(tr("cycle.section"), cycle_view.TABS, key="cycle_tab",
                                  required=True, format_func=tab_label,
                                  label_visibility="collapsed", width="stretch")  # fmt: skip
    return chosen or ws.opening_tab


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
found = cycle_view.workspace(s, campaign.id, st.session_state.get("cycle_number"), date.today())
if found is None:
    first_cycle_form(campaign)
    st.stop()
ws = found
cycle_picker(ws)
with st.container(border=True):
    st.caption(tr("cycle.window", start=fmt_date(ws.cycle.start, L), end=fmt_date(ws.cycle.end, L)))
    if ws.cycle.hypothesis:
        st.text(tr("cycle.hypothesis_is", text=ws.cycle.hypothesis))
    stepper(ws.cycle)
actions(ws)
if ws.earlier_criticism:
    st.warning(
        tr_count("cycle.open_criticism", len(ws.earlier_criticism)), icon=":material/report:"
    )
    for f, n in ws.earlier_criticism:
        st.text(f"• {tr('overview.cycle_n', n=n)}: {f.text}")
# Only the chosen section runs: the others would be drawn and thrown away on every rerun.
match section_picker(ws):
    case Phase.START.value:
        plan_section(ws.cycle, ws.read_only, ws.money.account)
        carried_in(ws)
    case Phase.CAMPAIGN.value:
        campaign_section(ws)
    case Phase.FEEDBACK.value:
        feedback_section(s, ws)
    case Phase.OPTIMIZATION.value:
        optimization_section(s, ws)
    case _:
        learnings_section(ws)

comments(s, ws, m.CommentOn.CYCLE, ws.cycle.id)
with st.expander(tr("audit.history"), icon=":material/history:"):
    history = audit_words.cycle_history(s, ws.cycle.id, L)
    if not history:
        st.caption(tr("audit.history_none"))
    for h in history:
        st.text(f"{fmt_date(h.happened_at, L)} · {h.text}")
