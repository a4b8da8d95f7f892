"""Platforms whose rows carry another dimension than a campaign, and the layouts that needed a
rule of their own: GA4's Grand total labelled in the last cell, Sprout Social per network, Meta
Business Suite's charts named by their title line.

The exported layouts and where they come from are in tests/fixtures/build_platform_fixtures.py
and build_meta_suite_fixtures.py.
"""

from __future__ import annotations

import codecs

import pytest

from experiments.db import Database
from experiments.importers import registry, service
from experiments.store import Store
from tests import sql
from tests.conftest import FIXTURES

# (file, platform, the kind of its source names, the stored source names)
DIMENSIONS: list[tuple[str, str, str, list[str]]] = [
    ("ga4_channels.csv", "ga4_channels", "channel_group", ["Direct", "Organic Search",
                                                           "Paid Social"]),
    ("ga4_exploration.csv", "ga4_source_medium", "source_medium", ["google / organic",
                                                                   "newsletter / email"]),
    ("sprout_social.csv", "sprout_social", "profile", ["Gartenwelt", "Gartenwelt Hilfe"]),
    ("ga4.csv", "ga4", "campaign", ["(not set)", "newsletter_nov", "spring_sale"]),
    ("pinterest.csv", "pinterest", "campaign", ["Balkon", "Wintergarten"]),
    # LinkedIn page analytics name no page in their rows: the registry's fixed source name.
    ("linkedin_page.csv", "linkedin_page", "page", ["LinkedIn page"]),
    ("linkedin_page.xlsx", "linkedin_page", "page", ["LinkedIn page"]),
    ("agorapulse.csv", "agorapulse", "profile", ["Gartenwelt (Facebook)",
                                                 "Gartenwelt (Instagram)"]),
    # Meta Business Suite's charts: the network their title line names.
    ("meta_suite_facebook_follows.csv", "meta_insights", "page", ["Facebook"]),
    ("meta_suite_instagram_follows.csv", "meta_insights", "page", ["Instagram"]),
]  # fmt: skip


@pytest.mark.parametrize(("name", "platform", "kind", "names"), DIMENSIONS,
                         ids=[d[0] for d in DIMENSIONS])  # fmt: skip
def test_a_dimension_is_stored_as_the_source_name_and_its_kind_is_known(
    db: Database, store: Store, name: str, platform: str, kind: str, names: list[str]
) -> None:
    service.run(store, (FIXTURES / name).read_bytes(), name)
    stored = sql.rows(db, "SELECT DISTINCT platform, source_campaign FROM metric_fact ORDER BY 2")
    assert [r[1] for r in stored] == names
    assert {r[0] for r in stored} == {platform}
    assert registry.dimension_kind(platform) == kind


# A GA4 exploration by campaign: "Grand total" in the last cell, below the header or at the end.
_HEADER = (
    "# Start date: 20261102\n# End date: 20261103\nSession campaign,Date,Sessions,Key events\n"
)
_ROWS = "spring_sale,20261102,500,7\nspring_sale,20261103,450,6\nautumn,20261102,300,2\n"
_TOTAL = ",,1250,15,Grand total\n"


@pytest.mark.parametrize(("text", "skipped"), [
    (_HEADER + _TOTAL + _ROWS, {"summary": 1, "totals": 0, "preamble": 2, "trailing": 0}),
    (_HEADER + _ROWS + _TOTAL, {"summary": 0, "totals": 1, "preamble": 2, "trailing": 0}),
], ids=["below the header", "at the end"])  # fmt: skip
def test_grand_total_labelled_in_the_last_cell_is_left_out(
    store: Store, text: str, skipped: dict[str, int]
) -> None:
    summary = service.run(store, text.encode(), "exploration.csv").as_json()
    assert (summary["platform"], summary["rows"], summary["skipped"]) == ("ga4", 3, skipped)
    assert summary["totals"] == {"sessions": 1250, "conversions": 15}


def test_a_totals_label_in_the_last_cell_counts_only_where_the_platform_puts_it() -> None:
    # TikTok's label stands first; a campaign called like a totals row at the end is data there.
    row = ["Herbst", "2026-10-05", "10.00", "Total of 2 results"]
    assert not registry.TIKTOK.dialects[0].is_totals_row(row)
    assert registry.GA4.dialects[0].is_totals_row(["", "", "1250", "Grand total"])


