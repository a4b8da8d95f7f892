"""Which facts belong to a campaign: one rule, and every caller of it agrees.

The rule (store/_facts_scope): a fact belongs to a campaign when its source campaign is one of the
campaign's aliases in any case, and the alias names no platform or the fact's platform (platforms
compared in any case too). Each case below is checked through the overview's cycle metrics, the
goals' daily metrics, compare's cycle facts and the campaign spend of the cycle page.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest

from experiments.db import Database
from experiments.errors import Conflict
from experiments.import_models import ImportRecord
from experiments.models import Alias, Campaign, Cycle, Phase, new_id
from experiments.store import Store
from tests import sql
from tests.factories import make_cycle


@pytest.fixture
def db(any_db: Database) -> Database:
    """Every test here runs on a DuckDB file, in memory, and on DuckLake with PostgreSQL."""
    return any_db


START, END = date(2026, 3, 1), date(2026, 3, 10)
# Two days outside the window, its first and last day (edges count) and one day inside.
DAYS = (date(2026, 2, 28), START, date(2026, 3, 5), END, date(2026, 3, 11))
IN_WINDOW = [START, date(2026, 3, 5), END]
SPEND = 7.0  # per fact; impressions are 1 per fact, so their sum counts the facts


def add_facts(store: Store, sources: list[tuple[str, str]], days: tuple[date, ...] = DAYS) -> None:
    """Store one fact per (platform, source campaign) and day: spend 7, impressions 1."""
    frame = pd.DataFrame(
        [
            {"platform": p, "source_campaign": name, "variant": "", "date": d,
             "spend": SPEND, "impressions": 1.0}
            for p, name in sources for d in days
        ]
    )  # fmt: skip
    sha = hashlib.sha256(frame.to_csv().encode()).hexdigest()
    record = ImportRecord(
        new_id(), "facts.csv", sha, "mixed", "local", datetime(2026, 3, 12), len(frame),
        len(frame), 0, 0, 0, min(days), max(days), "imported",
    )  # fmt: skip
    store.insert_facts(record, frame)


def campaign_with_cycle(
    store: Store, name: str, aliases: list[Alias], end: date | None = END
) -> tuple[Campaign, Cycle]:
    campaign = store.create_campaign(name, aliases=tuple(aliases))
    return campaign, make_cycle(store, campaign, 1, Phase.CAMPAIGN, start=START, end=end)


# Each caller returns (spend, facts counted, days with facts) of a campaign's cycle window.
Seen = tuple[float, float | None, list[date] | None]


def _num(value: Any) -> float:
    return 0.0 if value is None or math.isnan(value) else float(value)


def via_overview(store: Store, campaign: Campaign, cycle: Cycle) -> Seen:
    row = next(r for r in store.cycle_metrics() if r.cycle_id == cycle.id)
    return _num(row.values["spend"]), _num(row.values["impressions"]), None


def via_goals(store: Store, campaign: Campaign, cycle: Cycle) -> Seen:
    frame = store.daily_metrics(cycle.start, cycle.end, str(campaign.id))
    days = list(frame["date"])
    return _num(frame["spend"].sum()), _num(frame["impressions"].sum()), days


def via_compare(store: Store, campaign: Campaign, cycle: Cycle) -> Seen:
    frame = store.cycle_daily(campaign.id, [cycle.number])
    days = [pd.Timestamp(d).date() for d in frame["date"]]
    return _num(frame["spend"].sum()), _num(frame["impressions"].sum()), days


def via_spend(store: Store, campaign: Campaign, cycle: Cycle) -> Seen:
    return _num(store.campaign_spend(campaign.id, cycle.start, cycle.end)), None, None


CALLERS: dict[str, Callable[[Store, Campaign, Cycle], Seen]] = {
    "overview cycle metrics": via_overview,
    "goal daily metrics": via_goals,
    "compare cycle facts": via_compare,
    "campaign spend": via_spend,
}
caller = pytest.mark.parametrize("seen", list(CALLERS.values()), ids=list(CALLERS))

# (case, the campaign's aliases, the facts' (platform, source campaign), belongs)
CASES = [
    ("name in another case", [Alias("promo")], ("meta", "PROMO"), True),
    ("alias in another case", [Alias("PrOmO")], ("meta", "promo"), True),
    ("alias without platform: any platform", [Alias("promo")], ("tiktok", "Promo"), True),
    ("alias platform equal", [Alias("promo", "meta")], ("meta", "Promo"), True),
    ("alias platform typed in another case", [Alias("promo", "Meta")], ("meta", "promo"), True),
    ("alias on another platform", [Alias("promo", "google_ads")], ("meta", "promo"), False),
    ("another name", [Alias("promo")], ("meta", "promotion"), False),
    ("name with a trailing space", [Alias("promo")], ("meta", "promo "), False),
    ("two aliases match: counted once", [Alias("promo"), Alias("PROMO", "meta")],
     ("meta", "Promo"), True),
]  # fmt: skip


@caller
@pytest.mark.parametrize(
    ("aliases", "source", "belongs"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_rule(
    store: Store,
    seen: Callable[[Store, Campaign, Cycle], Seen],
    aliases: list[Alias],
    source: tuple[str, str],
    belongs: bool,
) -> None:
    campaign, cycle = campaign_with_cycle(store, "Spring Sale", aliases)
    add_facts(store, [source])
    spend, facts, days = seen(store, campaign, cycle)
    expected = len(IN_WINDOW) if belongs else 0
    assert spend == SPEND * expected
    assert facts in (None, expected)
    assert days in (None, IN_WINDOW if belongs else [])


SOURCES = [
    ("meta", "Promo"),  # both Spring Sale aliases match it: once
    ("google_ads", "PROMO"),  # Spring Sale's alias without platform
    ("google_ads", "search brand"),  # Spring Sale's 'Search Brand' on 'Google_Ads'
    ("meta", "Search Brand"),  # nobody's: that alias is for google_ads only
    ("tiktok", "SEARCH BRAND"),  # Autumn's alias for tiktok
    ("meta", "promotion"),  # nobody's
]


@pytest.fixture
def two(store: Store) -> dict[str, tuple[Campaign, Cycle]]:
    spring = campaign_with_cycle(
        store, "Spring Sale",
        [Alias("promo"), Alias("PROMO", "meta"), Alias("Search Brand", "Google_Ads")],
    )  # fmt: skip
    autumn = campaign_with_cycle(store, "Autumn", [Alias("search brand", "tiktok")])
    add_facts(store, SOURCES)
    return {"Spring Sale": spring, "Autumn": autumn}


@caller
@pytest.mark.parametrize(("name", "sources"), [("Spring Sale", 3), ("Autumn", 1)])
def test_callers_agree_on_a_mixed_workspace(
    store: Store,
    two: dict[str, tuple[Campaign, Cycle]],
    seen: Callable[[Store, Campaign, Cycle], Seen],
    name: str,
    sources: int,
) -> None:
    spend, facts, days = seen(store, *two[name])
    assert spend == SPEND * sources * len(IN_WINDOW)
    assert facts in (None, sources * len(IN_WINDOW))
    assert days in (None, IN_WINDOW)


@caller
def test_an_open_window_reaches_the_last_fact(
    store: Store, seen: Callable[[Store, Campaign, Cycle], Seen]
) -> None:
    campaign, cycle = campaign_with_cycle(store, "Spring Sale", [Alias("promo")], end=None)
    add_facts(store, [("meta", "promo")])
    spend, facts, days = seen(store, campaign, cycle)
    assert spend == SPEND * 4
    assert facts in (None, 4)
    assert days in (None, [*IN_WINDOW, date(2026, 3, 11)])


@caller
def test_an_alias_platform_stored_in_another_case_still_matches(
    db: Database, store: Store, seen: Callable[[Store, Campaign, Cycle], Seen]
) -> None:
    campaign, cycle = campaign_with_cycle(store, "Spring Sale", [Alias("promo", "meta")])
    # A row written before alias platforms were stored as lower-case registry keys.
    sql.execute(db, "UPDATE campaign_alias SET platform = 'Meta'")
    add_facts(store, [("meta", "promo"), ("tiktok", "promo")])
    spend, facts, _ = seen(store, campaign, cycle)
    assert (spend, facts) in ((SPEND * 3, None), (SPEND * 3, 3.0))


def test_alias_platforms_are_stored_as_registry_keys(store: Store) -> None:
    campaign = store.create_campaign("Spring Sale", aliases=(Alias("promo", " Meta "),))
    assert campaign.aliases == (Alias("promo", "meta"),)
    added = store.add_alias(campaign.id, Alias("Brand", "Google_Ads"))
    assert Alias("Brand", "google_ads") in added.aliases


def test_a_name_taken_on_a_platform_in_another_case_is_refused(db: Database, store: Store) -> None:
    store.create_campaign("Spring Sale", aliases=(Alias("promo", "meta"),))
    sql.execute(db, "UPDATE campaign_alias SET platform = 'Meta'")  # an older row
    with pytest.raises(Conflict) as err:
        store.create_campaign("Autumn", aliases=(Alias("PROMO", "meta"),))
    assert str(err.value) == (
        "the platform name 'PROMO' already belongs to campaign 'Spring Sale'; remove it there first"
    )


@caller
def test_a_campaign_without_aliases_has_no_facts(
    store: Store, seen: Callable[[Store, Campaign, Cycle], Seen]
) -> None:
    campaign, cycle = campaign_with_cycle(store, "Spring Sale", [])
    add_facts(store, [("meta", "Spring Sale")])
    spend, facts, days = seen(store, campaign, cycle)
    assert (spend, facts in (None, 0.0), days in (None, [])) == (0.0, True, True)


def test_the_overview_counts_rows_and_days_inside_the_window(
    store: Store, two: dict[str, tuple[Campaign, Cycle]]
) -> None:
    rows = {r.campaign: r for r in store.cycle_metrics()}
    assert rows["Spring Sale"].fact_rows == 3 * len(IN_WINDOW)
    assert rows["Spring Sale"].fact_days == len(IN_WINDOW)
    assert rows["Autumn"].fact_rows == len(IN_WINDOW)
