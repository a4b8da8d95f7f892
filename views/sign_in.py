"""Team mode's sign-in: the form shown before anything else, and signing out.

The only page code that holds a SignIn (tests/test_layering.py keeps it so). A signed-in person
is kept in this browser session as a Session; on every run it is made again from the users
table, so a role an admin changed applies at once and a deactivated member is signed out.
"""

from __future__ import annotations

import streamlit as st

from experiments.db import default_target
from experiments.errors import SignInRefused, TrackerError
from experiments.store.sessions import Session, SignIn
from views.common import SESSION, database, session, show_error, tr


def _sign_in() -> SignIn:
    return SignIn(database(default_target()))


def signed_in() -> Session | None:
    """Return who is signed in, checked again against the users table; None if nobody."""
    kept = session()
    if kept is None:
        return None
    try:
        fresh = _sign_in().member(kept.actor.username)
    except TrackerError:  # deactivated or removed meanwhile: signed out
        st.session_state.pop(SESSION, None)
        return None
    st.session_state[SESSION] = fresh
    return fresh


def sign_in_form() -> None:
    """Show the sign-in form; on a matching name and password, keep the session and rerun."""
    st.title(tr("sign_in.title"))
    st.caption(tr("sign_in.intro"))
    with st.form("sign_in", border=True):
        username = st.text_input(tr("sign_in.username"), key="sign_in_username")
        password = st.text_input(tr("sign_in.password"), type="password",
                                 key="sign_in_password")  # fmt: skip
        submitted = st.form_submit_button(tr("sign_in.submit"), type="primary")
    if not submitted:
        return
    try:
        st.session_state[SESSION] = _sign_in().with_password(username, password)
    except SignInRefused as e:
        show_error(e)
        return
    st.rerun()


def sign_out_button(who: Session) -> None:
    """Show who is signed in, with the button that signs them out."""
    actor = who.actor
    st.sidebar.caption(tr("sign_in.as", name=actor.username, role=tr(f"team.role.{actor.role}")))
    if st.sidebar.button(tr("sign_in.out"), key="sign_out", icon=":material/logout:"):
        st.session_state.pop(SESSION, None)
        st.rerun()
