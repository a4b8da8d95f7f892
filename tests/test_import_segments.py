"""Breakdown and ad-level facts: segments in replacement, undo, totals, exports and backups.

A fact's segment ("Age=18-24 · Gender=female", or the ids of an ad) is part of its key. The same
campaign's days are never kept once with and once without a breakdown: every sum would count
them twice, so the second file is refused. The figures below come from the invented numbers in
tests/fixtures/build_segments.py.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from experiments.backup import make_backup, restore_backup
from experiments.db import Database
from experiments.errors import ImportRefused
from experiments.importers import service
from experiments.models import Alias, Phase
from experiments.store import Store
from tests import sql
from tests.cli_runner import run_cli as cli
from tests.conftest import FIXTURES
from tests.factories import make_cycle

AGE_GENDER = "meta_en_age_gender.csv"
HEADER = (
    "Campaign name,Age,Gender,Reporting starts,Reporting ends,Amount spent (EUR),Impressions,"
    "Reach,Link clicks,Results"
)
# The same day exported again a week later: one segment's figures restated, one segment new.
LATER = f"""\
{HEADER}
Spring Sale,18-24,female,2026-11-02,2026-11-02,30.00,2500,2000,50,2
Spring Sale,18-24,male,2026-11-02,2026-11-02,20.00,1800,1500,30,1
Spring Sale,25-34,female,2026-11-02,2026-11-02,45.50,3600,2900,70,4
Spring Sale,25-34,male,2026-11-02,2026-11-02,40.00,3000,2350,60,3
Spring Sale,25-34,unknown,2026-11-02,2026-11-02,4.25,300,280,5,
Spring Sale,35-44,female,2026-11-02,2026-11-02,10.00,700,650,9,1
"""
WITHOUT_BREAKDOWN = """\
Campaign name,Reporting starts,Reporting ends,Amount spent (EUR),Impressions,Link clicks
Spring Sale,{day},{day},135.00,11100,210
"""
BY_AGE_ONLY = """\
Campaign name,Age,Reporting starts,Reporting ends,Amount spent (EUR),Impressions,Link clicks
Spring Sale,18-24,2026-11-02,2026-11-02,50.00,4300,80
Spring Sale,25-34,2026-11-02,2026-11-02,85.00,6800,130
"""


def run(store: Store, name: str, text: str | None = None) -> service.ImportSummary:
    data = (FIXTURES / name).read_bytes() if text is None else text.encode()
    return service.run(store, data, name)


def spend_by_segment(db: Database) -> dict[str, float]:
    rows = sql.rows(db, "SELECT segment, sum(spend) FROM metric_fact GROUP BY segment")
    return {s: round(v, 2) for s, v in rows}


def test_a_later_export_replaces_segment_by_segment_and_undo_gives_them_back(
    db: Database, store: Store
) -> None:
    first = run(store, AGE_GENDER)
    before = spend_by_segment(db)
    later = run(store, "later.csv", LATER)
    assert (later.new_rows, later.replaced_rows, later.unchanged_rows) == (1, 1, 4)
    after = spend_by_segment(db)
    assert after == {**before, "Age=25-34 · Gender=male": 40.0, "Age=35-44 · Gender=female": 10.0}
    assert sum(after.values()) == pytest.approx(135.0 - 35.25 + 40.0 + 10.0)
    store.undo_import(later.import_id or "")
    assert spend_by_segment(db) == before
    # The first import's rows are whole again: nothing of the undone one is left.
    assert sql.one(db, "SELECT count(*) FROM metric_fact WHERE import_id <> ?",
                   [first.import_id]) == (0,)  # fmt: skip


# The age and gender export with its columns in another order (Gender first, dates first): the
# segments read alike, so the same figures are the same facts.
GENDER_FIRST = """\
Reporting starts,Reporting ends,Gender,Campaign name,Age,Amount spent (EUR),Impressions,Reach,Link clicks,Results
2026-11-02,2026-11-02,female,Spring Sale,18-24,30.00,2500,2000,50,2
2026-11-02,2026-11-02,male,Spring Sale,18-24,20.00,1800,1500,30,1
2026-11-02,2026-11-02,female,Spring Sale,25-34,45.50,3600,2900,70,4
2026-11-02,2026-11-02,male,Spring Sale,25-34,35.25,2900,2300,55,3
2026-11-02,2026-11-02,unknown,Spring Sale,25-34,4.25,300,280,5,
"""


def test_the_segment_reads_alike_whatever_the_order_of_the_columns(
    db: Database, store: Store
) -> None:
    run(store, AGE_GENDER)
    before = spend_by_segment(db)
    again = run(store, "gender_first.csv", GENDER_FIRST)
    assert (again.new_rows, again.replaced_rows, again.unchanged_rows) == (0, 0, 5)
    assert spend_by_segment(db) == before


def _refusal(before: str, now: str, day: str = "2026-11-02") -> str:
    return (
        f"{{file}}: campaign 'Spring Sale' (variant '') from {day} to {day} is already imported "
        f"from {{other}} with the breakdown “{before}”, and this file has the breakdown “{now}” "
        "— the same spend and clicks would be counted twice: import the report with the "
        "breakdown {other} has, or undo the import of {other} first"
    )


# (case, first file, second file, the refusal of the second — None: both are kept)
MIXED = [
    ("breakdown after the campaign's total", ("total.csv", WITHOUT_BREAKDOWN), (AGE_GENDER, None),
     _refusal("—", "Age · Gender")),
    ("campaign's total after a breakdown", (AGE_GENDER, None), ("total.csv", WITHOUT_BREAKDOWN),
     _refusal("Age · Gender", "—")),
    ("another breakdown of the same day", (AGE_GENDER, None), ("age.csv", BY_AGE_ONLY),
     _refusal("Age · Gender", "Age")),
]  # fmt: skip


def _text(file: tuple[str, str | None]) -> str | None:
    name, text = file
    return None if text is None else text.format(day="2026-11-02")


@pytest.mark.parametrize(("first", "second", "message"), [c[1:] for c in MIXED],
                         ids=[c[0] for c in MIXED])  # fmt: skip
def test_the_same_days_with_another_breakdown_are_refused_and_nothing_is_written(
    db: Database, store: Store, first: tuple[str, str | None], second: tuple[str, str | None],
    message: str,
) -> None:  # fmt: skip
    run(store, first[0], _text(first))
    facts = sql.rows(db, "SELECT * FROM metric_fact ORDER BY ALL")
    with pytest.raises(ImportRefused) as refused:
        run(store, second[0], _text(second))
    assert str(refused.value) == message.format(file=second[0], other=first[0])
    assert sql.rows(db, "SELECT * FROM metric_fact ORDER BY ALL") == facts
    assert len(store.imports()) == 1


def test_the_refusal_reads_in_german_too(store: Store) -> None:
    run(store, AGE_GENDER)
    with pytest.raises(ImportRefused) as refused:
        run(store, "total.csv", WITHOUT_BREAKDOWN.format(day="2026-11-02"))
    assert refused.value.text("de") == (
        "total.csv: Kampagne 'Spring Sale' (Variante '') von 2026-11-02 bis 2026-11-02 ist "
        "bereits aus meta_en_age_gender.csv mit der Aufschlüsselung „Age · Gender“ importiert, "
        "und diese Datei hat die Aufschlüsselung „—“ — dieselben Ausgaben und Klicks würden "
        "doppelt gezählt: importieren Sie den Bericht mit der Aufschlüsselung, die "
        "meta_en_age_gender.csv hat, oder machen Sie zuerst den Import von "
        "meta_en_age_gender.csv rückgängig"
    )


def test_a_cycle_counts_every_segment_once_and_other_days_without_a_breakdown(
    store: Store,
) -> None:
    # A breakdown for 2 Nov and the campaign's total for 3 Nov: different days, both count.
    run(store, AGE_GENDER)
    run(store, "total.csv", WITHOUT_BREAKDOWN.format(day="2026-11-03"))
    campaign = store.create_campaign("Spring", aliases=(Alias("Spring Sale"),))
    cycle = make_cycle(store, campaign, 1, Phase.CAMPAIGN, start=date(2026, 11, 1),
                       end=date(2026, 11, 7))  # fmt: skip
    row = next(r for r in store.cycle_metrics() if r.cycle_id == cycle.id)
    assert row.values["spend"] == pytest.approx(135.0 + 135.0)
    assert row.values["impressions"] == pytest.approx(11100 + 11100)
    assert store.campaign_spend(campaign.id, cycle.start, cycle.end) == pytest.approx(270.0)
    daily = store.daily_metrics(cycle.start, cycle.end, str(campaign.id))
    assert list(daily["spend"]) == pytest.approx([135.0, 135.0])


def test_the_facts_export_names_each_segment(db_path: Path, tmp_path: Path) -> None:
    assert cli("import", str(FIXTURES / "google_ads_device.csv"))[0] == 0
    out = tmp_path / "facts.csv"
    code, _, err = cli("export", "facts", "--out", str(out))
    assert code == 0, err
    header, *rows = out.read_text(encoding="utf-8-sig").splitlines()
    assert header.split(",")[:6] == ["Platform", "Campaign in the file", "Variant", "Segment",
                                     "Day", "Last day"]  # fmt: skip
    assert [r.split(",")[3] for r in rows[:3]] == [
        "Device=Computers",
        "Device=Mobile phones",
        "Device=Tablets",
    ]


def test_segments_come_back_whole_from_a_backup(db: Database, store: Store, tmp_path: Path) -> None:
    run(store, "meta_en_ads.csv")
    key = "SELECT variant, segment, breakdown, spend FROM metric_fact ORDER BY ALL"
    facts = sql.rows(db, key)
    make_backup(store, tmp_path / "bk")
    target = Database.open(tmp_path / "restored.duckdb")
    try:
        restore_backup(Store(target), tmp_path / "bk")
        assert sql.rows(target, key) == facts
    finally:
        target.close()
