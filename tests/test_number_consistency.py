"""A number reads the same on the overview, the compare page, the report and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.db import Database
from experiments.models import Alias, Comparator, Phase
from experiments.reports import build_report
from experiments.store import Store
from tests.apptest import app, assert_clean
from tests.factories import make_campaign, make_cycle
from tests.test_cli import run
from tests.test_goals import add_facts, daily, day, goal

NB = "\xa0"
SPEND = {"en": "€1,234.50", "de": f"1.234,50{NB}€"}
REPLY = {"en": f"1{NB}h{NB}5{NB}min", "de": f"1{NB}Std.{NB}5{NB}Min."}


@pytest.fixture
def workspace(db_path: Path) -> Path:
    """Two cycles of one campaign; every day of cycle 1 spends 1234.50 and answers in 3900 s,
    and two one-day goals read the first day: the same values from four doors."""
    store = Store(Database.open(db_path))
    c = make_campaign(store, "Spring Sale", aliases=(Alias("SPR"),))
    make_cycle(store, c, 1, phase=Phase.CLOSED, start=day(1), end=day(10))
    make_cycle(store, c, 2, start=day(11), end=day(20))
    add_facts(store, daily(10, spend=1234.5, response_time_s=3900.0, replies=1.0)
              + daily(10, first=11, spend=1500.0, response_time_s=1800.0, replies=1.0))  # fmt: skip
    one_day = {"period_start": day(1), "period_end": day(1)}
    store.add_goal(goal(name="Spend", metric="spend", target=2000.0, **one_day))
    store.add_goal(goal(name="Reply", metric="response_time_median_s", target=3600.0,
                        comparator=Comparator.AT_MOST, **one_day))  # fmt: skip
    return db_path


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_report_shows_the_shared_format(workspace: Path, lang: str) -> None:
    html = build_report(Store(Database.open(workspace)), "Spring Sale", lang=lang, today=day(25))
    assert SPEND[lang] in html and REPLY[lang] in html


def test_the_cli_shows_the_shared_format(workspace: Path) -> None:
    code, out, err = run("goals", "--as-of", "2026-03-25")
    assert (code, err) == (0, "")
    assert f"\t{SPEND['en']} of " in out and f"\t{REPLY['en']} of " in out
    code, out, _ = run("compare", "Spring Sale", "--cycles", "1", "2")
    assert code == 0
    assert f"Spend per day\t{SPEND['en']}\t" in out
    assert f"Median reply time\t{REPLY['en']}\t" in out


def test_the_overview_shows_the_shared_format(workspace: Path) -> None:
    at = app("views/overview.py")
    assert_clean(at)
    values = [m.value for m in at.metric]
    assert SPEND["en"] in values and REPLY["en"] in values


def test_the_compare_page_shows_the_shared_format(workspace: Path) -> None:
    at = app("views/compare.py")
    assert_clean(at)
    cells = [str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()]
    assert SPEND["en"] in cells and REPLY["en"] in cells


def test_the_reply_time_goal_chart_is_in_minutes_like_its_target_line(workspace: Path) -> None:
    from experiments import charts, goals

    store = Store(Database.open(workspace))
    p = next(p for p in goals.progress(store, day(25)) if p.goal.name == "Reply")
    fig = charts.goal_chart(p, "en")
    assert fig.layout.yaxis.title.text == "Median reply time (min)"
    assert fig.layout.shapes[0].y0 == 60.0  # the 3600 s target, in minutes
    assert fig.layout.annotations[0].text == f"Target 1{NB}h"
