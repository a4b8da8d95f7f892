"""``goal add`` and ``goals --json`` on the command line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from experiments.db import Database
from experiments.models import Alias, Comparator, ScopeKind
from experiments.store import Store
from tests.test_cli import run
from tests.test_goals import add_facts, daily


@contextmanager
def stored(path: Path) -> Iterator[Store]:
    db = Database.open(path)
    try:
        yield Store(db)
    finally:
        db.close()


def test_goal_add_prints_the_id_and_stores_the_goal(db_path: Path) -> None:
    code, out, err = run(
        "goal", "add", "Median reply time ≤ 60 min", "--metric", "response_time_median_s",
        "--target", "3600", "--comparator", "at_most", "--baseline", "5400",
        "--start", "2026-03-01", "--end", "2026-03-30", "--owner", "Tobias",
    )  # fmt: skip
    assert (code, err) == (0, "")
    with stored(db_path) as store:
        (g,) = store.goals()
        assert out == f"{g.id}\n"
        assert (g.comparator, g.target, g.baseline, g.period_end, g.owner) == (
            Comparator.AT_MOST,
            3600.0,
            5400.0,
            date(2026, 3, 30),
            "Tobias",
        )


def test_goal_add_with_a_percentage_and_a_campaign(db_path: Path) -> None:
    assert run("campaign", "add", "Spring Sale")[0] == 0
    code, out, err = run("goal", "add", "CTR", "--metric", "ctr", "--target", "1.8%",
                         "--campaign", "spring sale", "--json")  # fmt: skip
    assert (code, err) == (0, "")
    with stored(db_path) as store:
        (g,) = store.goals()
        assert json.loads(out) == {"id": str(g.id), "name": "CTR"}
        assert (g.target, g.scope_kind) == (pytest.approx(0.018), ScopeKind.CAMPAIGN)
        assert g.scope_value == str(store.campaign_by_name("Spring Sale").id)


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--metric", "ctr", "--target", "180%"],
      "error: the target 1.8 for ctr is above 100 %: a rate is a share between 0 and 1; "
      "enter 0.025 for 2.5 %\n"),
     (["--metric", "likes", "--target", "5"], "error: 'likes' is not a metric this tool knows; "),
     (["--metric", "leads", "--target", "lots"],
      "error: 'lots' is not a number for --target; write e.g. 1500, 0.025 or 2.5 %\n"),
     (["--metric", "leads", "--target", "5", "--campaign", "Nope"],
      "error: no campaign named 'Nope' (there are no campaigns yet)\n"),
     (["--metric", "leads", "--target", "5", "--start", "2026-05-01", "--end", "2026-04-01"],
      "error: the window ends (2026-04-01) before it starts (2026-05-01); swap the dates or "
      "correct the end\n"),
     (["--metric", "leads", "--target", "5", "--start", "1.5.2026"],
      "error: argument --start: '1.5.2026' is not a date; write it as YYYY-MM-DD")],
)  # fmt: skip
def test_goal_add_refuses_bad_input(db_path: Path, argv: list[str], message: str) -> None:
    code, out, err = run("goal", "add", "G", *argv)
    assert code != 0 and out == ""
    assert err.startswith(message)
    with stored(db_path) as store:
        assert store.goals() == []


def test_goals_json_has_the_documented_shape(db_path: Path) -> None:
    db = Database.open(db_path)
    store = Store(db)
    store.create_campaign("Spring Sale", aliases=(Alias("SPR"),))
    add_facts(store, daily(10, clicks=10))
    db.close()
    assert run("goal", "add", "Clicks", "--metric", "clicks", "--target", "300",
               "--start", "2026-03-01", "--end", "2026-03-30")[0] == 0  # fmt: skip
    assert run("goal", "add", "Video views", "--metric", "video_views", "--target", "5000")[0] == 0
    code, out, err = run("goals", "--json", "--as-of", "2026-03-10")
    assert (code, err) == (0, "")
    clicks, videos = json.loads(out)
    assert {k: clicks[k] for k in ("name", "metric", "comparator", "target", "actual", "progress",
                                   "expected", "forecast", "forecast_low", "forecast_high",
                                   "status")} == {  # fmt: skip
        "name": "Clicks", "metric": "clicks", "comparator": "at_least", "target": 300.0,
        "actual": 100.0, "progress": pytest.approx(1 / 3), "expected": pytest.approx(100.0),
        # Ten days of exactly 10 clicks: no spread, so the 95 % range is the forecast itself.
        "forecast": pytest.approx(300.0), "forecast_low": pytest.approx(300.0),
        "forecast_high": pytest.approx(300.0), "status": "on_track",
    }  # fmt: skip
    assert (videos["status"], videos["actual"], videos["progress"]) == ("no_data", None, None)


def test_goals_text_and_empty(db_path: Path) -> None:
    assert run("goals") == (
        0,
        "no goals yet: 'goal add NAME --metric KEY --target X' creates one\n",
        "",
    )
    run("goal", "add", "Leads", "--metric", "leads", "--target", "250")
    assert run("goals")[1] == "no_data\tLeads\tno data yet of 250 (–)\n"
    assert json.loads(run("goals", "--json")[1])[0]["status"] == "no_data"
