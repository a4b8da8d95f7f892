"""Import semantics on a real DuckDB: duplicates, overlapping exports, undo, saved mappings."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from experiments.db import Database
from experiments.errors import Conflict, InvalidInput, PermissionDenied
from experiments.importers import generic, service
from experiments.importers.plan import UnknownExport
from experiments.importers.values import NumberStyle
from experiments.models import Alias, Role
from experiments.store import Store
from tests import sql
from tests.conftest import FIXTURES
from tests.factories import signed_in


@pytest.fixture
def db(any_db: Database) -> Database:
    """Every test here runs on a DuckDB file, in memory, and on DuckLake with PostgreSQL."""
    return any_db


HEADER = "Campaign name,Ad group name,Date,Cost,Impressions,Clicks (destination),Conversions"
REACH_HEADER = "Campaign name,Ad group name,Date,Cost,Reach,Clicks (destination)"


def tiktok(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join((header, *rows)) + "\n").encode()


def facts(db: Database) -> list[tuple[object, ...]]:
    """The facts in place, without their import ids."""
    return sql.rows(
        db,
        "SELECT variant, date, spend, impressions, reach, clicks, conversions FROM metric_fact "
        "ORDER BY variant, date, spend NULLS FIRST",
    )


def d(day: int) -> date:
    return date(2026, 10, day)


FIRST = tiktok("X,A,2026-10-05,10,1000,10,1", "X,A,2026-10-06,20,2000,20,2",
               "X,B,2026-10-05,30,3000,30,3")  # fmt: skip
# The later export covers the 6th and 7th of ad group A: the 6th changed, the 7th is new, and
# the 5th of A is repeated unchanged.
LATER = tiktok("X,A,2026-10-05,10,1000,10,1", "X,A,2026-10-06,25,2500,25,2",
               "X,A,2026-10-07,40,4000,40,4")  # fmt: skip


def test_same_bytes_twice_is_a_duplicate_and_writes_nothing(store: Store) -> None:
    first = service.run(store, FIRST, "first.csv")
    again = service.run(store, FIRST, "renamed.csv")
    assert again.duplicate_of == first.import_id
    assert again.as_json()["duplicate_of"] == first.import_id
    assert (again.import_id, again.new_rows) == (None, 0)
    assert len(store.imports()) == 1 and store.fact_count() == 3


def test_overlapping_export_replaces_what_it_covers_and_counts_rows(
    db: Database, store: Store
) -> None:
    service.run(store, FIRST, "first.csv")
    later = service.run(store, LATER, "later.csv")
    assert (later.new_rows, later.replaced_rows, later.unchanged_rows) == (1, 1, 1)
    assert facts(db) == [
        ("A", d(5), 10.0, 1000.0, None, 10.0, 1.0),
        ("A", d(6), 25.0, 2500.0, None, 25.0, 2.0),
        ("A", d(7), 40.0, 4000.0, None, 40.0, 4.0),
        ("B", d(5), 30.0, 3000.0, None, 30.0, 3.0),
    ]
    record = store.import_record(later.import_id or "")
    assert (record.new_rows, record.replaced_rows, record.unchanged_rows) == (1, 1, 1)


def test_later_export_keeps_the_metrics_it_does_not_have(db: Database, store: Store) -> None:
    service.run(store, FIRST, "first.csv")
    service.run(store, tiktok("X,A,2026-10-06,21,900,22", header=REACH_HEADER), "reach.csv")
    # Spend and clicks of the 6th now come from the later file; impressions and conversions stay.
    assert facts(db) == [
        ("A", d(5), 10.0, 1000.0, None, 10.0, 1.0),
        ("A", d(6), None, 2000.0, None, None, 2.0),
        ("A", d(6), 21.0, None, 900.0, 22.0, None),
        ("B", d(5), 30.0, 3000.0, None, 30.0, 3.0),
    ]


def test_other_platforms_are_never_replaced(store: Store) -> None:
    service.run(store, FIRST, "first.csv")
    generic_csv = b"Datum;Aktion;Kanal;Umsatz\n06.10.2026;X;A;5,00\n"
    mapping = generic.build_mapping("shop", ["Datum", "Aktion", "Kanal", "Umsatz"],
                                    {"Datum": "date", "Aktion": "campaign", "Kanal": "variant",
                                     "Umsatz": "spend"}, NumberStyle.DE, True)  # fmt: skip
    store.save_mapping(mapping)
    summary = service.run(store, generic_csv, "shop.csv")
    assert (summary.platform, summary.new_rows, summary.replaced_rows) == ("generic:shop", 1, 0)
    assert store.fact_count() == 4


def test_undo_removes_the_facts_and_gives_back_what_it_replaced(db: Database, store: Store) -> None:
    service.run(store, FIRST, "first.csv")
    before = facts(db)
    later = service.run(store, LATER, "later.csv")
    undone = store.undo_import(later.import_id or "")
    assert undone.status == "undone"
    assert facts(db) == before
    assert sql.one(db, "SELECT count(*) FROM metric_fact_replaced") == (0,)
    entry = store.audit_log("import")[0]
    assert (entry.actor, entry.entity_id, entry.action) == ("local", later.import_id, "undo")
    with pytest.raises(Conflict, match=r"was already undone$"):
        store.undo_import(later.import_id or "")


@pytest.mark.parametrize("order", ["newest first", "oldest first"])
def test_undo_in_any_order_after_partial_replacements(
    db: Database, store: Store, order: str
) -> None:
    first = service.run(store, FIRST, "first.csv")
    spend = service.run(store, tiktok("X,A,2026-10-06,99,1,1,1"), "spend.csv")
    reach = service.run(store, tiktok("X,A,2026-10-06,7,500,9", header=REACH_HEADER), "r.csv")
    ids = [spend.import_id, reach.import_id]
    for iid in ids[::-1] if order == "newest first" else ids:
        store.undo_import(iid or "")
    assert facts(db) == [
        ("A", d(5), 10.0, 1000.0, None, 10.0, 1.0),
        ("A", d(6), 20.0, 2000.0, None, 20.0, 2.0),
        ("B", d(5), 30.0, 3000.0, None, 30.0, 3.0),
    ]
    store.undo_import(first.import_id or "")
    assert store.fact_count() == 0


def test_undone_file_can_be_imported_again(store: Store) -> None:
    first = service.run(store, FIRST, "first.csv")
    store.undo_import(first.import_id or "")
    again = service.run(store, FIRST, "first.csv")
    assert (again.duplicate_of, again.new_rows) == (None, 3)
    assert [r.status for r in store.imports()] == ["imported", "undone"]


def test_only_analysts_and_admins_import_or_undo(db: Database, store: Store) -> None:
    first = service.run(store, FIRST, "first.csv")
    marketer = signed_in(db, "mia", Role.MARKETER)
    with pytest.raises(PermissionDenied, match=r"^mia \(marketer\) may not change import data"):
        service.run(marketer, LATER, "later.csv")
    with pytest.raises(PermissionDenied):
        marketer.undo_import(first.import_id or "")
    analyst = signed_in(db, "ana", Role.ANALYST)
    assert service.run(analyst, LATER, "later.csv").new_rows == 1
    assert analyst.imports()[0].actor == "ana"


def test_unknown_header_becomes_a_saved_mapping_recognised_next_time(store: Store) -> None:
    data = (FIXTURES / "generic_shop.csv").read_bytes()
    with pytest.raises(UnknownExport) as caught:
        service.run(store, data, "shop.csv")
    header = caught.value.header
    assert header.cells == ("Datum", "Aktion", "Kanal", "Umsatz", "Bestellungen", "Besuche")
    assert caught.value.examples[0] == ["01.12.2026", "Adventskalender", "Shop", "1.250,40",
                                        "31", "2.104"]  # fmt: skip
    choices = {"Datum": "date", "Aktion": "campaign", "Kanal": "variant", "Umsatz": "revenue",
               "Bestellungen": "conversions", "Besuche": "sessions"}  # fmt: skip
    store.save_mapping(generic.build_mapping("Shopsystem", header.cells, choices,
                                             NumberStyle.DE, True))  # fmt: skip
    summary = service.run(store, data, "shop.csv")
    assert (summary.platform, summary.rows, summary.encoding) == (
        "generic:Shopsystem",
        3,
        "Windows-1252",
    )
    assert summary.totals == pytest.approx({"revenue": 2640.5, "conversions": 65,
                                            "sessions": 4629})  # fmt: skip
    assert [m.name for m in store.mappings()] == ["Shopsystem"]
    assert store.audit_log("column_mapping")[0].action == "create"


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"Datum": "date"}, "choose exactly one column as the campaign (now 0)"),
        ({"Datum": "date", "Aktion": "campaign"},
         "choose at least one column as a metric (spend, clicks, …)"),
        ({"Datum": "date", "Aktion": "campaign", "Umsatz": "spend", "Kanal": "spend"},
         "each metric can come from one column only: spend"),
        ({"Datum": "date", "Kanal": "date", "Aktion": "campaign", "Umsatz": "spend"},
         "choose exactly one column as the date (now 2)"),
    ],
)  # fmt: skip
def test_mapping_form_refuses_what_could_not_import(choices: dict, message: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        generic.build_mapping("x", ["Datum", "Aktion", "Kanal", "Umsatz"], choices,
                              NumberStyle.DE, True)  # fmt: skip
    assert str(caught.value) == message


def test_a_header_can_have_one_mapping_and_a_name_one_header(store: Store) -> None:
    def mapping(name: str, header: list[str]) -> generic.SavedMapping:
        return generic.build_mapping(name, header, {header[0]: "date", header[1]: "campaign",
                                                    header[2]: "spend"}, NumberStyle.EN, False)  # fmt: skip

    store.save_mapping(mapping("Shop", ["Day", "Name", "Cost"]))
    with pytest.raises(Conflict, match="^the mapping 'Shop' already has this header$"):
        store.save_mapping(mapping("Other", ["day", "name", "cost"]))
    with pytest.raises(Conflict, match="^a mapping named 'Shop' exists; choose another name$"):
        store.save_mapping(mapping("shop", ["Datum", "Name", "Kosten"]))


def test_unlinked_campaigns_until_an_alias_links_them(store: Store) -> None:
    summary = service.run(store, (FIXTURES / "tiktok.csv").read_bytes(), "tiktok.csv")
    assert summary.unlinked == ("Herbst Looks",)
    store.create_campaign("Autumn", aliases=(Alias("herbst looks", "tiktok"),))
    assert store.unlinked_sources(summary.import_id or "") == ()


def test_alias_of_another_platform_does_not_link(store: Store) -> None:
    store.create_campaign("Autumn", aliases=(Alias("Herbst Looks", "meta"),))
    summary = service.run(store, (FIXTURES / "tiktok.csv").read_bytes(), "tiktok.csv")
    assert summary.unlinked == ("Herbst Looks",)


def test_english_export_resaved_by_german_excel_reads_german_numbers(store: Store) -> None:
    text = (
        "Campaign name;Reporting starts;Reporting ends;Amount spent (EUR);Impressions\r\n"
        "Spring;02.11.2026;02.11.2026;1.234,50;12.345\r\n"
        "Spring;03.11.2026;03.11.2026;99,90;1.000\r\n"
    )
    summary = service.run(store, text.encode("cp1252"), "meta.csv")
    assert summary.totals == pytest.approx({"spend": 1334.4, "impressions": 13345})
    assert (summary.date_min, summary.date_max) == (date(2026, 11, 2), date(2026, 11, 3))


def test_ambiguous_numbers_are_read_in_the_platform_style_with_a_warning(store: Store) -> None:
    text = "Kampagnenname;Berichtsbeginn;Ausgegebener Betrag (EUR)\nA;2026-11-02;1.234\n"
    summary = service.run(store, text.encode(), "meta.csv", dry_run=True)
    assert summary.totals == {"spend": 1234.0}
    assert [n.key for n in summary.notices] == ["import.warn.ambiguous_numbers"]


def test_named_sheet_and_override_of_detection(store: Store) -> None:
    data = (FIXTURES / "meta_de.xlsx").read_bytes()
    summary = service.run(store, data, "meta_de.xlsx", sheet="Rohdaten", platform="meta",
                          dry_run=True)  # fmt: skip
    assert (summary.sheet, summary.rows, summary.platform) == ("Rohdaten", 5, "meta")
    assert store.fact_count() == 0


def test_import_replace_and_undo_on_a_ducklake_catalog(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRACKER_DATA_PATH", str(tmp_path / "data"))
    db = Database.open(f"ducklake:{tmp_path / 'catalog.ducklake'}")
    try:
        lake = Store(db)
        first = service.run(lake, FIRST, "first.csv")
        later = service.run(lake, LATER, "later.csv")
        assert (later.new_rows, later.replaced_rows, later.unchanged_rows) == (1, 1, 1)
        assert service.run(lake, FIRST, "again.csv").duplicate_of == first.import_id
        lake.undo_import(later.import_id or "")
        assert facts(db) == [
            ("A", d(5), 10.0, 1000.0, None, 10.0, 1.0),
            ("A", d(6), 20.0, 2000.0, None, 20.0, 2.0),
            ("B", d(5), 30.0, 3000.0, None, 30.0, 3.0),
        ]
    finally:
        db.close()


def test_alias_platform_typed_in_capitals_links(store: Store) -> None:
    store.create_campaign("Autumn", aliases=(Alias("HERBST LOOKS", "TikTok"),))
    summary = service.run(store, (FIXTURES / "tiktok.csv").read_bytes(), "tiktok.csv")
    assert summary.unlinked == ()
