"""LinkedIn page analytics (rows that name no page), Agorapulse's community management report
and the refused Meta Business Suite inbox export: what each stores, keeps aside or refuses.

The layouts and where they come from are in tests/fixtures/build_platform_fixtures.py.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from experiments import goals
from experiments.db import Database
from experiments.errors import ImportFormatError, ImportRefused, InvalidInput
from experiments.import_models import CellKind
from experiments.importers import plan, service
from experiments.models import Alias, Comparator, Goal, ScopeKind, new_id
from experiments.store import Store, file_sql
from tests import sql
from tests.conftest import FIXTURES

PAGE_CSV = (FIXTURES / "linkedin_page.csv").read_bytes()


@pytest.mark.parametrize("name", ["linkedin_page.csv", "linkedin_page.xlsx"])
def test_linkedin_page_days_are_stored_under_the_fixed_source_name(
    db: Database, store: Store, name: str
) -> None:
    service.run(store, (FIXTURES / name).read_bytes(), name)
    stored = sql.rows(db, "SELECT source_campaign, variant, date::VARCHAR, impressions, clicks, "
                          "engagements FROM metric_fact ORDER BY date")  # fmt: skip
    # Engagements: the total clicks, reactions, comments and reposts of the day.
    assert stored == [
        ("LinkedIn page", "", "2026-11-02", 2000, 55, 115),
        ("LinkedIn page", "", "2026-11-03", 1500, 45, 118),
        ("LinkedIn page", "", "2026-11-04", 2000, 55, 101),
        ("LinkedIn page", "", "2026-11-05", 1100, 28, 68),
    ]


def test_linkedin_page_keeps_the_parts_and_drops_the_rates(db: Database, store: Store) -> None:
    service.run(store, PAGE_CSV, "linkedin_page.csv")
    found = sql.one(db, "SELECT extra FROM metric_fact WHERE date = '2026-11-02'")
    assert found is not None
    extra = found[0]
    assert (extra["Reactions (total)"], extra["Comments (total)"], extra["Reposts (total)"]) == (
        "50", "7", "3")  # fmt: skip
    organic = (extra["Impressions (organic)"], extra["Unique impressions (organic)"])
    assert organic == ("1200", "950")
    assert not [k for k in extra if k.startswith("Engagement rate")]


_PARTS = (
    "Date,Impressions (total),Clicks (total),Reactions (total),Comments (total),Reposts (total)\n"
)


@pytest.mark.parametrize(("cells", "engagements"), [
    ("12,3,4,1", 20.0),
    ("12,,4,", 16.0),
    ("--,-,,", None),  # every part missing: no engagements, never 0
    ("0,0,0,0", 0.0),
], ids=["all parts", "some parts empty", "no part", "all zero"])  # fmt: skip
def test_linkedin_page_engagements_add_up_the_parts_present(
    db: Database, store: Store, cells: str, engagements: float | None
) -> None:
    text = f"{_PARTS}11/02/2026,500,{cells}\n".encode()
    service.run(store, text, "page.csv")
    assert sql.one(db, "SELECT engagements FROM metric_fact") == (engagements,)


def test_a_plan_does_not_add_up_what_is_no_number_column() -> None:
    with plan.prepare(PAGE_CSV, "linkedin_page.csv") as prepared:
        read = prepared.read_plan()
        own = dict(read.metrics)["engagements"]
        assert [c.index for c in (own, *own.plus)] == [7, 10, 13, 16]
        text = dataclasses.replace(own, plus=(dataclasses.replace(own, kind=CellKind.TEXT),))
        metrics = tuple((m, text if m == "engagements" else c) for m, c in read.metrics)
        with pytest.raises(InvalidInput) as caught:
            file_sql.check(dataclasses.replace(read, metrics=metrics))
    assert str(caught.value) == (
        "linkedin_page.csv, the metric engagements: a column added to it must be a plain number "
        "column"
    )


def test_a_second_export_of_the_same_days_replaces_nothing_it_repeats(store: Store) -> None:
    # The workbook holds the CSV's rows: the same page's days under the same source name.
    service.run(store, PAGE_CSV, "linkedin_page.csv")
    again = service.run(store, (FIXTURES / "linkedin_page.xlsx").read_bytes(), "page.xlsx")
    assert (again.new_rows, again.replaced_rows, again.unchanged_rows) == (0, 0, 4)
    assert store.fact_count() == 4


def test_a_named_linkedin_page_needs_only_its_date_column(db: Database, store: Store) -> None:
    # Named, the platform's header needs its date and a metric, never a campaign column.
    text = b"Date,Impressions (total)\n11/02/2026,100\n11/03/2026,120\n"
    summary = service.run(store, text, "page.csv", platform="linkedin_page").as_json()
    assert (summary["platform"], summary["rows"], summary["totals"]) == (
        "linkedin_page", 2, {"impressions": 220})  # fmt: skip
    assert sql.rows(db, "SELECT DISTINCT source_campaign FROM metric_fact") == [("LinkedIn page",)]


def test_a_named_linkedin_page_without_a_date_is_told_it_lacks_the_date(
    db: Database, store: Store
) -> None:
    text = b"Day,Impressions (total)\n11/02/2026,100\n"
    with pytest.raises(ImportRefused) as caught:
        service.run(store, text, "page.csv", platform="linkedin_page")
    assert str(caught.value) == (
        "page.csv, line 1: the header (Day, Impressions (total)) lacks the date column of "
        "linkedin_page — add the Day segment or a date range to the report and export it again, "
        "or check that the file is an export of that platform"
    )
    assert sql.one(db, "SELECT count(*) FROM metric_fact") == (0,)


def test_a_plan_without_a_campaign_column_needs_its_source_name() -> None:
    with plan.prepare(PAGE_CSV, "linkedin_page.csv") as prepared:
        read = prepared.read_plan()
        assert (read.campaign, read.source_name) == (None, "LinkedIn page")
        with pytest.raises(InvalidInput) as caught:
            file_sql.check(dataclasses.replace(read, source_name=" "))
    assert str(caught.value) == (
        "linkedin_page.csv: the rows need a campaign column or a fixed source name"
    )


def test_agorapulse_stores_replies_per_profile_and_member_and_keeps_the_average_aside(
    db: Database, store: Store
) -> None:
    service.run(store, (FIXTURES / "agorapulse.csv").read_bytes(), "agorapulse.csv")
    stored = sql.rows(db, "SELECT date::VARCHAR, source_campaign, variant, replies, "
                          "response_time_s, extra FROM metric_fact ORDER BY ALL")  # fmt: skip
    assert [r[:5] for r in stored] == [
        ("2026-11-02", "Gartenwelt (Instagram)", "Anna", 14, None),
        ("2026-11-02", "Gartenwelt (Instagram)", "Ben", 9, None),
        ("2026-11-03", "Gartenwelt (Facebook)", "Anna", 6, None),
        ("2026-11-03", "Gartenwelt (Instagram)", "Anna", 11, None),
    ]
    # An average cannot be combined across rows, and the unit of a plain number is unknown.
    assert stored[1][5] == {"Reviewed": "12", "Average response time": "1h 5m"}


def test_meta_inbox_refusal_reads_in_german(db: Database, store: Store) -> None:
    with pytest.raises(ImportFormatError) as caught:
        service.run(store, (FIXTURES / "bad" / "meta_inbox.csv").read_bytes(), "meta_inbox.csv")
    assert isinstance(caught.value, ImportRefused)
    assert caught.value.text("de") == (
        "meta_inbox.csv, Zeile 1: Dieser Export aus Meta Business Suite inbox enthält für jeden "
        "Tag die Antwortrate und Antwortzeit so, wie Meta sie über die 30 Tage davor berechnet "
        "(die Antwortzeit ist der Durchschnitt der schnellsten 90 % der Antworten in diesem "
        "Zeitraum), nicht die Werte dieses Tages — solche gleitenden Werte lassen sich weder "
        "summieren noch als Tageswerte zwischen Zyklen vergleichen: exportieren Sie stattdessen "
        "Antworten und Antwortzeiten pro Tag aus Ihrem Posteingangs-Tool (etwa den "
        "Inbox-Aktivitätsbericht von Sprout Social oder den Community-Management-Bericht von "
        "Agorapulse) und importieren Sie diese Datei"
    )
    assert sql.one(db, "SELECT count(*) FROM metric_fact") == (0,)


# ---------------------------------------------------------------- LinkedIn followers and visitors

PAGE_DOWNLOADS = ("linkedin_page.csv", "linkedin_followers.xlsx", "linkedin_visitors.xlsx")


def test_the_three_linkedin_page_downloads_of_the_same_days_sit_side_by_side(
    db: Database, store: Store
) -> None:
    # Each download is a platform key of its own: importing the followers after the updates
    # replaces nothing, and every day holds its impressions, new followers and page views.
    for name in PAGE_DOWNLOADS:
        summary = service.run(store, (FIXTURES / name).read_bytes(), name)
        assert (summary.rows, summary.replaced_rows) == (4, 0)
    stored = sql.rows(db, "SELECT platform, count(*), sum(impressions), sum(new_followers), "
                          "sum(page_views) FROM metric_fact WHERE source_campaign = "
                          "'LinkedIn page' GROUP BY platform ORDER BY platform")  # fmt: skip
    assert stored == [
        ("linkedin_followers", 4, None, 57, None),
        ("linkedin_page", 4, 6600, None, None),
        ("linkedin_visitors", 4, None, None, 1030),
    ]


def test_the_followers_parts_and_the_unique_visitors_are_kept_aside(
    db: Database, store: Store
) -> None:
    for name in PAGE_DOWNLOADS[1:]:
        service.run(store, (FIXTURES / name).read_bytes(), name)
    followers = sql.one(db, "SELECT extra FROM metric_fact WHERE platform = 'linkedin_followers' "
                            "AND date = '2026-11-03'")  # fmt: skip
    assert followers is not None
    assert {
        k: followers[0][k]
        for k in ("Sponsored followers", "Organic followers", "Auto-invited followers")
    } == {"Sponsored followers": "0", "Organic followers": "9", "Auto-invited followers": "1"}
    visitors = sql.one(db, "SELECT page_views, extra FROM metric_fact WHERE platform = "
                           "'linkedin_visitors' AND date = '2026-11-02'")  # fmt: skip
    assert visitors is not None
    assert (visitors[0], visitors[1]["Total unique visitors (total)"]) == (280, "196")


def test_a_goal_on_new_followers_counts_the_linked_page(store: Store) -> None:
    # Linked to a campaign like any other name, the page's new followers reach its goals.
    campaign = store.create_campaign("Employer branding", aliases=(Alias("LinkedIn page"),))
    for name in PAGE_DOWNLOADS:
        service.run(store, (FIXTURES / name).read_bytes(), name)
    goal = Goal(new_id(), "New followers in November", "new_followers", Comparator.AT_LEAST,
                200.0, None, date(2026, 11, 1), date(2026, 11, 30),
                scope_kind=ScopeKind.CAMPAIGN, scope_value=str(campaign.id))  # fmt: skip
    progress = goals.goal_progress(store, goal, date(2026, 11, 6))
    assert progress.actual == 57
    views = dataclasses.replace(goal, metric="page_views", name="Page views")
    assert goals.goal_progress(store, views, date(2026, 11, 6)).actual == 1030
