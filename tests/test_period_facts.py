"""Period facts: rows that cover several days (Meta "last 14 days by campaign", Google Ads without
the Day segment) are stored with their period and counted by one rule.

A period fact counts toward a cycle, a goal or a report only when its whole period lies inside
the window; one that crosses an edge is left out and counted, never pro-rated. A day-level
comparison uses no period fact as a day. Replacement, undo and duplicates work on the key
(platform, source campaign, variant, period) exactly as for daily facts.
"""

from __future__ import annotations

from datetime import date, timedelta
from html import unescape
from typing import Any

import pytest

from experiments import compare, goals, overview
from experiments.commands.goals import progress_row
from experiments.db import Database
from experiments.importers import service
from experiments.models import Alias, Comparator, Goal, LeftOut, Phase, ScopeKind, new_id
from experiments.reports import build_report
from experiments.store import Store
from tests import sql
from tests.factories import make_cycle

NOV = date(2026, 11, 1)
# Cycle 1 runs 1–14 Nov, cycle 2 15–28 Nov.
C1, C2 = (NOV, date(2026, 11, 14)), (date(2026, 11, 15), date(2026, 11, 28))
HEADER = "Campaign name,Reporting starts,Reporting ends,Amount spent (EUR),Impressions,Link clicks"


def d(day: int) -> date:
    return NOV + timedelta(days=day - 1)


def meta(*rows: tuple[str, date, date, float], note: str = "") -> bytes:
    """A Meta export with one row per (campaign, first day, last day, spend); 1000 impressions
    and 10 clicks per row. ``note`` makes otherwise equal files differ in their bytes."""
    lines = [HEADER + ("," if note else "")]
    for name, first, last, spend in rows:
        lines.append(f"{name},{first},{last},{spend:.2f},1000,10" + (f",{note}" if note else ""))
    return ("\n".join(lines) + "\n").encode()


def run(store: Store, data: bytes, name: str = "meta.csv") -> service.ImportSummary:
    return service.run(store, data, name)


@pytest.fixture
def loop(store: Store) -> Store:
    """A campaign 'Spring Sale' with cycle 1 (1–14 Nov) and cycle 2 (15–28 Nov)."""
    campaign = store.create_campaign("Spring Sale", aliases=(Alias("Spring Sale"),))
    make_cycle(store, campaign, 1, Phase.CLOSED, start=C1[0], end=C1[1])
    make_cycle(store, campaign, 2, Phase.CAMPAIGN, start=C2[0], end=C2[1])
    return store


def cycle_one(store: Store) -> tuple[float | None, int]:
    """Return cycle 1's spend as the overview and the report read it, and its left-out count."""
    row = next(r for r in store.cycle_metrics() if r.number == 1)
    return row.values["spend"], row.left_out


def goal_of_cycle_one(store: Store) -> goals.Progress:
    goal = store.add_goal(Goal(
        new_id(), "Spend in cycle 1", "spend", Comparator.AT_MOST, 1000.0, None, C1[0], C1[1],
        ScopeKind.ALL,
    ))  # fmt: skip
    return goals.goal_progress(store, goal, date(2026, 12, 1))


# (case, the facts' periods as days of November, cycle 1's spend, left out of cycle 1)
RULES: list[tuple[str, list[tuple[int, int]], float | None, int]] = [
    ("the whole window", [(1, 14)], 100.0, 0),
    ("a week inside the window", [(3, 9)], 100.0, 0),
    ("a daily fact inside", [(5, 5)], 100.0, 0),
    ("two periods inside, side by side", [(1, 7), (8, 14)], 200.0, 0),
    ("crossing the first day", [(-5, 7)], None, 1),
    ("crossing the last day", [(10, 20)], None, 1),
    ("wider than the window on both sides", [(-14, 30)], None, 1),
    ("one inside, one crossing", [(1, 7), (10, 20)], 100.0, 1),
    ("wholly before the window", [(-30, -1)], None, 0),
]  # fmt: skip


@pytest.mark.parametrize(("case", "periods", "spend", "left_out"), RULES,
                         ids=[r[0] for r in RULES])  # fmt: skip
def test_a_period_fact_counts_only_inside_the_window(
    loop: Store, case: str, periods: list[tuple[int, int]], spend: float | None, left_out: int
) -> None:
    run(loop, meta(*[("Spring Sale", d(a), d(b), 100.0) for a, b in periods]))
    # The overview and the report
    assert cycle_one(loop) == (spend, left_out)
    # A goal over the cycle's days: its actual and what it says it left out
    p = goal_of_cycle_one(loop)
    assert (p.actual, p.left_out) == (spend, left_out)
    assert progress_row(p)["left_out"] == left_out
    # The comparison: no period fact is a day; each is counted as left out, and why
    data = compare.load(loop, "Spring Sale", [1, 2])
    daily = data.groups[1].daily
    assert list(daily["spend"]) == [100.0] * len([1 for a, b in periods if a == b])
    inside = sum(1 for a, b in periods if a < b and a >= 1 and b <= 14)
    assert data.left_out[1] == LeftOut(straddling=left_out, without_days=inside)


