"""Goals: every operational goal with its progress; create and edit goals."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial

import pandas as pd
import streamlit as st

from experiments import charts, display, goal_board, overview
from experiments.db import default_target
from experiments.errors import InvalidInput
from experiments.goals import Progress
from experiments.i18n import fmt_date, t
from experiments.metrics import derived, metric_keys
from experiments.models import Comparator, Goal, ScopeKind, new_id
from experiments.safe_text import escape_markdown
from experiments.store import Area, Store
from views.common import (
    attempt,
    can,
    enum_label,
    flash,
    lang,
    reported,
    store,
    tr,
)
from views.shared import goal_progress, shared_chart, shared_contributions

FIELDS = ("name", "metric", "comparator", "target", "baseline", "start", "end", "scope",
          "campaign", "channel", "owner", "objective")  # fmt: skip


def fv(p: Progress, value: float | None) -> str:
    return display.format_value(p.goal.metric, value, lang(), p.currency)


def progress_table(progress: list[Progress], names: dict[str, str]) -> None:
    rows = [{
        "status": enum_label(p.status.value, "goal_status"), "name": p.goal.name,
        "metric": display.metric_name(p.goal.metric, lang()),
        "scope": overview.scope_label(p, names, lang()),
        "target": f"{'≥' if p.goal.comparator is Comparator.AT_LEAST else '≤'} "
                  f"{fv(p, p.goal.target)}",
        "actual": fv(p, p.actual) if p.actual is not None else tr("goals.no_data_yet"),
        "expected": fv(p, p.expected), "forecast": fv(p, p.forecast),
        # The bar stops at 100 %; the share beside it is the real one, as in the report.
        "progress": min(max(p.share or 0.0, 0.0), 1.0),
        "share": display.format_share(p.share, lang()),
    } for p in progress]  # fmt: skip
    labels = {k: tr(f"goals.col.{k}") for k in rows[0]}
    st.dataframe(
        pd.DataFrame(rows).rename(columns=labels), hide_index=True,
        column_config={labels["progress"]: st.column_config.ProgressColumn(
            labels["progress"], min_value=0.0, max_value=1.0, format="percent")},
    )  # fmt: skip


def detail(s: Store, p: Progress, names: dict[str, str]) -> None:
    g = p.goal
    st.text(g.name)
    if g.objective:
        st.text(f"{tr('goals.objective')}: {g.objective}")
    st.caption(overview.explain(p, lang()))
    if p.series:
        version, today = s.data_version(), date.today()
        chart = shared_chart(default_target(), version, today, str(g.id), lang(), p)
        st.plotly_chart(chart, config=charts.CONFIG, key="goal_chart")
    else:
        st.info(tr("goals.no_data_yet_long"), icon=":material/hourglass_empty:")
    rows = [{"campaign": c.campaign, "cycle": tr("overview.cycle_n", n=c.cycle),
             "window": f"{fmt_date(c.start, lang())} – {fmt_date(c.end, lang())}",
             "value": fv(p, c.value), "share": display.format_share(c.share, lang())}
            for c in shared_contributions(default_target(), s.data_version(), date.today(),
                                          str(g.id), p)]  # fmt: skip
    if rows:
        st.markdown(f"**{tr('report.contributions')}**")
        labels = {"campaign": tr("mgmt.campaign"), "cycle": tr("mgmt.cycle"),
                  "window": tr("overview.window"), "value": tr("goals.actual"),
                  "share": tr("report.share")}  # fmt: skip
        st.dataframe(pd.DataFrame(rows).rename(columns=labels), hide_index=True)


def goal_form(s: Store, prefix: str, goal: Goal | None, scoped: str | None = None) -> Goal | None:
    """Draw the goal fields (filled from ``goal``, its campaign ``scoped``); return the goal
    they describe on submit."""
    g = goal or Goal(new_id(), "", "clicks", Comparator.AT_LEAST, 0.0)
    k = {f: f"{prefix}_{f}" for f in FIELDS}
    # The goal as the fields were first filled (they keep what was typed across reruns): a
    # save refuses what someone changed since.
    st.session_state.setdefault(f"_seen_{prefix}", goal)
    keys = list(metric_keys())
    campaigns = {str(c.id): c.name for c in s.campaigns()}
    name = st.text_input(tr("goals.name"), value=g.name, key=k["name"])
    a, b = st.columns(2)
    # Labels bound to this run's language: a language switch must not relabel old options.
    language = lang()
    label = lambda m: f"{display.metric_name(m, language)} ({m})"  # noqa: E731
    metric = a.selectbox(tr("goals.metric"), keys, index=keys.index(g.metric), key=k["metric"],
                         format_func=label)  # fmt: skip
    comparators = list(Comparator)
    comparator = b.selectbox(
        tr("goals.comparator"),
        comparators,
        index=comparators.index(g.comparator),
        key=k["comparator"],
        format_func=lambda c: t(f"goals.comparator.{c}", language),
    )
    target = a.text_input(tr("goals.target"), value=_text(goal.target if goal else None, g.metric),
                          key=k["target"], help=tr("goals.number_help"))  # fmt: skip
    baseline = b.text_input(tr("goals.baseline"), value=_text(g.baseline, g.metric),
                            key=k["baseline"], help=tr("goals.baseline_help"))  # fmt: skip
    start = a.date_input(tr("goals.start"), value=g.period_start, key=k["start"],
                         format="YYYY-MM-DD")  # fmt: skip
    end = b.date_input(tr("goals.end"), value=g.period_end, key=k["end"], format="YYYY-MM-DD")
    scope, value = scope_fields(k, g, campaigns, language, scoped, editing=goal is not None)
    owner = st.text_input(tr("goals.owner"), value=g.owner, key=k["owner"])
    objective = st.text_area(tr("goals.objective"), value=g.objective, key=k["objective"],
                             help=tr("goals.objective_help"))  # fmt: skip
    if not st.button(
        tr("goals.save") if goal else tr("goals.create"), key=f"{prefix}_submit", type="primary"
    ):
        return None
    return attempt(lambda: replace(
        g, name=name, metric=metric, comparator=comparator,
        target=_required(overview.parse_number(target, tr("goals.target"))),
        baseline=overview.parse_number(baseline, tr("goals.baseline")),
        period_start=_day(start), period_end=_day(end), scope_kind=scope, scope_value=value,
        owner=owner, objective=objective,
    ))  # fmt: skip


def scope_fields(
    k: dict[str, str],
    g: Goal,
    campaigns: dict[str, str],
    language: str,
    scoped: str | None,
    editing: bool,
) -> tuple[ScopeKind, str | None]:
    """Draw where the goal counts; return the scope kind and its campaign id or channel."""
    kinds = list(ScopeKind)
    scope = st.radio(tr("goals.scope"), kinds, index=kinds.index(g.scope_kind), key=k["scope"],
                     horizontal=True,
                     format_func=lambda x: t(f"goals.scope.{x.value}", language))  # fmt: skip
    if scope is ScopeKind.CAMPAIGN:
        ids = list(campaigns)
        # The campaign the goal names (resolved by experiments); an edited goal whose campaign
        # is unknown opens with none chosen rather than quietly with the first one.
        current = ids.index(scoped) if scoped in ids else None if editing or not ids else 0
        value = st.selectbox(tr("mgmt.campaign"), ids, index=current, key=k["campaign"],
                             format_func=lambda i: campaigns[i])  # fmt: skip
        return scope, value
    if scope is ScopeKind.CHANNEL:
        return scope, st.text_input(tr("goals.channel"), value=g.scope_value or "",
                                    key=k["channel"], help=tr("goals.channel_help"))  # fmt: skip
    return scope, None


def _text(value: float | None, metric: str) -> str:
    """Return a stored number as people type it: rates as a percentage (0.018 → '1.8 %')."""
    if value is None:
        return ""
    definition = derived(metric)
    if definition is not None and definition.is_rate:
        return f"{round(value * 100, 6):g} %"
    return f"{value:g}"


def _day(value: object) -> date | None:
    return value if isinstance(value, date) else None


def _required(value: float | None) -> float:
    if value is None:
        raise InvalidInput(tr("goals.target_required"))
    return value


def forget(prefix: str) -> None:
    for f in FIELDS:
        st.session_state.pop(f"{prefix}_{f}", None)
    st.session_state.pop(f"_seen_{prefix}", None)


def save_edit(s: Store, prefix: str, edited: Goal) -> Goal | None:
    """Save an edited goal against the goal its form was filled from; None when refused."""
    stored = attempt(partial(s.update_goal, edited, st.session_state.get(f"_seen_{prefix}")))
    if stored is not None:
        st.session_state.pop(f"_seen_{prefix}", None)  # the fields now show the stored goal
    return stored


s = store()
st.title(tr("goals.title"))
st.caption(tr("goals.intro"))

with reported():
    shown = goal_board.from_progress(goal_progress(s))  # shared by all sessions until a write
    progress = list(shown.progress)
    names = {str(c.id): c.name for c in s.campaigns()}
    if progress:
        progress_table(progress, names)
        by_id = shown.by_id()
        if st.session_state.get("_goal_pick_next") in by_id:
            st.session_state["goal_pick"] = st.session_state.pop("_goal_pick_next")
        picked = st.selectbox(tr("goals.pick"), list(by_id), key="goal_pick",
                              format_func=lambda i: by_id[i].goal.name)  # fmt: skip
        if not can(Area.GOAL):  # a viewer reads the goals; the store would refuse a change
            detail(s, by_id[picked], names)
            st.stop()
        look, edit = st.tabs([tr("goals.tab_progress"), tr("goals.tab_edit")])
        with look:
            detail(s, by_id[picked], names)
        with edit:
            edited = goal_form(s, f"edit_{picked}", by_id[picked].goal,
                               shown.scope_campaign_id(picked))  # fmt: skip
            if edited is not None and save_edit(s, f"edit_{picked}", edited) is not None:
                flash(tr("goals.saved", name=escape_markdown(edited.name)))
                st.rerun()
    else:
        st.info(tr("goals.none_yet"), icon=":material/flag:")
    if not can(Area.GOAL):
        st.stop()

    with st.expander(tr("goals.new"), expanded=not progress, icon=":material/add:"):
        created = goal_form(s, "new_goal", None)
        if created is not None and attempt(partial(s.add_goal, created)) is not None:
            forget("new_goal")
            st.session_state["_goal_pick_next"] = str(created.id)
            flash(tr("goals.created", name=escape_markdown(created.name)))
            st.rerun()
