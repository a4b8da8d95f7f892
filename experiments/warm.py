"""What the dashboard's server loads and rehearses once per process, before its first visitor.

``streamlit run dashboard.py`` imports pandas, plotly, DuckDB, scipy and the rest on the first
page a visitor opens, so the first visitor after a start waits seconds for imports.
``views/launch.py`` (which ``serve`` runs) calls ``preload`` and ``rehearse`` before the server
listens, and the first page answers as fast as later ones.
"""

from __future__ import annotations

import importlib
import inspect
import logging
from datetime import date

# What the pages import; the statistics behind Compare (scipy, statsmodels), XLSX (openpyxl)
# and the importers are the slowest.
MODULES = (
    "pandas", "plotly.graph_objects", "duckdb", "experiments.overview", "experiments.goals",
    "experiments.goal_board", "experiments.charts", "experiments.loop", "experiments.welcome",
    "experiments.reports", "experiments.compare", "experiments.compare_charts",
    "experiments.compare_view", "experiments.exports", "experiments.imports_view",
    "experiments.importers.service",
)  # fmt: skip


def preload() -> None:
    """Import what the pages need and load the data their first use reads (idempotent)."""
    for name in MODULES:
        importlib.import_module(name)
    from experiments.i18n import LANGS, fmt_date, fmt_money
    from experiments.store.sessions import nobody_hash

    nobody_hash()  # a sign-in with an unknown name must not take longer the first time
    for code in LANGS:  # babel reads each locale's data on its first use
        fmt_money(1.0, code)
        fmt_date(date.today(), code)
    import plotly.graph_objects as go

    # Plotly builds a validator per property on its first use: draw one figure with what the
    # pages' charts use, so the first visitor's charts do not pay for it.
    fig = go.Figure([go.Bar(x=[1], y=[1], name="a"), go.Scatter(x=[1], y=[1], mode="lines")])
    fig.update_layout(height=100, margin=dict(l=0, r=0, t=4, b=4), showlegend=False,
                      paper_bgcolor="white", plot_bgcolor="white", hovermode="x",
                      legend=dict(orientation="h"), font=dict(size=12), barmode="group",
                      shapes=[dict(type="line", x0=0, x1=1, y0=0, y1=1)])  # fmt: skip
    fig.update_xaxes(visible=True, title="x", tickformat=",", type="date", showgrid=False)
    fig.update_yaxes(title="y", tickformat=".0%", rangemode="tozero", zeroline=True)
    fig.add_hline(y=1, line=dict(dash="dot"))
    fig.add_vline(x=1, line=dict(dash="dot"))
    fig.add_annotation(x=1, y=1, text="a", showarrow=False)
    fig.to_plotly_json()
    # Streamlit checks once per process whether it runs in a REPL by inspecting the stack,
    # which maps every loaded module to its file the first time (0.2 s with all of the above).
    inspect.stack()


def rehearse() -> None:
    """Run what the overview, goals and compare pages compute once, on a demo in memory.

    The first query of each shape, the first figure of each kind and pandas' first date
    conversions cost several times their later runs; paying them here, before the server
    listens, spares the first visitor. Nothing is written anywhere: the database is in memory
    and dropped at the end. A failure only costs the warm-up, never the server.
    """
    from experiments import charts, compare, compare_charts, demo, goals, overview
    from experiments.db import MEMORY, Database
    from experiments.store import Store

    database = Database.open(MEMORY)
    try:
        store = Store(database)
        demo.load_demo(store)
        for p in goals.progress(store, date.today()):
            charts.sparkline(p)
            charts.goal_chart(p, "en").to_plotly_json()
        overview.spend_rows(store)
        overview.campaign_rows(store)
        campaign = store.campaigns()[0]
        numbers = [c.number for c in store.cycles(campaign.id)]
        if len(numbers) >= 2:
            comparison = compare.compare(store, campaign, numbers[0], numbers[1])
            compare_charts.forest(comparison, "en").to_plotly_json()
    except Exception:  # noqa: BLE001 - a warm-up that fails must not keep the server from starting
        logging.getLogger(__name__).warning("warm-up skipped", exc_info=True)
    finally:
        database.close()
