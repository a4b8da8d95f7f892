"""The overview's sparkline of a goal: its running value and its target, as an SVG."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

from experiments import charts, goals
from experiments.db import Database
from experiments.demo import load_demo
from experiments.store import Store

SVG = "{http://www.w3.org/2000/svg}"


def test_each_sparkline_draws_the_series_and_a_dotted_target_at_the_goals_target(
    tmp_path: Path,
) -> None:
    database = Database.open(tmp_path / "t.duckdb")
    store = Store(database)
    load_demo(store)
    drawn = [p for p in goals.progress(store, date.today()) if p.series]
    assert drawn
    for p in drawn:
        svg = charts.sparkline(p, width=200, height=50)
        assert svg is not None
        root = ElementTree.fromstring(svg)
        (target,) = root.findall(f"{SVG}line")
        (line,) = root.findall(f"{SVG}polyline")
        assert line.get("stroke") == charts.STATUS_COLORS[p.status]
        assert target.get("stroke-dasharray")  # dotted
        points = [tuple(map(float, xy.split(","))) for xy in (line.get("points") or "").split()]
        assert len(points) == len(p.series)
        assert points[0][0] == 0 and points[-1][0] == 200  # first and last day span the width
        # Heights follow the values: the highest value is the topmost point (smallest y), and
        # the target sits where its value falls between them.
        ys = {v: y for (_, y), (_, v) in zip(points, p.series, strict=True)}
        values = sorted(ys)
        assert ys[values[-1]] <= ys[values[0]]
        target_y = float(target.get("y1") or "nan")
        lowest, highest = values[0], values[-1]
        if lowest < p.goal.target < highest:
            assert ys[highest] < target_y < ys[lowest]
    database.close()


def test_a_sparkline_of_one_day_is_a_dot_and_without_data_there_is_none(tmp_path: Path) -> None:
    database = Database.open(tmp_path / "t.duckdb")
    store = Store(database)
    load_demo(store)
    p = next(p for p in goals.progress(store, date.today()) if p.series)
    one = charts.sparkline(replace(p, series=p.series[:1]))
    assert one is not None and "<circle" in one and "<polyline" not in one
    assert charts.sparkline(replace(p, series=[(p.series[0][0], math.nan)])) is None
    assert charts.sparkline(replace(p, series=[])) is None
    database.close()
