"""Team mode's sign-in: the form shown before anything else, and signing out.

Two ways in: a username and password checked against the users table, or, where the admin has
configured Streamlit's ``[auth]`` secrets, the company's identity provider (OpenID Connect
through ``st.login``). The provider vouches for a username claim (``preferred_username`` unless
``[tracker] username_claim`` names another), which must be an active member of the users table:
the role always comes from there, never from the provider.

The only page code that holds a SignIn (tests/test_layering.py keeps it so). A signed-in person
is kept in this browser session as a Session; on every run it is made again from the users
table, so a role an admin changed applies at once and a deactivated member is signed out.
"""

from __future__ import annotations

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from experiments.db import default_target
from experiments.errors import NotFound, SignInRefused, TrackerError
from experiments.store import Store
from experiments.store.sessions import Session, SignIn
from experiments.team import make_first_admin
from views.common import SESSION, database, reported, session, show_error, tr


def _sign_in() -> SignIn:
    return SignIn(database(default_target()))


@st.cache_resource(show_spinner=False)
def _first_admin(target: str) -> bool:
    # Once per process, as `serve --team` does before the server starts (for a server started
    # otherwise); a refused setting is not kept, so the next run tries the fixed one again.
    make_first_admin(Store(database(target)))
    return True


def _provider_configured() -> bool:
    # st.secrets raises when there is no secrets file at all.
    try:
        return "auth" in st.secrets
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return False


def _provider_username() -> str | None:
    """Return the username the identity provider vouches for, if someone signed in there."""
    if not _provider_configured() or not st.user.is_logged_in:
        return None
    claim = str(st.secrets.get("tracker", {}).get("username_claim", "preferred_username"))
    value = st.user.get(claim)
    return str(value) if value else ""


def signed_in() -> Session | None:
    """Return who is signed in, checked again against the users table; None if nobody."""
    kept = session()
    if kept is None and (username := _provider_username()) is not None:
        try:
            kept = _sign_in().member(username)
        except (NotFound, SignInRefused) as e:
            st.session_state["_provider_refused"] = e
            return None
        st.session_state[SESSION] = kept
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
    with reported():
        _first_admin(default_target())
    refused = st.session_state.pop("_provider_refused", None)
    if isinstance(refused, TrackerError):
        show_error(refused if isinstance(refused, SignInRefused) else NotFound(
            tr("sign_in.not_a_member", name=_provider_username() or "?")))  # fmt: skip
        st.button(tr("sign_in.other_account"), on_click=st.logout, key="provider_out")
    if _provider_configured():
        st.caption(tr("sign_in.intro_provider"))
        st.button(tr("sign_in.provider"), on_click=st.login, type="primary", key="provider_in",
                  icon=":material/badge:")  # fmt: skip
        st.divider()
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
        if _provider_configured() and st.user.is_logged_in:
            st.logout()  # removes the provider's cookie and starts a new session
        st.rerun()
