"""A goal over everything counts each day of GA4 traffic once. GA4's reports by session
campaign, by channel group and by source / medium each hold all of the property's sessions, so
adding them up counted the same visits two or three times. A day is now read from the report by
campaign, else by channel group, else by source / medium; the rows not counted are said on the
goals page, in the overview, the report and ``goals --json``. A goal scoped to one channel (one
report's platform key) and other platforms' facts are not touched.

The fixtures (each layout's source is named in tests/fixtures/build_platform_fixtures.py):
ga4.csv by campaign, 2–4 Nov: 2,400 + 2,280 + 2,250 = 6,930 sessions in 6 rows;
ga4_channels.csv by channel group, 2–3 Nov: 1,300 + 1,250 = 2,550 in 4 rows;
ga4_exploration.csv by source / medium, 2–4 Nov: 700 + 550 + 650 = 1,900 in 3 rows.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from experiments import goals, overview
from experiments.db import Database
from experiments.import_models import OVERLAPPING_REPORTS
from experiments.importers import registry, service
from experiments.models import Comparator, Goal, ScopeKind, new_id
from experiments.store import Store
from tests.cli_runner import run_cli as cli
from tests.conftest import FIXTURES
from tests.test_goals import add_facts

TODAY = date(2026, 12, 1)
FILES = {"campaign": "ga4.csv", "channels": "ga4_channels.csv", "source": "ga4_exploration.csv"}


def sessions_goal(scope: ScopeKind = ScopeKind.ALL, value: str | None = None) -> Goal:
    return Goal(new_id(), "Sessions in early November", "sessions", Comparator.AT_LEAST,
                10_000.0, None, date(2026, 11, 2), date(2026, 11, 4), scope_kind=scope,
                scope_value=value)  # fmt: skip


def load(store: Store, *reports: str) -> None:
    for report in reports:
        service.run(store, (FIXTURES / FILES[report]).read_bytes(), FILES[report])


# (reports imported, sessions counted over everything, rows not counted)
CASES = [
    (("campaign",), 6_930, 0),
    (("channels",), 2_550, 0),
    (("source",), 1_900, 0),
    (("campaign", "channels", "source"), 6_930, 7),
    (("source", "channels", "campaign"), 6_930, 7),  # the order of the imports does not matter
    (("campaign", "source"), 6_930, 3),
    # 2–3 Nov from the channel groups, 4 Nov (no channel rows) from source / medium.
    (("channels", "source"), 2_550 + 650, 2),
]


@pytest.mark.parametrize(("reports", "sessions", "overlapping"), CASES)
def test_a_goal_over_everything_counts_each_ga4_day_once(
    store: Store, reports: tuple[str, ...], sessions: int, overlapping: int
) -> None:
    load(store, *reports)
    p = goals.goal_progress(store, sessions_goal(), TODAY)
    assert (p.actual, p.overlapping) == (sessions, overlapping)
    frame = store.daily_metrics(date(2026, 11, 2), date(2026, 11, 4), metrics=["sessions"])
    assert frame["sessions"].sum() == sessions


@pytest.mark.parametrize(
    ("channel", "sessions"), [("ga4", 6_930), ("ga4_channels", 2_550), ("ga4_source_medium", 1_900)]
)
def test_a_goal_scoped_to_one_report_counts_all_its_rows(
    store: Store, channel: str, sessions: int
) -> None:
    load(store, "campaign", "channels", "source")
    p = goals.goal_progress(store, sessions_goal(ScopeKind.CHANNEL, channel), TODAY)
    assert (p.actual, p.overlapping) == (sessions, 0)


def test_other_platforms_facts_on_the_same_days_still_count(store: Store) -> None:
    load(store, "campaign", "channels")
    add_facts(store, [{"date": date(2026, 11, 3), "sessions": 40.0}], source="Winter")
    p = goals.goal_progress(store, sessions_goal(), TODAY)
    assert (p.actual, p.overlapping) == (6_930 + 40, 4)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "4 rows of a GA4 report are not counted: another GA4 report has the same days"),
     ("de", "4 Zeilen eines GA4-Berichts werden nicht gezählt: Ein anderer GA4-Bericht hat")],
)  # fmt: skip
def test_the_rows_not_counted_are_said(store: Store, lang: str, words: str) -> None:
    load(store, "campaign", "channels")
    p = goals.goal_progress(store, sessions_goal(), TODAY)
    assert words in overview.explain(p, lang)
    alone = goals.goal_progress(store, sessions_goal(ScopeKind.CHANNEL, "ga4_channels"), TODAY)
    assert "GA4" not in overview.explain(alone, lang)


def test_goals_json_gives_the_rows_not_counted(db_path: Path) -> None:
    db = Database.open(db_path)
    try:
        store = Store(db)
        load(store, "campaign", "channels", "source")
        store.add_goal(sessions_goal())
    finally:
        db.close()
    code, out, err = cli("goals", "--json", "--as-of", "2026-12-01")
    assert (code, err) == (0, "")
    (row,) = json.loads(out)
    assert (row["actual"], row["overlapping"]) == (6_930, 7)


def test_the_reports_of_one_whole_are_platforms_the_registry_knows() -> None:
    (family,) = OVERLAPPING_REPORTS
    assert [registry.dimension_kind(k) for k in family if k in registry.PLATFORMS] == [
        "campaign", "channel_group", "source_medium"
    ]  # fmt: skip
