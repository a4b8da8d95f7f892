"""What the pages compute once per process for every session, and its priming at start-up.

Goal progress, the overview's sparklines and spend rows, a goal's chart and contributions, and a
comparison with its figures are the same for every session until something is written (which
changes the data version), so they are kept per process (``st.cache_resource``) under the
database, the data version and what else picks them. They live in this importable module, not
in the page scripts, so that ``prime`` can fill them for the served database before the server
listens: the first visitor after a start then finds the overview, goals and compare computed.
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any, NamedTuple

import streamlit as st
from plotly.graph_objects import Figure

from experiments import charts, goal_board, goals, overview
from experiments import compare_charts as cc
from experiments import compare_view as cv
from experiments.db import default_target
from experiments.goals import Progress
from experiments.i18n import LANGS
from experiments.store import Store
from views.common import reader


@st.cache_resource(max_entries=4, show_spinner=False)
def shared_progress(target: str, version: str, today: date) -> list[Progress]:
    """Return every goal's progress, computed once per process for a data version and day."""
    # A fact query per goal, the same for every session until something is written (which
    # changes ``version``): not worth repeating on every run of every page.
    return goals.progress(reader(target), today)


def goal_progress(s: Store) -> list[Progress]:
    """Return every goal's progress today, shared by all sessions until the next write."""
    # A copy: the kept list is shared by every session, and a page may sort what it gets.
    return list(shared_progress(default_target(), s.data_version(), date.today()))


@st.cache_resource(max_entries=4, show_spinner=False)
def sparklines(target: str, version: str, today: date) -> dict[Any, str]:
    """Return each goal's sparkline (an SVG), drawn once per data version and day."""
    progress = shared_progress(target, version, today)
    drawn = {p.goal.id: charts.sparkline(p) for p in progress}
    return {goal: svg for goal, svg in drawn.items() if svg is not None}


@st.cache_resource(max_entries=4, show_spinner=False)
def spend_per_cycle(target: str, version: str) -> list[dict[str, Any]]:
    """Return the spend per cycle (one pass over the facts), once per data version."""
    return overview.spend_rows(reader(target))


# A goal's chart and its contributions: built once per process, data version and day (plotly
# figures are slow to build).
@st.cache_resource(max_entries=64, show_spinner=False)
def shared_chart(target: str, version: str, today: date, goal_id: str, language: str,
                 _p: Progress) -> Figure:  # fmt: skip
    # A leading underscore keeps the progress out of the cache key: the database, the goal,
    # the data version and the day say which progress it is.
    return charts.goal_chart(_p, language)


@st.cache_resource(max_entries=64, show_spinner=False)
def shared_contributions(target: str, version: str, today: date, goal_id: str,
                         _p: Progress) -> tuple[goals.Contribution, ...]:  # fmt: skip
    return goals.contributions(reader(target), _p)


class Choice(NamedTuple):
    """The cycles chosen on the compare page: what a comparison kept for every session is
    keyed by."""

    campaign_id: str
    baseline: int
    compared: int
    also: tuple[int, ...]
    reference: cv.Reference


@st.cache_resource(max_entries=16, show_spinner=False)
def shared_view(target: str, version: str, key: Choice) -> cv.CyclesView | cv.Blocked:
    shared = reader(target)
    campaign = next(c for c in shared.campaigns() if str(c.id) == key.campaign_id)
    return cv.cycles(shared, campaign, key.baseline, key.compared, key.also, key.reference)


@st.cache_resource(max_entries=32, show_spinner=False)
def shared_forest(target: str, version: str, key: Choice, language: str) -> Figure:
    view = shared_view(target, version, key)
    assert isinstance(view, cv.CyclesView)
    return cc.forest(view.comparison, language)


@st.cache_resource(max_entries=32, show_spinner=False)
def shared_series(target: str, version: str, key: Choice, metric: str, language: str) -> Figure:
    view = shared_view(target, version, key)
    assert isinstance(view, cv.CyclesView)
    starts: dict[int, object] = {c.number: c.start for c in view.data.cycles}
    return cc.daily_series(view.data.daily(), metric, starts, language, view.colours,
                           view.data.currency)  # fmt: skip


def prime(target: str) -> None:
    """Fill the kept results for what the pages show first on ``target``: goal progress, the
    overview's sparklines and spend rows, the first goal's chart and the first campaign's
    default comparison, in both languages. A failure only costs the priming: the pages compute
    what is missing on their first run, as without it."""
    # Outside a script run Streamlit warns on each kept call that it has no run context; here
    # that is expected, and a page's first run would not warn.
    quiet = logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context")
    level, quiet.level = quiet.level, logging.ERROR
    try:
        store = reader(target)
        version, today = store.data_version(), date.today()
        progress = shared_progress(target, version, today)
        sparklines(target, version, today)
        spend_per_cycle(target, version)
        board = goal_board.from_progress(progress)
        for p in board.progress[:1]:
            shared_contributions(target, version, today, str(p.goal.id), p)
            for language in LANGS:
                shared_chart(target, version, today, str(p.goal.id), language, p)
        campaigns = store.campaigns()
        if not campaigns:
            return
        offer = cv.picker(store, campaigns[0])
        if offer.baseline is None or offer.compared is None:
            return
        key = Choice(str(campaigns[0].id), offer.baseline, offer.compared, (),
                     cv.Reference.BASELINE)  # fmt: skip
        if isinstance(shared_view(target, version, key), cv.CyclesView):
            for language in LANGS:
                shared_forest(target, version, key, language)
    except Exception:  # noqa: BLE001 - the pages compute it themselves when this fails
        logging.getLogger(__name__).warning("priming skipped", exc_info=True)
    finally:
        quiet.setLevel(level)
