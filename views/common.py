"""What every page shares: the store of this script run, the language, error display.

Rendering helpers only: decisions belong to experiments/, SQL to experiments/store.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import streamlit as st
from streamlit.errors import StreamlitAPIException

from experiments import display, team, warm
from experiments.db import Database, default_target
from experiments.errors import DatabaseTrouble, TrackerError
from experiments.i18n import LANGS, normalise_lang, t, t_count
from experiments.lake import retried
from experiments.models import Role
from experiments.safe_text import escape_markdown
from experiments.store import Area, Store
from experiments.store.sessions import Session

T = TypeVar("T")


@st.cache_resource(show_spinner=False)
def database(target: str) -> Database:
    # One connection per process: every session and script run takes cursors from it.
    return Database.open(target)


def stop_on_database_trouble() -> None:
    """Open the database; when it cannot be opened, show why as the only page and stop."""
    try:
        database(default_target())
    except DatabaseTrouble as e:
        # Not kept by the cache: the next run tries again, so closing the other program and
        # reloading is enough.
        show_trouble(e)
        st.stop()


def show_trouble(trouble: DatabaseTrouble) -> None:
    """Show a database in trouble: its title, what happened, and what to do."""
    logging.getLogger("launch_and_learn").warning("database trouble: %s", trouble)
    st.title(trouble.title(lang()))
    st.subheader(tr("db.page.what"))
    happened = f"{trouble.what(lang())} {tr('db.nothing_written')}"
    st.error(escape_markdown(happened), icon=":material/error:")
    st.subheader(tr("db.page.do"))
    st.info(escape_markdown(trouble.advice(lang())), icon=":material/build:")


# Where the sign-in step keeps the person it signed in: a Session, which only a SignIn of the
# store makes (with the role the users table gives), so nothing else put here can act as anyone.
SESSION = "session"


def session() -> Session | None:
    """Return the session of the signed-in person; None in local mode (the local admin)."""
    value = st.session_state.get(SESSION)
    return value if isinstance(value, Session) else None


def can(area: Area) -> bool:
    """Return True when the person using the page may change the data of ``area`` (the local
    admin in local mode may change everything); pages show their forms and buttons only then."""
    who = session()
    return team.may_change(who.actor.role if who is not None else Role.ADMIN, area)


def store() -> Store:
    """Return a store over a fresh cursor for this script run, acting as who signed in."""
    return Store(database(default_target()), session())


def reader(target: str) -> Store:
    """Return a store for reads shared by every session (in functions cached per process)."""
    return Store(database(target))


@st.cache_resource(show_spinner=False)
def _warm_up() -> threading.Thread:
    # Started by `streamlit run dashboard.py`, where nothing was loaded before the first page;
    # under `experiments serve` everything is loaded already and this returns at once.
    thread = threading.Thread(target=warm.preload, name="warm-up", daemon=True)
    thread.start()
    return thread


def warm_up() -> None:
    """Start loading, once per process and in the background, what other pages will need."""
    _warm_up()


def lang() -> str:
    """Return the language chosen in the sidebar (from the URL, else the browser's locale)."""
    value = st.session_state.get("lang")
    if value not in LANGS:
        # A reload or a shared link carries ?lang=…; without it the browser's locale decides
        # (None outside a browser session, e.g. AppTest, which means English).
        asked = st.query_params.get("lang")
        value = asked if asked in LANGS else normalise_lang(st.context.locale)
        st.session_state["lang"] = value
    return str(value)


def keep_lang_in_url() -> None:
    """Write the chosen language into the URL, so a reload or a shared link keeps it."""
    # Every run, not only on a change: moving to another page drops the query string.
    if st.query_params.get("lang") != lang():
        st.query_params["lang"] = lang()


def relabel_selects() -> None:
    """Make the current page's select widgets show their labels in the newly chosen language.

    The browser keeps a select's choice as its label text, and a keyed widget survives the
    language switch, so it would go on showing the old label. Writing each value back through
    session state makes Streamlit send it again, formatted in the new language.
    """
    state = st.session_state
    for key in list(state.keys()):
        value = state[key]
        if key == "lang" or not _relabelable(value):
            continue
        try:
            state[key] = value
        except StreamlitAPIException:  # a widget that cannot be set carries no label to fix
            continue


def _relabelable(value: object) -> bool:
    # Buttons and submitters hold bools, uploads hold files, charts and editors hold dicts:
    # setting those through session state is refused when their widget is drawn.
    if isinstance(value, list | tuple):
        return bool(value) and all(_relabelable(v) for v in value)
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def tr(key: str, **values: object) -> str:
    """Return a text of the catalogs in the chosen language."""
    return t(key, lang(), **values)


def enum_label(value: object, kind: str) -> str:
    """Return the label of an enum value (a phase, a decision …) in the chosen language."""
    return display.enum_label(str(value), lang(), kind)


def tr_count(key: str, count: int, **values: object) -> str:
    """Return the singular or plural text for ``count`` in the chosen language."""
    return t_count(key, count, lang(), **values)


def show_error(error: TrackerError | str) -> None:
    """Show a domain error's message in the chosen language, as text, with the error icon."""
    # Messages quote names and cells as they were typed; st.error would read them as Markdown.
    text = error.text(lang()) if isinstance(error, TrackerError) else error
    st.error(escape_markdown(text), icon=":material/error:")


@contextmanager
def reported() -> Iterator[None]:
    """Show a domain error as a message the person can act on; never a traceback."""
    try:
        yield
    except TrackerError as e:
        show_error(e)


def attempt(action: Callable[[], T]) -> T | None:
    """Run a write (again, when another app server's commit came first: ``lake.retried``);
    on a domain error show its message and return None."""
    try:
        return retried(action)
    except TrackerError as e:
        show_error(e)
        return None


def keep_seen(key: str, value: object) -> None:
    """Keep what the page showed when the widget ``key`` was used (an on_click/on_change
    callback: Streamlit runs it with the arguments of the run that drew the widget)."""
    st.session_state[f"_seen_{key}"] = value


def seen(key: str, shown: T) -> T:
    """Return what the page showed when the widget ``key`` was used, else ``shown``: a write
    checks it again, so a change someone made since is refused rather than overwritten."""
    kept: T = st.session_state.pop(f"_seen_{key}", shown)
    return kept


def flash(message: str) -> None:
    """Keep a success message to show after the rerun that a write triggers."""
    st.session_state["_flash"] = message


def done(message: str) -> None:
    """Keep a success message and run the page again, so it shows what was written."""
    flash(message)
    st.rerun()


def show_flash() -> None:
    """Show the message kept by ``flash`` once."""
    message = st.session_state.pop("_flash", None)
    if message:
        st.success(message, icon=":material/check_circle:")


def log_unexpected_error() -> str:
    """Log the exception being handled with a short reference and return the reference."""
    ref = secrets.token_hex(4)
    logging.getLogger("launch_and_learn").exception("unexpected error, reference %s", ref)
    return ref
