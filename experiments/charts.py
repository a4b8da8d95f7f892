"""Plotly figures for the overview, the goals page and the report; no Streamlit here."""

from __future__ import annotations

import math
from datetime import date, timedelta
from functools import partial
from typing import Any

import plotly.graph_objects as go

from experiments import display
from experiments.display import format_value
from experiments.goals import Kind, Progress, Status
from experiments.i18n import t

STATUS_COLORS: dict[Status, str] = {
    Status.ACHIEVED: "#1a7f37",
    Status.ON_TRACK: "#2da44e",
    Status.AT_RISK: "#bf8700",
    Status.OFF_TRACK: "#cf222e",
    Status.NO_DATA: "#8c959f",
    Status.TOO_EARLY: "#6e7781",
}
TARGET_COLOR = "#57606a"
PACE_COLOR = "#8c959f"
FONT = dict(family="system-ui, -apple-system, Segoe UI, Roboto, sans-serif", size=12)
# Static charts: no mode bar (and so no link to plotly's site), no zoom to get lost in.
CONFIG: dict[str, Any] = {"displayModeBar": False, "staticPlot": False, "responsive": True}


def sparkline(p: Progress, width: int = 240, height: int = 56) -> str | None:
    """Return the goal's running value as a small SVG line, its target dotted across; None
    without data.

    An image, not a plotly figure: the overview shows one per goal, and eight plotly charts
    cost the browser more than the rest of the page. Only numbers and our colours go into it.
    """
    points = [(day, v) for day, v in p.series if math.isfinite(v)]
    if not points:
        return None
    target = p.goal.target
    low = min([v for _, v in points] + [target])
    high = max([v for _, v in points] + [target])
    span, pad = (high - low) or 1.0, 4.0
    first, days = points[0][0], max((points[-1][0] - points[0][0]).days, 1)

    def x(day: date) -> float:
        return (day - first).days / days * width

    def y(value: float) -> float:
        return pad + (high - value) / span * (height - 2 * pad)

    color = STATUS_COLORS[p.status]
    line = " ".join(f"{x(d):.1f},{y(v):.1f}" for d, v in points)
    mark = (f'<polyline points="{line}" fill="none" stroke="{color}" stroke-width="2" '
            'stroke-linejoin="round"/>' if len(points) > 1
            else f'<circle cx="{x(points[0][0]):.1f}" cy="{y(points[0][1]):.1f}" r="2.5" '
                 f'fill="{color}"/>')  # fmt: skip
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="none">'
        f'<line x1="0" y1="{y(target):.1f}" x2="{width}" y2="{y(target):.1f}" '
        f'stroke="{TARGET_COLOR}" stroke-width="1" stroke-dasharray="2 3"/>{mark}</svg>'
    )


def goal_chart(p: Progress, lang: str, height: int = 260) -> go.Figure:
    """Return the goal's running value with the pace line, the target and the forecast."""
    g, fig = p.goal, go.Figure()
    fmt = partial(format_value, g.metric, lang=lang, currency=p.currency)
    values = [v for _, v in p.series] + [g.target] + [v for v in (p.forecast, g.baseline) if v]
    # The axis in the metric's unit (reply times in minutes or hours, like the target's text).
    y_axis = display.axis(g.metric, lang, values, p.currency)
    y = y_axis.scaled
    if p.series:
        days, series = zip(*p.series, strict=True)
        fig.add_trace(go.Scatter(
            x=days, y=[y(v) for v in series], mode="lines+markers",
            name=t("report.chart_actual", lang),
            line=dict(color=STATUS_COLORS[p.status], width=2), marker=dict(size=4),
            hovertext=[fmt(v) for v in series], hoverinfo="x+text",
        ))  # fmt: skip
    if g.period_start and g.period_end:
        start_value = 0.0 if p.kind is Kind.TOTAL else g.baseline
        if start_value is not None:
            fig.add_trace(go.Scatter(
                x=[g.period_start, g.period_end], y=[y(start_value), y(g.target)], mode="lines",
                name=t("report.chart_pace", lang), line=dict(color=PACE_COLOR, dash="dash"),
                hovertext=[fmt(start_value), fmt(g.target)], hoverinfo="x+text",
            ))  # fmt: skip
        if p.forecast is not None and p.series:
            fig.add_trace(go.Scatter(
                x=[p.series[-1][0], g.period_end], y=[y(p.series[-1][1]), y(p.forecast)],
                mode="lines+markers", name=t("report.chart_forecast", lang),
                line=dict(color=STATUS_COLORS[p.status], dash="dot"),
                hovertext=["", fmt(p.forecast)], hoverinfo="x+text",
            ))  # fmt: skip
    fig.add_hline(y=y(g.target), line=dict(color=TARGET_COLOR, width=1, dash="dot"),
                  annotation_text=t("report.chart_target", lang, target=fmt(g.target)),
                  annotation_position="top left")  # fmt: skip
    _frame(fig, height)
    fig.update_layout(separators=display.separators(lang))
    fig.update_yaxes(**y_axis.layout())
    fig.update_xaxes(tickformat=display.date_tickformat(lang))
    if g.period_start and g.period_end:
        fig.update_xaxes(range=[g.period_start - timedelta(days=1), g.period_end + timedelta(1)])
    return fig


def _frame(fig: go.Figure, height: int) -> None:
    fig.update_layout(
        height=height, margin=dict(l=8, r=8, t=24, b=8), font=FONT, template="plotly_white",
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1.0),
        paper_bgcolor="white", plot_bgcolor="white",
    )  # fmt: skip
