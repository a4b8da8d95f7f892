"""The cycle page's feedback and optimization sections (the page itself: views/cycle.py)."""

from __future__ import annotations

import streamlit as st

from experiments import loop
from experiments.cycle_view import Workspace
from experiments.models import (
    CommentOn,
    DutyKind,
    Feedback,
    FeedbackKind,
    FeedbackSource,
    Learning,
)
from experiments.safe_text import escape_markdown
from experiments.store import Store
from views.common import attempt, done, enum_label, keep_seen, seen, tr
from views.cycle_duties import comments, responsibility

KIND_COLOR = {"praise": "green", "criticism": "red", "question": "blue", "request": "violet",
              "idea": "orange"}  # fmt: skip
STATUS_COLOR = {"open": "red", "addressed": "orange", "communicated": "green"}


def feedback_section(s: Store, ws: Workspace) -> None:
    """Draw the feedback form and every piece of feedback with its next status."""
    goals = ws.goal_names
    if not ws.read_only:
        with st.form("feedback", clear_on_submit=True):
            text = st.text_area(tr("cycle.fb_text"), key="fb_text", height=80)
            a, b, c = st.columns(3)
            sources: list[FeedbackSource] = list(FeedbackSource)
            kinds: list[FeedbackKind] = list(FeedbackKind)
            source = a.selectbox(tr("cycle.fb_source"), sources, key="fb_source",
                                 format_func=lambda v: enum_label(v, "source"))  # fmt: skip
            kind = b.selectbox(tr("cycle.fb_kind"), kinds, key="fb_kind",
                               format_func=lambda v: enum_label(v, "feedback_kind"))  # fmt: skip
            goal = c.selectbox(tr("cycle.fb_goal"), [None, *goals], key="fb_goal",
                               format_func=lambda g: goals.get(g, tr("cycle.no_goal")))  # fmt: skip
            if st.form_submit_button(tr("cycle.fb_add"), type="primary"):
                if attempt(lambda: loop.add_feedback(s, ws.cycle.id, source, kind, text, goal)):
                    done(tr("cycle.saved"))
    for f in ws.feedback:
        with st.container(border=True):
            feedback_card(s, f, ws)
            if f.kind is FeedbackKind.CRITICISM:
                responsibility(s, ws, DutyKind.FEEDBACK, f.id)
            comments(s, ws, CommentOn.FEEDBACK, f.id)


def feedback_card(s: Store, f: Feedback, ws: Workspace) -> None:
    a, b, c = st.columns([1, 4, 2], vertical_alignment="center")
    a.badge(enum_label(f.kind, "feedback_kind"), color=KIND_COLOR[f.kind])  # type: ignore[arg-type]
    a.caption(enum_label(f.source, "source"))
    b.text(f.text)
    if f.kind is FeedbackKind.REQUEST:
        goal_name = ws.goal_names.get(f.goal_id) if f.goal_id else None
        b.caption(tr("cycle.serves", goal=escape_markdown(goal_name)) if goal_name
                  else tr("cycle.no_goal"))  # fmt: skip
    c.badge(enum_label(f.status, "feedback_status"), color=STATUS_COLOR[f.status])  # type: ignore[arg-type]
    following = ws.next_status.get(f.id)
    if following is not None:
        key = f"fb_next_{str(f.id)[:8]}"
        if c.button(tr(f"cycle.mark_{following}"), key=key, on_click=keep_seen,
                    args=(key, f.status)):  # fmt: skip
            shown = seen(key, f.status)
            if attempt(lambda: loop.move_feedback(s, f.id, shown)) is not None:
                done(tr("cycle.saved"))


def optimization_section(s: Store, ws: Workspace) -> None:
    """Draw the optimization form and every optimization with what it answers."""
    learnings = {x.id: x.statement for x in ws.carried_in + ws.own}
    feedback = {f.id: f.text for f in ws.feedback}
    if not ws.read_only:
        with st.form("optimization", clear_on_submit=True):
            what = st.text_input(tr("cycle.opt_what"), key="opt_what")
            why = st.text_area(tr("cycle.opt_why"), key="opt_why")
            a, b, c = st.columns([2, 2, 1])
            linked = a.multiselect(tr("cycle.opt_learnings"), list(learnings), key="opt_learnings",
                                   format_func=lambda i: learnings[i],
                                   placeholder=tr("cycle.choose"))  # fmt: skip
            answers = b.multiselect(tr("cycle.opt_feedback"), list(feedback), key="opt_feedback",
                                    format_func=lambda i: feedback[i],
                                    placeholder=tr("cycle.choose"))  # fmt: skip
            owner = c.text_input(tr("cycle.opt_owner"), key="opt_owner")
            if st.form_submit_button(tr("cycle.opt_add"), type="primary"):
                made = attempt(lambda: loop.add_optimization(
                    s, ws.cycle.id, what, why, tuple(linked), tuple(answers), owner))  # fmt: skip
                if made is not None:
                    done(tr("cycle.saved"))
    for o in ws.optimizations:
        with st.container(border=True):
            st.text(o.what)
            if o.why:
                st.caption(tr("cycle.because"))
                st.text(o.why)
            for i in o.learning_ids + o.feedback_ids:
                st.text(f"↳ {learnings.get(i) or feedback.get(i, '?')}")
            if o.owner:
                st.caption(tr("cycle.owner", owner=escape_markdown(o.owner)))
            responsibility(s, ws, DutyKind.OPTIMIZATION, o.id)


def carried_result(x: Learning) -> None:
    """Show, without a form, whether a carried learning was applied, why, and its outcome."""
    applied = "–" if x.applied is None else tr("cycle.yes" if x.applied else "cycle.no")
    outcome = enum_label(x.outcome or "none", "outcome")
    st.caption(f"{tr('cycle.applied')}: {applied} · {tr('cycle.outcome')}: {outcome}")
    if x.applied_reason:
        st.text(x.applied_reason)