def test_sprout_social_per_network_stores_the_network_as_the_source_name(
    db: Database, store: Store
) -> None:
    text = (
        "Date,Network,Total Replies,Average Reply Time,Median Reply Time,Quickest Reply,"
        "Slowest Reply\n11/02/2026,Instagram,24,1h 10m,35m,2m,6h 5m\n"
        "11/02/2026,Facebook,10,2h 30m,1h 15m,5m,9h\n"
    )
    summary = service.run(store, text.encode(), "sprout_networks.csv").as_json()
    assert (summary["platform"], summary["rows"]) == ("sprout_social", 2)
    assert summary["totals"] == {"replies": 34, "response_time_s": (2100 + 4500) / 2}
    stored = sql.rows(db, "SELECT source_campaign, variant FROM metric_fact ORDER BY 1")
    assert stored == [("Facebook", ""), ("Instagram", "")]


def test_sprout_social_keeps_the_reply_times_it_cannot_combine(db: Database, store: Store) -> None:
    service.run(store, (FIXTURES / "sprout_social.csv").read_bytes(), "sprout_social.csv")
    found = sql.one(db, "SELECT variant, response_time_s, extra FROM metric_fact WHERE "
                        "source_campaign = 'Gartenwelt Hilfe'")  # fmt: skip
    assert found is not None
    assert found[:2] == ("X", 7200)
    assert found[2] == {"Average Reply Time": "3h", "Quickest Reply": "30m",
                        "Slowest Reply": "7h 45m"}  # fmt: skip


def _chart(text: str) -> bytes:
    """A Meta Business Suite chart download: UTF-16 LE with its byte order mark, CRLF."""
    return codecs.BOM_UTF16_LE + text.replace("\n", "\r\n").encode("utf-16-le")


def _followers(db: Database) -> list[tuple[str, str, float]]:
    return sql.rows(db, "SELECT source_campaign, CAST(date AS VARCHAR), new_followers "
                        "FROM metric_fact ORDER BY 1, 2")  # fmt: skip


def test_meta_suite_follows_of_both_networks_sit_side_by_side(db: Database, store: Store) -> None:
    for name in ("meta_suite_facebook_follows.csv", "meta_suite_instagram_follows.csv"):
        summary = service.run(store, (FIXTURES / name).read_bytes(), name).as_json()
        assert (summary["replaced_rows"], summary["unchanged_rows"]) == (0, 0)
    # The days without a new follow have no row, and none is made up for them.
    assert _followers(db) == [
        ("Facebook", "2026-01-02", 3), ("Facebook", "2026-01-03", 1),
        ("Facebook", "2026-01-05", 4), ("Facebook", "2026-01-06", 2),
        ("Facebook", "2026-01-09", 7), ("Instagram", "2026-01-01", 9),
        ("Instagram", "2026-01-02", 14), ("Instagram", "2026-01-04", 6),
        ("Instagram", "2026-01-07", 11), ("Instagram", "2026-01-08", 5),
        ("Instagram", "2026-01-09", 8),
    ]  # fmt: skip
    # A later Facebook download over the last day replaces that day of Facebook's only.
    later = ('sep=,\n"Facebook follows"\n"Date","Primary"\n"2026-01-09T00:00:00","8"\n'
             '"2026-01-10T00:00:00","2"\n')  # fmt: skip
    summary = service.run(store, _chart(later), "facebook_follows_later.csv").as_json()
    assert (summary["new_rows"], summary["replaced_rows"], summary["unchanged_rows"]) == (1, 1, 0)
    totals = sql.rows(db, "SELECT source_campaign, sum(new_followers) FROM metric_fact "
                          "GROUP BY 1 ORDER BY 1")  # fmt: skip
    assert totals == [("Facebook", 17 - 7 + 8 + 2), ("Instagram", 53)]


@pytest.mark.parametrize(("above", "source"), [
    ('sep=,\n"Instagram follows"\n', "Instagram"),
    ('"Facebook follows"\n', "Facebook"),  # without Excel's separator line
    ('sep=,\n"  facebook   FOLLOWS "\n', "Facebook"),  # the title compared as header labels are
], ids=["separator line and title", "title only", "title in other case and spacing"])  # fmt: skip
def test_meta_suite_title_line_names_the_network(
    db: Database, store: Store, above: str, source: str
) -> None:
    text = above + '"Date","Primary"\n"2026-01-03T00:00:00","4"\n'
    summary = service.run(store, _chart(text), "follows.csv").as_json()
    assert (summary["platform"], summary["totals"]) == ("meta_insights", {"new_followers": 4})
    assert _followers(db) == [(source, "2026-01-03", 4)]


def test_meta_suite_time_of_day_reads_as_that_day(db: Database, store: Store) -> None:
    # As every date with a time of day: the day is kept, the time left out.
    text = 'sep=,\n"Instagram follows"\n"Date","Primary"\n"2026-01-03T13:45:00","4"\n'
    service.run(store, _chart(text), "follows.csv")
    assert _followers(db) == [("Instagram", "2026-01-03", 4)]
