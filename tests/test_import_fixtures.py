"""Every platform export fixture imports with its exact row count, totals and date range.

The expected figures are worked out by hand from the invented numbers in
tests/fixtures/build_fixtures.py, not by running the importer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from experiments.db import Database
from experiments.importers import service
from experiments.importers.plan import prepare
from experiments.store import Store
from tests import sql
from tests.cli_runner import run_cli as cli
from tests.conftest import FIXTURES

META_EN_TOTALS = {"spend": 2298.89, "impressions": 173160, "reach": 95006, "clicks": 2829,
                  "conversions": 133}  # fmt: skip
META_DE_TOTALS = {"spend": 2827.61, "impressions": 88026, "reach": 55592, "clicks": 2317,
                  "conversions": 101}  # fmt: skip
GOOGLE_EN_TOTALS = {"spend": 2703.85, "impressions": 36802, "clicks": 2035, "conversions": 82.5,
                    "revenue": 6295.5}  # fmt: skip
LINKEDIN_TOTALS = {"spend": 766.5, "impressions": 48502, "clicks": 370, "conversions": 4,
                   "leads": 31, "engagements": 1119}  # fmt: skip

# An import's total of reach is the mean over its days of each day's reach: platforms count a
# person once per day, so days are never added up (the stored rows still add up to the file).
REACH_PER_DAY = {
    "meta_en.csv": (48116 + 39740 + 7150) / 3,
    "meta_de.csv": (27818 + 26454 + 1320) / 3,
    "meta_de_berichtsstart.csv": (16400 + 6000) / 2,
    "meta_de.xlsx": (27818 + 26454 + 1320) / 3,
    "tiktok.csv": (24102 + 25670) / 2,
    "meta_en_bodies.csv": (8100 + 6400 + 9300 + 4020 + 3300) / 2,
    "meta_de_anzeigentext.csv": (8100 + 6400 + 3300) / 2,
    "meta_ja_cp932.csv": ((30000 + 8100) + (29000 + 7000)) / 2,
    "tiktok_pl_cp1250.csv": ((30500 + 9800) + (28000 + 9200)) / 2,
    "meta_cs_iso8859_2.csv": ((15100 + 6500) + (14900 + 5500)) / 2,
    "meta_de_macroman.csv": (27818 + 26454 + 1320) / 3,
    # Both campaigns' rows cover the same fortnight: one period, its reach added over campaigns.
    "meta_en_period.csv": 33500 + 17500,
    "tiktok_stat_time_day.csv": 7000 + 5000,  # one day
    # Ad-level and breakdown rows of one day add up to that day, whatever their segment.
    "meta_en_ads.csv": ((3000 + 2500 + 1800) + (3100 + 2700)) / 2,
    "meta_en_age_gender.csv": 2000 + 1500 + 2900 + 2300 + 280,
    "meta_de_alter_geschlecht.csv": ((800 + 700 + 40000) + 850) / 2,
    "meta_en_placement.csv": 12000 + 9000 + 7500 + 2000 + 1200,
}


def skipped(summary: int = 0, totals: int = 0, preamble: int = 0, trailing: int = 0) -> dict:
    return {"summary": summary, "totals": totals, "preamble": preamble, "trailing": trailing}


# (file, platform, encoding, rows, skipped, date_min, date_max, totals)
CASES: list[tuple[str, str, str, int, dict, str, str, dict[str, float]]] = [
    ("meta_en.csv", "meta", "UTF-8 with BOM", 6, skipped(summary=1), "2026-11-02",
     "2026-11-04", META_EN_TOTALS),
    ("meta_de.csv", "meta", "Windows-1252", 5, skipped(summary=1), "2026-11-02", "2026-11-04",
     META_DE_TOTALS),
    ("meta_de_berichtsstart.csv", "meta", "UTF-8 with BOM", 3, skipped(), "2026-07-01",
     "2026-07-02", {"spend": 281.0, "impressions": 33500, "reach": 22400, "clicks": 641,
                    "conversions": 19}),
    ("meta_de.xlsx", "meta", "XLSX", 5, skipped(summary=1), "2026-11-02", "2026-11-04",
     META_DE_TOTALS),
    ("google_ads_en.csv", "google_ads", "UTF-8", 5, skipped(totals=2, preamble=2), "2026-10-30",
     "2026-11-01", GOOGLE_EN_TOTALS),
    ("google_ads_en.xlsx", "google_ads", "XLSX", 5, skipped(totals=2, preamble=2), "2026-10-30",
     "2026-11-01", GOOGLE_EN_TOTALS),
    ("google_ads_de.csv", "google_ads", "UTF-8 with BOM", 4, skipped(totals=1, preamble=2),
     "2026-10-30", "2026-11-01", {"spend": 2398.85, "impressions": 31702, "clicks": 1918,
                                  "conversions": 82.5}),
    ("linkedin.csv", "linkedin", "UTF-16 LE", 5, skipped(preamble=6), "2026-11-01", "2026-11-03",
     LINKEDIN_TOTALS),
    ("linkedin_utf16be.csv", "linkedin", "UTF-16 BE", 5, skipped(preamble=6), "2026-11-01",
     "2026-11-03", LINKEDIN_TOTALS),
    ("tiktok.csv", "tiktok", "UTF-8", 4, skipped(totals=1), "2026-10-05", "2026-10-06",
     {"spend": 300.0, "impressions": 66610, "reach": 49772, "clicks": 934, "conversions": 32,
      "video_views": 31520}),
    ("ga4.csv", "ga4", "UTF-8", 6, skipped(totals=1, preamble=8, trailing=7), "2026-11-02",
     "2026-11-04", {"sessions": 6930, "engaged_sessions": 4399, "conversions": 146,
                    "revenue": 5930.4}),
    ("mailchimp.csv", "mailchimp", "UTF-8", 3, skipped(), "2026-10-27", "2026-11-05",
     {"recipients": 27210, "deliveries": 26963, "opens": 12332, "clicks": 2115,
      "unsubscribes": 63, "conversions": 126, "revenue": 6255.5}),
    # Ad texts in quotes with line breaks and blank lines inside: the table goes on through them.
    ("meta_en_bodies.csv", "meta", "UTF-8 with BOM", 5, skipped(summary=1), "2026-11-09",
     "2026-11-10", {"spend": 571.3, "impressions": 41250, "reach": 31120, "clicks": 902,
                    "conversions": 47}),
    ("meta_de_anzeigentext.csv", "meta", "Windows-1252", 3, skipped(), "2026-11-09",
     "2026-11-10", {"spend": 336.1, "impressions": 23250, "reach": 17800, "clicks": 525,
                    "conversions": 21}),
    # Neither UTF-8 nor Windows-1252: the encoding is detected, the names read as written.
    ("meta_ja_cp932.csv", "meta", "Shift_JIS (CP932)", 4, skipped(summary=1), "2026-02-05",
     "2026-02-06", {"spend": 29500, "impressions": 96500, "reach": 74100, "clicks": 1840,
                    "conversions": 42}),
    ("tiktok_pl_cp1250.csv", "tiktok", "Windows-1250", 4, skipped(totals=1), "2026-02-05",
     "2026-02-06", {"spend": 3000.0, "impressions": 110000, "reach": 77500, "clicks": 2010,
                    "conversions": 44}),
    ("meta_cs_iso8859_2.csv", "meta", "ISO-8859-2", 4, skipped(), "2026-02-05", "2026-02-06",
     {"spend": 3500.0, "impressions": 55000, "reach": 42000, "clicks": 1100, "conversions": 26}),
    ("meta_de_macroman.csv", "meta", "MacRoman", 5, skipped(summary=1), "2026-11-02",
     "2026-11-04", META_DE_TOTALS),
    # Reply times: the median of 4980 s, 293 s, 45 s and 136800 s; the empty one is missing.
    ("social_inbox.csv", "social_inbox", "UTF-8", 5, skipped(), "2026-11-02", "2026-11-04",
     {"replies": 103, "replied_within_1h": 73, "response_time_s": 2636.5}),
    # Platforms and tools of tests/fixtures/build_platform_fixtures.py: TikTok's other date
    # columns and languages (their totals rows left out), GA4 by channel group and by source /
    # medium (an exploration: its Grand total right below the header, labelled in the last
    # cell), Sprout Social (the median of 2100 s, 4500 s, 1200 s and 7200 s), Pinterest, Snapchat.
    ("tiktok_by_day.csv", "tiktok", "UTF-8", 2, skipped(totals=1), "2026-11-02", "2026-11-03",
     {"spend": 220.5, "impressions": 21000, "clicks": 410, "conversions": 22}),
    ("tiktok_stat_time_day.csv", "tiktok", "UTF-8", 2, skipped(), "2026-11-04", "2026-11-04",
     {"spend": 150.0, "impressions": 15000, "reach": 12000, "clicks": 250, "conversions": 12}),
    ("tiktok_de.csv", "tiktok", "UTF-8 with BOM", 2, skipped(totals=1), "2026-11-02",
     "2026-11-03", {"spend": 2000.0, "impressions": 23500, "clicks": 600, "conversions": 25}),
    ("tiktok_ja.csv", "tiktok", "UTF-8", 2, skipped(totals=1), "2026-11-02", "2026-11-03",
     {"spend": 25000.0, "impressions": 62000, "clicks": 1240, "conversions": 42}),
    ("tiktok_ko.csv", "tiktok", "UTF-8", 2, skipped(totals=1), "2026-11-02", "2026-11-03",
     {"spend": 320000.0, "impressions": 42000, "clicks": 820, "conversions": 22}),
    ("ga4_channels.csv", "ga4_channels", "UTF-8", 4, skipped(totals=1, preamble=8),
     "2026-11-02", "2026-11-03", {"sessions": 2550, "engaged_sessions": 1590,
                                  "conversions": 34, "revenue": 1250.0}),
    ("ga4_exploration.csv", "ga4_source_medium", "UTF-8", 3, skipped(summary=1, preamble=5),
     "2026-11-02", "2026-11-04", {"sessions": 1900, "engaged_sessions": 1210,
                                  "conversions": 30}),
    # A Reports snapshot: the first table a platform knows, between the others.
    ("ga4_snapshot.csv", "ga4_channels", "UTF-8", 2, skipped(preamble=14, trailing=6),
     "2026-11-04", "2026-11-05", {"sessions": 1020, "engaged_sessions": 680, "conversions": 14}),
    ("sprout_social.csv", "sprout_social", "UTF-8", 4, skipped(), "2026-11-02", "2026-11-03",
     {"replies": 58, "response_time_s": 3300.0}),
    ("pinterest.csv", "pinterest", "UTF-8", 3, skipped(), "2026-11-02", "2026-11-03",
     {"spend": 127.5, "impressions": 22300, "clicks": 311, "conversions": 7, "revenue": 515.5}),
    ("snapchat.csv", "snapchat", "UTF-8", 3, skipped(), "2026-11-02", "2026-11-03",
     {"spend": 215.75, "impressions": 38500, "clicks": 380, "conversions": 10,
      "revenue": 465.0, "video_views": 15500}),
    # LinkedIn page analytics (a description line above the header; the workbook's Metrics
    # sheet before its sheet of posts): the totals of impressions and clicks, engagements the
    # total clicks, reactions, comments and reposts (115 + 118 + 101 + 68); Agorapulse's
    # replies per day, profile and team member.
    ("linkedin_page.csv", "linkedin_page", "UTF-8", 4, skipped(preamble=1), "2026-11-02",
     "2026-11-05", {"impressions": 6600, "clicks": 183, "engagements": 402}),
    ("linkedin_page.xlsx", "linkedin_page", "XLSX", 4, skipped(preamble=1), "2026-11-02",
     "2026-11-05", {"impressions": 6600, "clicks": 183, "engagements": 402}),
    ("agorapulse.csv", "agorapulse", "UTF-8", 4, skipped(), "2026-11-02", "2026-11-03",
     {"replies": 40}),
    # LinkedIn page analytics' Followers and Visitors downloads (the daily sheet first, then
    # audience sheets that are no days): the day's new followers (15 + 10 + 19 + 13) and the
    # total page views (280 + 230 + 320 + 200).
    ("linkedin_followers.csv", "linkedin_followers", "UTF-8", 4, skipped(), "2026-11-02",
     "2026-11-05", {"new_followers": 57}),
    ("linkedin_followers.xlsx", "linkedin_followers", "XLSX", 4, skipped(), "2026-11-02",
     "2026-11-05", {"new_followers": 57}),
    ("linkedin_visitors.csv", "linkedin_visitors", "UTF-8", 4, skipped(), "2026-11-02",
     "2026-11-05", {"page_views": 1030}),
    ("linkedin_visitors.xlsx", "linkedin_visitors", "XLSX", 4, skipped(), "2026-11-02",
     "2026-11-05", {"page_views": 1030}),
    # Meta Business Suite's follows charts (UTF-16 LE, the "sep=," and title lines above the
    # header): only the days with new follows have a row, 3 + 1 + 4 + 2 + 7 on Facebook and
    # 9 + 14 + 6 + 11 + 5 + 8 on Instagram (source names in test_import_platforms.py).
    ("meta_suite_facebook_follows.csv", "meta_insights", "UTF-16 LE", 5, skipped(preamble=2),
     "2026-01-02", "2026-01-09", {"new_followers": 17}),
    ("meta_suite_instagram_follows.csv", "meta_insights", "UTF-16 LE", 6,
     skipped(preamble=2), "2026-01-01", "2026-01-09", {"new_followers": 53}),
    # Rows that cover a period, not a day (see PERIODS below).
    ("meta_en_period.csv", "meta", "UTF-8 with BOM", 2, skipped(summary=1), "2026-11-01",
     "2026-11-14", {"spend": 1530.0, "impressions": 96000, "reach": 51000, "clicks": 1640,
                    "conversions": 70}),
    ("google_ads_en_period.csv", "google_ads", "UTF-8", 2, skipped(totals=1, preamble=2),
     "2025-07-08", "2025-07-31", {"spend": 1514.75, "impressions": 21350, "clicks": 1124,
                                  "conversions": 44.5, "revenue": 3285.0}),
    ("google_ads_de_period.csv", "google_ads", "UTF-8 with BOM", 2,
     skipped(totals=1, preamble=2), "2026-11-01", "2026-11-30",
     {"spend": 2726.0, "impressions": 35500, "clicks": 2126, "conversions": 92.5}),
    ("linkedin_period.csv", "linkedin", "UTF-16 LE", 2, skipped(preamble=6), "2026-11-01",
     "2026-11-30", {"spend": 3945.5, "impressions": 218700, "clicks": 1930, "conversions": 15,
                    "leads": 155, "engagements": 5660}),
    # Ad-level and breakdown rows (see SEGMENTS below): each segment is a fact of its own.
    ("meta_en_ads.csv", "meta", "UTF-8 with BOM", 5, skipped(summary=1), "2026-11-02",
     "2026-11-03", {"spend": 220.0, "impressions": 16500, "reach": 13100, "clicks": 340,
                    "conversions": 14}),
    ("meta_en_age_gender.csv", "meta", "UTF-8 with BOM", 5, skipped(summary=1), "2026-11-02",
     "2026-11-02", {"spend": 135.0, "impressions": 11100, "reach": 8980, "clicks": 210,
                    "conversions": 10}),
    ("meta_de_alter_geschlecht.csv", "meta", "UTF-8 with BOM", 4, skipped(), "2026-11-02",
     "2026-11-03", {"spend": 1057.0, "impressions": 63000, "reach": 42350, "clicks": 1257,
                    "conversions": 53}),
    ("meta_en_placement.csv", "meta", "UTF-8 with BOM", 5, skipped(), "2026-11-01",
     "2026-11-07", {"spend": 500.0, "impressions": 50000, "reach": 31700, "clicks": 705,
                    "conversions": 22}),
    ("google_ads_device.csv", "google_ads", "UTF-8", 5, skipped(totals=1, preamble=2),
     "2026-10-30", "2026-10-31", {"spend": 410.0, "impressions": 6750, "clicks": 587,
                                  "conversions": 31.0}),
]  # fmt: skip

# Ad-level and breakdown exports: (file, the stored (variant, segment) pairs, the breakdown).
# Two ads "Video A" in two ad sets both named "New ad set" differ by their ids only.
_IDS = "Ad set ID=120210000000000001 · Ad ID=120210000000000011"
_IDS2 = "Ad set ID=120210000000000002 · Ad ID=120210000000000021"
_IDS3 = "Ad set ID=120210000000000002 · Ad ID=120210000000000022"
SEGMENTS: list[tuple[str, set[tuple[str, str]], str]] = [
    ("meta_en_ads.csv", {("New ad set / Video A", _IDS), ("New ad set / Video A", _IDS2),
                         ("New ad set / Video B", _IDS3)}, "Ad set ID · Ad ID"),
    ("meta_en_age_gender.csv", {("", f"Age={a} · Gender={g}") for a, g in (
        ("18-24", "female"), ("18-24", "male"), ("25-34", "female"), ("25-34", "male"),
        ("25-34", "unknown"))}, "Age · Gender"),
    # German labels give the same segment names; the values stay as the export wrote them.
    ("meta_de_alter_geschlecht.csv", {("", "Age=18-24 · Gender=Frauen"),
                                      ("", "Age=18-24 · Gender=Männer"),
                                      ("", "Age=25-34 · Gender=Frauen")}, "Age · Gender"),
    ("meta_en_placement.csv", {("Broad 25-54", f"Platform={p} · Placement={x} · "
                                               f"Device platform={d}") for p, x, d in (
        ("Facebook", "Feed", "Mobile app"), ("Instagram", "Feed", "Mobile app"),
        ("Instagram", "Stories", "Mobile app"), ("Facebook", "Feed", "Desktop"),
        ("Audience Network", "Native, banner and interstitial", "Mobile app"))},
     "Platform · Placement · Device platform"),
    ("google_ads_device.csv", {("Brand exact", f"Device={d}") for d in (
        "Mobile phones", "Computers", "Tablets")}, "Device"),
    # An export without segment columns: every fact has none.
    ("meta_en.csv", {("Broad 25-54", ""), ("Lookalike 1%", ""), ("Interests: Garden", ""),
                     ("Retargeting", ""), ("Test", "")}, ""),
]  # fmt: skip

# Period exports: every row is one fact over the period (first day, last day); daily exports
# have none. (file, the facts' periods, period_rows)
PERIODS: list[tuple[str, set[tuple[str, str]], int]] = [
    ("meta_en_period.csv", {("2026-11-01", "2026-11-14")}, 2),
    ("meta_en_placement.csv", {("2026-11-01", "2026-11-07")}, 5),
    ("google_ads_en_period.csv", {("2025-07-08", "2025-07-31")}, 2),
    ("google_ads_de_period.csv", {("2026-11-01", "2026-11-30")}, 2),
    ("linkedin_period.csv", {("2026-11-01", "2026-11-30")}, 2),
    ("meta_en.csv", {("2026-11-02", "2026-11-02"), ("2026-11-03", "2026-11-03"),
                     ("2026-11-04", "2026-11-04")}, 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "platform", "encoding", "rows", "skip", "first", "last", "totals"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_fixture_imports_through_the_cli(
    db_path: Path, name: str, platform: str, encoding: str, rows: int, skip: dict,
    first: str, last: str, totals: dict[str, float],
) -> None:  # fmt: skip
    code, out, err = cli("import", str(FIXTURES / name), "--json")
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    assert (doc["platform"], doc["encoding"], doc["rows"]) == (platform, encoding, rows)
    assert doc["skipped"] == skip
    assert (doc["date_min"], doc["date_max"]) == (first, last)
    if "reach" in totals:
        totals = {**totals, "reach": REACH_PER_DAY[name]}
    assert doc["totals"] == pytest.approx(totals)
    assert (doc["new_rows"], doc["replaced_rows"], doc["unchanged_rows"]) == (rows, 0, 0)
    assert doc["duplicate_of"] is None and doc["file"] == name
    assert len(doc["import_id"]) == 36


@pytest.mark.parametrize(("name", "rows", "totals"), [(c[0], c[3], c[7]) for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_stored_facts_sum_to_the_file_totals(
    db: Database, store: Store, name: str, rows: int, totals: dict[str, float]
) -> None:
    summary = service.run(store, (FIXTURES / name).read_bytes(), name)
    assert store.fact_count() == rows
    for metric, expected in totals.items():
        agg = "median" if metric == "response_time_s" else "sum"
        row = sql.one(db, f"SELECT {agg}({metric}) FROM metric_fact")
        assert row is not None and row[0] == pytest.approx(expected), metric
    assert store.import_record(summary.import_id or "").rows == rows


def test_text_is_stored_as_it_came(db: Database, store: Store) -> None:
    service.run(store, (FIXTURES / "meta_en.csv").read_bytes(), "meta_en.csv")
    names = [r[0] for r in sql.rows(db, "SELECT DISTINCT source_campaign FROM metric_fact ORDER BY 1")]  # fmt: skip
    # A formula, a leading '+', a comma in quotes and a name starting with 'Total' are all data.
    assert names == ["+20% Sale", "=SUM(A1)", "Spring Sale", "Totally Fresh, Autumn"]


def test_missing_values_are_null_never_zero(db: Database, store: Store) -> None:
    service.run(store, (FIXTURES / "meta_de.csv").read_bytes(), "meta_de.csv")
    rows = sql.rows(
        db,
        "SELECT source_campaign, date, conversions FROM metric_fact "
        "WHERE conversions IS NULL ORDER BY date",
    )
    assert [(c, d.isoformat(), v) for c, d, v in rows] == [
        ("Herbst-Deal 5 € Rabatt", "2026-11-02", None),  # '-' in the export
        ("Größe; Passform", "2026-11-04", None),  # an empty cell
    ]


def test_variants_join_ad_set_and_ad(db: Database, store: Store) -> None:
    service.run(store, (FIXTURES / "meta_de_berichtsstart.csv").read_bytes(), "m.csv")
    variants = [r[0] for r in sql.rows(db, "SELECT variant FROM metric_fact ORDER BY variant")]  # fmt: skip
    assert variants == ["Frauen 18–34 / Video A", "Frauen 18–34 / Video B",
                        "Männer 18–34 / Video A"]  # fmt: skip


def test_unmapped_columns_are_kept_as_extra_values(db: Database, store: Store) -> None:
    service.run(store, (FIXTURES / "linkedin.csv").read_bytes(), "linkedin.csv")
    extra = sql.one(
        db,
        "SELECT extra FROM metric_fact WHERE source_campaign = 'Fachkräfte Technik' "
        "ORDER BY date LIMIT 1",
    )
    assert extra is not None
    # The Currency column is no extra value: it names each fact's currency.
    assert extra[0] == {"Account Name": "Gartenwelt GmbH", "Campaign Group Name":
                        "Employer Branding", "Campaign ID": "612345679"}  # fmt: skip


def test_cli_prints_a_readable_summary(db_path: Path) -> None:
    code, out, err = cli("import", str(FIXTURES / "tiktok.csv"))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("tiktok.csv imported as ")
    assert lines[0].endswith(
        " 4 rows from TikTok Ads Manager (2026-10-05 – 2026-10-06; UTF-8, delimiter ',')"
    )
    assert lines[1] == (
        "new 4, replaced 0, unchanged 0; skipped 0 summary, 1 totals, 0 preamble, 0 trailing"
    )
    assert lines[2] == (
        "totals: Spend €300.00, Impressions 66,610, Daily reach 24,886, Clicks 934, "
        "Conversions 32, Video views 31,520"
    )
    assert err == "warning: not linked to any tracker campaign yet: Herbst Looks\n"


def test_dry_run_writes_nothing(db_path: Path) -> None:
    code, out, _ = cli("import", str(FIXTURES / "ga4.csv"), "--dry-run", "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["dry_run"], doc["import_id"], doc["rows"]) == (True, None, 6)
    code, out, _ = cli("import", str(FIXTURES / "ga4.csv"), "--json")
    assert json.loads(out)["new_rows"] == 6  # the dry run left nothing to replace


@pytest.mark.parametrize(
    ("name", "in_place", "skip"),
    [("meta_en.csv", True, 2), ("ga4.csv", False, 0), ("tiktok.csv", False, 0),
     ("meta_de.csv", False, 0), ("linkedin.csv", False, 0)],
)  # fmt: skip
def test_utf8_export_on_disk_is_read_where_it_lies(name: str, in_place: bool, skip: int) -> None:
    # Totals rows, a second table, Excel's empty rows or another encoding need a clean copy.
    path = FIXTURES / name
    with prepare(path.read_bytes(), name, source=path) as p:
        assert (p.body == path, p.skip) == (in_place, skip)


@pytest.mark.parametrize(("name", "ad", "body"), [
    ("meta_en_bodies.csv", "Video B",
     '"Best boots I ever had" – Anna, Hamburg\n\n\nFree returns for 30 days.'),
    ("meta_en_bodies.csv", "Single image", "Total comfort.\n\nTotal: 0 cold days this winter."),
    # Saved again by German Excel: CRLF between rows, a bare LF inside the cell.
    ("meta_de_anzeigentext.csv", "Karussell A",
     "Kalte Füße?\n\nUnsere Stiefel halten warm – bis -20 °C.\nJetzt für 89 € sichern."),
])  # fmt: skip
def test_ad_text_with_blank_lines_is_stored_whole(
    db: Database, store: Store, name: str, ad: str, body: str
) -> None:
    service.run(store, (FIXTURES / name).read_bytes(), name)
    found = sql.rows(db, "SELECT extra FROM metric_fact WHERE variant LIKE ? ORDER BY date",
                     [f"% / {ad}"])  # fmt: skip
    assert found and {next(v for k, v in row[0].items() if k in ("Body", "Anzeigentext"))
                      for row in found} == {body}  # fmt: skip


@pytest.mark.parametrize(("name", "names"), [
    ("meta_ja_cp932.csv", ["冬のセール①", "春の新作キャンペーン"]),
    ("tiktok_pl_cp1250.csv", ["Wyprzedaż zimowa – Łódź",
                              "Świąteczna promocja – Kraków, źródło: sklep"]),
    ("meta_cs_iso8859_2.csv", ["Šťastné léto - Ostrava", "Žluté boty - Plzeň, ťuk"]),
    ("meta_de_macroman.csv", ["Frühlingsaktion Gärten", "Größe; Passform",
                              "Herbst-Deal 5 € Rabatt"]),
])  # fmt: skip
def test_names_in_other_encodings_are_stored_as_written(
    db: Database, store: Store, name: str, names: list[str]
) -> None:
    service.run(store, (FIXTURES / name).read_bytes(), name)
    stored = sql.rows(db, "SELECT DISTINCT source_campaign FROM metric_fact ORDER BY 1")
    assert [r[0] for r in stored] == names


@pytest.mark.parametrize(("name", "periods", "period_rows"), PERIODS, ids=[p[0] for p in PERIODS])
def test_period_rows_are_stored_with_their_period(
    db: Database, store: Store, name: str, periods: set[tuple[str, str]], period_rows: int
) -> None:
    summary = service.run(store, (FIXTURES / name).read_bytes(), name)
    assert summary.as_json()["period_rows"] == period_rows
    found = sql.rows(db, "SELECT DISTINCT CAST(date AS VARCHAR), CAST(date_to AS VARCHAR) "
                         "FROM metric_fact")  # fmt: skip
    assert set(found) == periods


@pytest.mark.parametrize(("name", "keys", "breakdown"), SEGMENTS, ids=[c[0] for c in SEGMENTS])
def test_breakdown_and_id_columns_become_the_segment_of_each_fact(
    db: Database, store: Store, name: str, keys: set[tuple[str, str]], breakdown: str
) -> None:
    service.run(store, (FIXTURES / name).read_bytes(), name)
    found = sql.rows(db, "SELECT DISTINCT variant, segment, breakdown FROM metric_fact")
    assert {(v, s) for v, s, _ in found} == keys
    assert {b for _, _, b in found} == {breakdown}
