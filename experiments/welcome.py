"""What a new user sees first: the product's name and the loop it tracks, drawn as a diagram.

The diagram is a plotly figure built here (no image file, nothing fetched from elsewhere).
"""

from __future__ import annotations

import math

import plotly.graph_objects as go

from experiments.i18n import t

# The loop, in order; the last step leads back to the first with the next cycle.
STEPS: tuple[str, ...] = ("start", "campaign", "feedback", "optimization", "next_start")
# The phase colours of the timeline; the next start is the start again, lighter.
COLORS = ("#7c3aed", "#2563eb", "#ea580c", "#16a34a", "#a78bfa")
RADIUS = 1.0


def step_labels(lang: str) -> list[str]:
    """Return the loop's steps in order, in ``lang``."""
    return [t(f"welcome.step.{s}", lang) for s in STEPS]


def loop_figure(lang: str, height: int = 300) -> go.Figure:
    """Return the loop start → campaign → feedback → optimization → next start as a circle."""
    # Clockwise from the top, one step every 72°.
    angles = [math.pi / 2 - i * 2 * math.pi / len(STEPS) for i in range(len(STEPS))]
    xs = [RADIUS * math.cos(a) for a in angles]
    ys = [RADIUS * math.sin(a) for a in angles]
    labels = step_labels(lang)
    fig = go.Figure(go.Scatter(
        x=xs, y=ys, mode="markers+text", text=[f"<b>{label}</b>" for label in labels],
        textposition=["top center", "middle right", "bottom right", "bottom left", "middle left"],
        marker={"size": 26, "color": list(COLORS), "line": {"color": "white", "width": 2}},
        textfont={"size": 14, "color": "#1f2328"},
        hoverinfo="skip",
    ))  # fmt: skip
    for i in range(len(STEPS)):
        j = (i + 1) % len(STEPS)
        # Arrows stop short of the markers so their heads stay visible.
        fig.add_annotation(
            x=xs[i] + 0.78 * (xs[j] - xs[i]), y=ys[i] + 0.78 * (ys[j] - ys[i]),
            ax=xs[i] + 0.22 * (xs[j] - xs[i]), ay=ys[i] + 0.22 * (ys[j] - ys[i]),
            xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=3,
            arrowsize=1.2, arrowwidth=2, arrowcolor="#8c959f" if j == 0 else "#57606a", text="",
        )  # fmt: skip
    fig.add_annotation(x=0, y=0, text=t("welcome.center", lang), showarrow=False,
                       font={"size": 13, "color": "#57606a"})  # fmt: skip
    axis = {"visible": False, "range": [-1.9, 1.9], "fixedrange": True}
    fig.update_layout(
        height=height, margin={"l": 0, "r": 0, "t": 10, "b": 10}, showlegend=False,
        xaxis=axis, yaxis={**axis, "range": [-1.45, 1.45], "scaleanchor": "x"},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
    )  # fmt: skip
    return fig
