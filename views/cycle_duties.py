"""The cycle page's responsibilities and comments: who answers for an item by when, and the
remarks on a cycle, learning or feedback item (the page itself: views/cycle.py)."""

from __future__ import annotations

import uuid

import streamlit as st

from experiments.cycle_view import Workspace
from experiments.i18n import fmt_date
from experiments.models import LOCAL_ACTOR, CommentOn, DutyKind
from experiments.mywork import is_overdue
from experiments.safe_text import escape_markdown
from experiments.store import Store
from views.common import attempt, done, lang, tr

DATE_FMT = {"de": "DD.MM.YYYY"}


def responsibility(s: Store, ws: Workspace, kind: DutyKind, item_id: uuid.UUID) -> None:
    """Show who answers for an item by when, and (in an open cycle) a form to change it."""
    duty = ws.duties.get(item_id)
    if duty is None:
        return
    key = f"{kind.value}_{str(item_id)[:8]}"
    if duty.assignee:
        owner = escape_markdown(ws.people.get(duty.assignee, duty.assignee))
        due = fmt_date(duty.due, lang()) if duty.due else None
        st.caption(tr("duty.shown_due", owner=owner, due=due) if due
                   else tr("duty.shown", owner=owner))  # fmt: skip
        if is_overdue(duty.due, ws.today):
            st.badge(tr("duty.overdue", due=due), color="red", icon=":material/alarm:")
    if item_id not in ws.assignable:
        return
    members = [None, *ws.members]
    if duty.assignee and duty.assignee not in ws.members:
        members.append(duty.assignee)  # deactivated since: shown, but not chosen again
    with st.form(f"duty_{key}", border=False):
        a, b, c = st.columns([2, 2, 1], vertical_alignment="bottom")
        owner_choice = a.selectbox(tr("duty.owner"), members, key=f"duty_owner_{key}",
                                   index=members.index(duty.assignee),
                                   format_func=lambda u: u or tr("duty.nobody"))  # fmt: skip
        due_choice = b.date_input(tr("duty.due"), value=duty.due, key=f"duty_due_{key}",
                                  format=DATE_FMT.get(lang(), "YYYY-MM-DD"))  # fmt: skip
        if c.form_submit_button(tr("duty.save")):
            picked = due_choice if not isinstance(due_choice, tuple) else None
            if attempt(lambda: s.assign(kind, item_id, owner_choice, picked)) is not None:
                done(tr("cycle.saved"))


def local_or(username: str) -> str:
    """Return how a page names the local admin, or the username of anyone else."""
    return tr("audit.local_admin") if username == LOCAL_ACTOR.username else username


def comments(s: Store, ws: Workspace, target: CommentOn, target_id: uuid.UUID) -> None:
    """Show the comments on a cycle, learning or feedback item as plain text, and a form to
    add one (in an open cycle)."""
    found = ws.comments.get(target_id, ())
    key = f"{target.value}_{str(target_id)[:8]}"
    with st.expander(tr("comment.title", count=len(found)), icon=":material/chat:"):
        for c in found:
            who = escape_markdown(ws.people.get(c.author) or local_or(c.author))
            st.caption(tr("comment.by", who=who, at=fmt_date(c.created_at, lang())))
            st.text(c.text)
        if ws.locked or not ws.may_comment:
            return
        with st.form(f"comment_{key}", clear_on_submit=True, border=False):
            text = st.text_area(tr("comment.label"), key=f"comment_text_{key}", height=68)
            if st.form_submit_button(tr("comment.add")):
                made = attempt(lambda: s.add_comment(target, target_id, text))
                if made is not None:
                    names = escape_markdown(", ".join(made.mentions))
                    done(tr("comment.mentioned", names=names) if names else tr("cycle.saved"))


def duty_and_comments(s: Store, ws: Workspace, kind: DutyKind, item_id: uuid.UUID) -> None:
    """Draw an item's responsibility and, for a learning or feedback item, its comments."""
    responsibility(s, ws, kind, item_id)
    if kind is not DutyKind.OPTIMIZATION:
        comments(s, ws, CommentOn(kind.value), item_id)
