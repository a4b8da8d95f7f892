"""Overview, the manager's home: goals as traffic lights, the loop, learnings, criticism, costs.

On a new database it offers the demo workspace and a first campaign instead.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import partial
from typing import Any

import pandas as pd
import streamlit as st

from experiments import charts, display, overview
from experiments import welcome as welcome_view
from experiments.db import default_target
from experiments.demo import load_demo
from experiments.exports import export_bytes, offer
from experiments.goals import Progress, Status
from experiments.i18n import fmt_date, fmt_number, t
from experiments.models import Alias, Comparator
from experiments.mywork import overdue_by_campaign
from experiments.reports import build_report, report_file_name
from experiments.safe_text import escape_markdown
from experiments.store import Store
from experiments.store.exports import EXPORT_TABLES
from views.common import (
    attempt,
    enum_label,
    flash,
    lang,
    reported,
    store,
    tr,
)
from views.shared import goal_progress, sparklines, spend_per_cycle

BADGES: dict[Status, tuple[str, str]] = {
    Status.ACHIEVED: ("blue", ":material/verified:"),
    Status.ON_TRACK: ("green", ":material/check_circle:"),
    Status.AT_RISK: ("orange", ":material/warning:"),
    Status.OFF_TRACK: ("red", ":material/error:"),
    Status.NO_DATA: ("gray", ":material/help:"),
    Status.TOO_EARLY: ("gray", ":material/hourglass_top:"),
}


def welcome() -> None:
    """The product's name and the loop it tracks, for a first visit."""
    st.header(tr("welcome.product"), divider="gray")
    st.markdown(f"**{tr('welcome.tagline')}**")
    left, right = st.columns([3, 2], vertical_alignment="center")
    left.plotly_chart(welcome_view.loop_figure(lang()), key="loop_diagram",
                      config={**charts.CONFIG, "staticPlot": True})  # fmt: skip
    right.caption(tr("welcome.explain"))


def empty_state(s: Store) -> None:
    welcome()
    st.info(tr("overview.empty"), icon=":material/rocket_launch:")
    left, right = st.columns(2)
    with left:
        st.subheader(tr("overview.demo_heading"))
        st.caption(tr("overview.demo_help"))
        if st.button(tr("overview.load_demo"), key="load_demo", type="primary"):
            with st.spinner(tr("overview.loading_demo")):
                if attempt(lambda: load_demo(s)) is not None:
                    flash(tr("overview.demo_loaded"))
                    st.rerun()
    with right:
        st.subheader(tr("overview.create_heading"))
        with st.form("create_campaign"):
            name = st.text_input(tr("campaign.name"), key="new_campaign_name")
            channels = st.text_input(tr("campaign.channels_help"), key="new_campaign_channels")
            alias = st.text_input(tr("campaign.alias_help"), key="new_campaign_alias")
            if st.form_submit_button(tr("overview.create_campaign")):
                created = attempt(
                    lambda: s.create_campaign(
                        name,
                        channels=tuple(channels.split(",")),
                        aliases=(Alias(alias.strip()),) if alias.strip() else (),
                    )
                )
                if created is not None:
                    flash(tr("overview.campaign_created", name=escape_markdown(created.name)))
                    st.rerun()


def goal_card(p: Progress, names: dict[str, str], spark: str | None) -> None:
    g, fv = p.goal, partial(display.format_value, p.goal.metric, lang=lang(), currency=p.currency)
    with st.container(border=True):
        color, icon = BADGES[p.status]
        st.badge(enum_label(p.status.value, "goal_status"), color=color, icon=icon)  # type: ignore[arg-type]
        st.text(g.name)
        sign = "≥" if g.comparator is Comparator.AT_LEAST else "≤"
        st.metric(tr("mgmt.actual_vs_target", sign=sign, target=fv(g.target)), fv(p.actual))
        # The bar stops at 100 %; its text says the real share, as the report does.
        st.progress(min(max(p.share or 0.0, 0.0), 1.0), text=display.format_share(p.share, lang()))
        if spark is not None:
            st.image(spark, width="stretch")
        st.caption(overview.explain(p, lang()))
        st.text(
            f"{display.metric_name(g.metric, lang())} · {overview.scope_label(p, names, lang())}"
        )


