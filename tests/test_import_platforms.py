"""Platforms whose rows carry another dimension than a campaign, and the layouts that needed a
rule of their own: GA4's Grand total labelled in the last cell, Sprout Social per network.

The exported layouts and where they come from are in tests/fixtures/build_platform_fixtures.py.
"""

from __future__ import annotations

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
