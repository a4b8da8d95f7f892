"""Timeline: every campaign's cycles over the year, coloured by phase; a click opens the cycle."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from experiments import cycle_view
from experiments.i18n import fmt_date
from experiments.models import Phase
from experiments.safe_text import escape_plotly
from views.common import enum_label, lang, store, tr

s = store()
L = lang()
# One colour per phase, the same wherever a phase is drawn; closed cycles recede.
PHASE_COLORS = {Phase.START: "#7c3aed", Phase.CAMPAIGN: "#2563eb", Phase.FEEDBACK: "#ea580c",
                Phase.OPTIMIZATION: "#16a34a", Phase.CLOSED: "#9ca3af"}  # fmt: skip


def figure(rows: pd.DataFrame, today: date, whole_year: bool) -> go.Figure:
    """Return one horizontal bar per cycle, a trace per phase, and a line at today."""
    fig = go.Figure()
    for phase, color in PHASE_COLORS.items():
        part = rows[rows["phase"] == phase.value]
        if part.empty:
            continue
        # A bar's base is its first day and its length the days it runs, end day included.
        fig.add_bar(
            # Campaign names on the axis: plotly would draw their tags as links and styles.
            y=[escape_plotly(name) for name in part["campaign"]],
            base=pd.to_datetime(part["start"]),
            x=[(e - b + timedelta(days=1)).days * 86_400_000
               for b, e in zip(part["start"], part["end"], strict=True)],
            orientation="h", name=enum_label(phase, "phase"), marker_color=color,
            customdata=part[["id", "number"]].to_numpy(),
            text=[str(n) for n in part["number"]], textposition="inside", textangle=0,
            insidetextanchor="middle", marker_line={"color": "white", "width": 1},
            hovertemplate=[
                f"{tr('overview.cycle_n', n=r.number)} · {enum_label(phase, 'phase')}<br>"
                f"{fmt_date(r.start, L)} – {fmt_date(r.end, L)}<extra></extra>"
                for r in part.itertuples()
            ],
        )  # fmt: skip
    fig.add_vline(x=pd.Timestamp(today).timestamp() * 1000, line_dash="dash", line_color="#dc2626")
    fig.add_annotation(x=pd.Timestamp(today), y=1.02, yref="paper", text=tr("timeline.today"),
                       showarrow=False, font_color="#dc2626")  # fmt: skip
    first, last = rows["start"].min() - timedelta(days=7), rows["end"].max() + timedelta(days=7)
    if whole_year:
        first, last = min(first, date(today.year, 1, 1)), max(last, date(today.year, 12, 31))
    fig.update_layout(
        barmode="overlay", xaxis={"type": "date", "range": [first, last + timedelta(days=1)]},
        yaxis={"autorange": "reversed", "title": None}, legend_title_text=tr("timeline.phase"),
        height=140 + 60 * rows["campaign"].nunique(), margin={"l": 10, "r": 10, "t": 30, "b": 10},
        clickmode="event+select",
    )  # fmt: skip
    return fig


def open_cycle(cycle_id: str) -> None:
    st.session_state["cycle_focus"] = cycle_id
    st.switch_page("views/cycle.py")


st.title(tr("timeline.title"))
rows = pd.DataFrame(cycle_view.timeline_rows(s))
if rows.empty:
    st.info(tr("timeline.empty"), icon=":material/calendar_month:")
    st.stop()
st.caption(tr("timeline.hint"))
today = date.today()
span = st.segmented_control(
    tr("timeline.span"),
    ["year", "cycles"],
    default="year",
    key="timeline_span",
    format_func=lambda v: tr(f"timeline.{v}"),
)
event = st.plotly_chart(figure(rows, today, span != "cycles"), key="timeline", on_select="rerun",
                        selection_mode="points")  # fmt: skip
points = event.selection.points if event else []
if points:
    open_cycle(str(points[0]["customdata"][0]))

# The same choice without a pointer: keyboard users, screen readers, tests.
labels = {r.id: f"{r.campaign} · {tr('overview.cycle_n', n=r.number)}" for r in rows.itertuples()}
a, b = st.columns([3, 1], vertical_alignment="bottom")
picked = a.selectbox(tr("timeline.pick"), list(labels), key="timeline_pick",
                     format_func=lambda i: labels[i])  # fmt: skip
if b.button(tr("timeline.open"), key="timeline_open", icon=":material/open_in_new:"):
    open_cycle(picked)