def goals_grid(s: Store, progress: list[Progress], sparks: dict[Any, str]) -> None:
    counts = overview.status_counts(progress)
    for col, (status, n) in zip(st.columns(len(counts)), counts.items(), strict=True):
        col.metric(enum_label(status.value, "goal_status"), n)
    if not progress:
        st.info(tr("mgmt.no_goals"), icon=":material/flag:")
        st.page_link("views/goals.py", label=tr("mgmt.to_goals"), icon=":material/flag:")
        return
    names = {str(c.id): c.name for c in s.campaigns()}
    ordered = overview.by_attention(progress)
    per_row = 4  # eight goals on two rows: the whole picture on one screen
    for start in range(0, len(ordered), per_row):
        row = ordered[start : start + per_row]
        for col, p in zip(st.columns(per_row), row, strict=False):
            with col:
                goal_card(p, names, sparks.get(p.goal.id))


def table(rows: list[dict[str, object]], columns: dict[str, str], empty: str) -> None:
    """Show rows as a dataframe (user text stays text) with translated column names."""
    if not rows:
        st.caption(empty)
        return
    frame = pd.DataFrame(rows)[list(columns)].rename(columns=columns)
    st.dataframe(frame, hide_index=True)


def loop_and_criticism(s: Store) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(tr("mgmt.loop"))
        rows = [{
            "campaign": r["name"],
            "cycle": tr("overview.cycle_n", n=r["cycle"]) if r["cycle"]
            else tr("overview.no_cycle"),
            "phase": enum_label(r['phase'], "phase") if r["phase"] else "–",
            "window": f"{fmt_date(r['start'], lang())} – {fmt_date(r['end'], lang())}",
            "brief": ", ".join(tr(f"brief.{m}") for m in r["brief_missing"]) or "✓",
        } for r in overview.campaign_rows(s)]  # fmt: skip
        table(rows, {"campaign": tr("mgmt.campaign"), "cycle": tr("mgmt.cycle"),
                     "phase": tr("mgmt.phase"), "window": tr("overview.window"),
                     "brief": tr("mgmt.brief_missing")}, tr("mgmt.no_campaigns"))  # fmt: skip
    with right:
        st.subheader(tr("mgmt.criticism_open"))
        rows = [{
            "campaign": r["campaign"], "cycle": tr("overview.cycle_n", n=r["cycle"]),
            "source": enum_label(r['source'], "source"), "text": r["text"],
            "overdue": tr("mgmt.overdue") if r["overdue"] else "",
        } for r in overview.criticism_rows(s)]  # fmt: skip
        table(rows, {"campaign": tr("mgmt.campaign"), "cycle": tr("mgmt.cycle"),
                     "source": tr("mgmt.source"), "text": tr("mgmt.criticism"),
                     "overdue": tr("mgmt.after_close")}, tr("mgmt.no_criticism"))  # fmt: skip


def overdue_work(s: Store) -> None:
    st.subheader(tr("overview.overdue"))
    rows = overdue_by_campaign(s, datetime.now(UTC).date())
    table(rows, {"campaign": tr("mgmt.campaign"), "learning": tr("overview.overdue_learnings"),
                 "feedback": tr("overview.overdue_criticism"),
                 "optimization": tr("overview.overdue_optimizations"),
                 "total": tr("overview.overdue_total")}, tr("overview.overdue_none"))  # fmt: skip


def learnings_and_cost(s: Store) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(tr("mgmt.carried"))
        rows = [{
            "campaign": r["campaign"], "cycles": f"{r['from_cycle']} → {r['into_cycle']}",
            "statement": r["statement"],
            "applied": {True: "✓", False: "✗"}.get(r["applied"], "–"),
            "outcome": enum_label(r['outcome'] or 'none', "outcome"),
        } for r in overview.carried_learnings(s)]  # fmt: skip
        table(rows, {"campaign": tr("mgmt.campaign"), "cycles": tr("mgmt.cycles"),
                     "statement": tr("mgmt.learning"), "applied": tr("mgmt.applied"),
                     "outcome": tr("mgmt.outcome")}, tr("mgmt.no_carried"))  # fmt: skip
    with right:
        st.subheader(tr("mgmt.cost"))
        spend = spend_per_cycle(default_target(), s.data_version())
        per_learning, adopted = overview.learning_cost(spend)
        a, b = st.columns(2)
        cost = display.format_value("spend", per_learning, lang(), overview.rows_currency(
            [r for r in spend if r["adopted"]]))  # fmt: skip
        a.metric(tr("mgmt.per_learning"), cost, help=tr("mgmt.per_learning_help"))
        b.metric(tr("mgmt.adopted"), fmt_number(adopted, lang()))
        money = partial(display.format_value, "spend", lang=lang())
        rows = [{**r, "cycle": tr("overview.cycle_n", n=r["cycle"]),
                 "budget": money(r["budget"], currency=r["budget_currency"]),
                 "spend": money(r["spend"], currency=r["currency"]),
                 "per_learning": money(r["per_learning"], currency=r["currency"])}
                for r in spend]  # fmt: skip
        table(rows, {"campaign": tr("mgmt.campaign"), "cycle": tr("mgmt.cycle"),
                     "budget": tr("mgmt.budget"), "spend": tr("mgmt.spend"),
                     "adopted": tr("mgmt.adopted_short"), "per_learning": tr("mgmt.per_learning")},
              tr("mgmt.no_cycles"))  # fmt: skip
        for note in overview.spend_notes(spend, lang()):  # converted, or why not added up
            st.caption(escape_markdown(note))