# Each step imports a file (or undoes an earlier import by its position); then the facts in
# place (first day, last day, spend) and the import's new/replaced/unchanged counts.
Step = tuple[str, Any]
A = meta(("Spring Sale", d(1), d(14), 100.0))
A_AGAIN_CHANGED = meta(("Spring Sale", d(1), d(14), 120.0), note="x")
A_AGAIN_SAME = meta(("Spring Sale", d(1), d(14), 100.0), note="y")
WEEK = meta(("Spring Sale", d(1), d(7), 40.0))
DAILY = meta(("Spring Sale", d(1), d(1), 5.0))
REPLACEMENTS: list[tuple[str, list[Step], set[tuple[date, date, float]], tuple[int, int, int]]] = [
    ("same period again with other numbers replaces it", [("import", A), ("import", A_AGAIN_CHANGED)],
     {(d(1), d(14), 120.0)}, (0, 1, 0)),
    ("same period again with the same numbers is unchanged", [("import", A), ("import", A_AGAIN_SAME)],
     {(d(1), d(14), 100.0)}, (0, 0, 1)),
    ("a shorter period over the same days is another fact", [("import", A), ("import", WEEK)],
     {(d(1), d(14), 100.0), (d(1), d(7), 40.0)}, (1, 0, 0)),
    ("a daily fact on its first day is another fact", [("import", A), ("import", DAILY)],
     {(d(1), d(14), 100.0), (d(1), d(1), 5.0)}, (1, 0, 0)),
    ("undo gives the replaced period back", [("import", A), ("import", A_AGAIN_CHANGED),
                                              ("undo", 1)],
     {(d(1), d(14), 100.0)}, (0, 1, 0)),
    ("undo of the first keeps the later one", [("import", A), ("import", A_AGAIN_CHANGED),
                                               ("undo", 0)],
     {(d(1), d(14), 120.0)}, (0, 1, 0)),
]  # fmt: skip


@pytest.mark.parametrize(("case", "steps", "facts", "counts"), REPLACEMENTS,
                         ids=[r[0] for r in REPLACEMENTS])  # fmt: skip
def test_replacement_and_undo_key_on_the_period(
    db: Database, store: Store, case: str, steps: list[Step],
    facts: set[tuple[date, date, float]], counts: tuple[int, int, int],
) -> None:  # fmt: skip
    summaries = []
    for i, (action, value) in enumerate(steps):
        if action == "import":
            summaries.append(run(store, value, f"meta_{i}.csv"))
        else:
            assert summaries[value].import_id is not None
            store.undo_import(summaries[value].import_id)
    stored = sql.rows(db, "SELECT date, date_to, spend FROM metric_fact")
    assert set(stored) == facts
    last = next(s for s in reversed(summaries))
    assert (last.new_rows, last.replaced_rows, last.unchanged_rows) == counts


def test_the_same_period_file_twice_is_a_duplicate(db: Database, store: Store) -> None:
    first = run(store, A)
    again = run(store, A, "meta copy.csv")
    assert again.duplicate_of == first.import_id
    assert sql.one(db, "SELECT count(*) FROM metric_fact") == (1,)


def test_a_daily_comparison_is_unchanged_by_period_facts(loop: Store) -> None:
    days = [("Spring Sale", d(n), d(n), 10.0 + n % 3) for n in range(1, 29)]
    run(loop, meta(*days))
    before = compare.document(compare.compare(loop, "Spring Sale", 1, 2))
    assert before["left_out"] == {"straddling": 0, "without_days": 0}
    # One period fact inside cycle 1, one across the two cycles' border, one of another campaign.
    run(loop, meta(("Spring Sale", d(1), d(14), 500.0), ("Spring Sale", d(10), d(20), 700.0),
                   ("Winter Boots", d(1), d(14), 900.0)))  # fmt: skip
    after = compare.document(compare.compare(loop, "Spring Sale", 1, 2))
    assert after["metrics"] == before["metrics"]
    # The period inside cycle 1 has no days; the one across the border is left out of both.
    assert after["left_out"] == {"straddling": 2, "without_days": 1}


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "Not counted: 1 period rows (totals over several days) that cross an edge of this "
           "cycle's window"),
    ("de", "Nicht gezählt: 1 Zeitraumzeilen (Summen über mehrere Tage), die über den Rand des "
           "Zeitraums dieses Zyklus reichen"),
])  # fmt: skip
def test_the_report_says_what_it_left_out(loop: Store, lang: str, said: str) -> None:
    run(loop, meta(("Spring Sale", d(1), d(7), 100.0), ("Spring Sale", d(10), d(20), 700.0)))
    html = unescape(build_report(loop, "Spring Sale", lang=lang, today=date(2026, 12, 1)))
    # Once per cycle: the fortnight across the border is in neither cycle's figures.
    assert html.count(said) == 2


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "1 period rows (totals over several days) cross an edge of the goal's period and are "
           "not counted"),
    ("de", "1 Zeitraumzeilen (Summen über mehrere Tage) reichen über den Rand des Zielzeitraums "
           "und werden nicht gezählt"),
])  # fmt: skip
def test_a_goal_says_what_it_left_out(loop: Store, lang: str, said: str) -> None:
    run(loop, meta(("Spring Sale", d(1), d(7), 100.0), ("Spring Sale", d(10), d(20), 700.0)))
    assert said in overview.explain(goal_of_cycle_one(loop), lang)
