"""Figures drawn from a goal's progress: the sparkline's line and its target."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from experiments import charts, goals
from experiments.db import Database
from experiments.demo import load_demo
from experiments.store import Store


def test_each_sparkline_draws_the_series_and_a_dotted_target_at_the_goals_target(
    tmp_path: Path,
) -> None:
    database = Database.open(tmp_path / "t.duckdb")
    store = Store(database)
    load_demo(store)
    drawn = [p for p in goals.progress(store, date.today()) if p.series]
    assert drawn
    for p in drawn:
        fig = charts.sparkline(p).to_plotly_json()
        (line,) = fig["data"]
        assert list(line["y"]) == [v for _, v in p.series]
        assert line["line"]["color"] == charts.STATUS_COLORS[p.status]
        (target,) = fig["layout"]["shapes"]
        assert target["y0"] == target["y1"] == p.goal.target
        assert (target["xref"], target["x0"], target["x1"]) == ("paper", 0, 1)
        assert target["line"]["dash"] == "dot"
    database.close()