def changes(s: Store) -> None:
    st.subheader(tr("mgmt.changes"))
    since = st.date_input(tr("mgmt.since"), value=date.today() - timedelta(days=7),
                          key="changes_since", format="YYYY-MM-DD")  # fmt: skip
    if not isinstance(since, date):
        return
    rows = [{
        "at": fmt_date(r["happened_at"], lang()), "who": r["who"], "text": r["text"],
    } for r in overview.changes(s, since, lang())]  # fmt: skip
    table(
        rows,
        {"at": tr("mgmt.when"), "who": tr("audit.who"), "text": tr("mgmt.what")},
        tr("mgmt.no_changes"),
    )


def downloads(s: Store) -> None:
    st.subheader(tr("mgmt.meeting"))
    again, language = s.fresh, lang()
    left, right = st.columns(2)
    with left:
        names = [c.name for c in s.campaigns()]
        everything = t("report.all_campaigns", language)
        choice = st.selectbox(tr("report.scope"), ["", *names], key="report_campaign",
                              format_func=lambda n: n or everything)  # fmt: skip
        period = st.date_input(tr("report.period_pick"), value=[], key="report_period",
                               format="YYYY-MM-DD", help=tr("report.period_help"))  # fmt: skip
        start, end = period if isinstance(period, tuple) and len(period) == 2 else (None, None)
        file_name = report_file_name(choice or None, start, end)
        st.download_button(
            tr("report.download"), key="download_report", icon=":material/download:",
            data=lambda: build_report(again(), choice or None, start, end, language),
            file_name=file_name, mime="text/html", on_click="ignore", type="primary",
        )  # fmt: skip
        # The name is a slug of our own ([a-z0-9-]), so it is safe in a caption.
        st.caption(tr("report.help", file=file_name))
    with right:
        chosen = st.selectbox(tr("export.table"), EXPORT_TABLES, key="export_table",
                              format_func=lambda n: t(f"export.table.{n}", language))  # fmt: skip
        # Said here, before the click: what goes wrong while a download is made reaches only
        # the server log, the page learns nothing of it.
        what = offer(s, chosen)

        def export_file(fmt: str) -> bytes:
            return export_bytes(again(), chosen, fmt, language)

        for col, d in zip(st.columns(len(what.downloads)), what.downloads, strict=True):
            col.download_button(
                tr(f"export.download_{d.fmt}"), key=f"download_{d.fmt}", icon=":material/table:",
                data=partial(export_file, d.fmt), file_name=d.file_name, mime=d.mime,
                on_click="ignore", disabled=d.refusal is not None,
            )  # fmt: skip
        for d in what.downloads:
            if d.refusal is not None:
                st.warning(tr("export.too_many_rows", table=t(f"export.table.{chosen}", language),
                              rows=fmt_number(d.refusal.rows, language),
                              limit=fmt_number(d.refusal.limit, language)),
                           icon=":material/warning:")  # fmt: skip
        st.caption(tr("export.help"))


s = store()
st.title(tr("overview.title"))

if s.is_empty():
    empty_state(s)
    st.stop()

with reported():
    progress = goal_progress(s)
    sparks = sparklines(default_target(), s.data_version(), date.today())
    st.subheader(tr("mgmt.goals"))
    goals_grid(s, progress, sparks)
    loop_and_criticism(s)
    overdue_work(s)
    learnings_and_cost(s)
    changes(s)
    downloads(s)
