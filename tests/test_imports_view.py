"""The import page's view model on a real DuckDB: the state of an upload, what its preview says
about the file, the totals, the mapping form, the import just made, history and undo."""

from __future__ import annotations

import pytest

from experiments import imports_view as iv
from experiments.errors import InvalidInput
from experiments.import_models import ImportStatus
from experiments.metrics import Aggregation
from experiments.store import Store
from tests.conftest import FIXTURES

TIKTOK = (
    b"Campaign name,Ad group name,Date,Cost,Impressions,Clicks (destination)\n"
    b"X,A,2026-10-05,10.5,1000,10\nX,A,2026-10-06,20,2000,20\n"
)


def look(store: Store, name: str, upload: str = "u1", just: iv.JustImported | None = None,
         platform: str | None = None, data: bytes | None = None) -> iv.Preview:  # fmt: skip
    content = (FIXTURES / name).read_bytes() if data is None else data
    return iv.preview(store, content, name, platform=platform, sheet=None, upload_id=upload,
                      just_imported=just)  # fmt: skip


def test_a_new_file_is_ready_and_nothing_is_written(store: Store) -> None:
    view = look(store, "meta_de.csv")
    assert view.state is iv.PreviewState.READY
    assert view.details == (
        iv.Detail("import.platform_found", "Meta Ads Manager"),
        iv.Detail("import.encoding", "Windows-1252"),
        iv.Detail("import.delimiter", "import.delim.semicolon", value_is_text_key=True),
    )
    assert store.imports() == [] and store.fact_count() == 0


def test_a_workbook_names_its_sheet_instead_of_a_delimiter(store: Store) -> None:
    view = look(store, "meta_de.xlsx")
    assert view.state is iv.PreviewState.READY
    assert [d.label for d in view.details] == [
        "import.platform_found", "import.encoding", "import.sheet",
    ]  # fmt: skip
    assert view.details[-1] == iv.Detail("import.sheet", "Rohdaten")


@pytest.mark.parametrize(
    ("name", "workbook"),
    [("export.xlsx", True), ("EXPORT.XLSX", True), ("export.csv", False), ("x.tsv", False)],
)
def test_which_uploads_are_workbooks(name: str, workbook: bool) -> None:
    assert iv.is_workbook(name) is workbook


def test_totals_say_how_they_were_taken_and_their_decimals(store: Store) -> None:
    view = look(store, "tiktok.csv", data=TIKTOK)
    assert view.totals == (
        iv.Total("spend", Aggregation.SUM, 30.5, 2),
        iv.Total("impressions", Aggregation.SUM, 3000, 0),
        iv.Total("clicks", Aggregation.SUM, 30, 0),
    )


def test_reply_times_are_a_median_over_the_rows(store: Store) -> None:
    totals = {t.metric: t for t in look(store, "social_inbox.csv").totals}
    assert totals["response_time_s"].how is Aggregation.MEDIAN
    assert totals["replies"].how is Aggregation.SUM


def test_the_upload_just_imported_reads_as_imported_a_new_upload_as_a_duplicate(
    store: Store,
) -> None:
    data = (FIXTURES / "meta_de.csv").read_bytes()
    done = iv.run_import(store, data, "meta_de.csv", platform=None, sheet=None, upload_id="u1")
    assert done.upload_id == "u1" and done.summary.import_id is not None
    assert look(store, "meta_de.csv", "u1", done).state is iv.PreviewState.JUST_IMPORTED
    assert look(store, "meta_de.csv", "u2", done).state is iv.PreviewState.DUPLICATE
    assert look(store, "meta_de.csv", "u1", None).state is iv.PreviewState.DUPLICATE


def test_the_import_just_made_is_shown_until_another_file_waits(store: Store) -> None:
    data = (FIXTURES / "tiktok.csv").read_bytes()
    done = iv.run_import(store, data, "tiktok.csv", platform=None, sheet=None, upload_id="u1")
    last = iv.last_import(store, done, look(store, "tiktok.csv", "u1", done))
    assert last is not None and last.summary is done.summary
    assert last.platform == "tiktok" and "Herbst Looks" in last.unlinked
    assert iv.last_import(store, done, None) == last  # the uploader was cleared
    assert iv.last_import(store, done, look(store, "meta_de.csv")) is None
    assert iv.last_import(store, None, None) is None
    assert done.summary.import_id is not None
    iv.undo(store, store.import_record(done.summary.import_id).id)
    assert iv.last_import(store, done, None) is None  # undone: nothing to show any more


def test_history_lists_every_import_and_the_undoable_newest_first(store: Store) -> None:
    assert iv.history(store) == iv.History((), ())
    for name in ("meta_de.csv", "tiktok.csv", "google_ads_de.csv"):
        iv.run_import(store, (FIXTURES / name).read_bytes(), name, platform=None, sheet=None,
                      upload_id=name)  # fmt: skip
    first = iv.history(store)
    assert [r.file_name for r in first.undoable] == [
        "google_ads_de.csv", "tiktok.csv", "meta_de.csv",
    ]  # fmt: skip
    iv.undo(store, first.undoable[0].id)
    after = iv.history(store)
    assert [r.status for r in after.records] == [
        ImportStatus.UNDONE, ImportStatus.IMPORTED, ImportStatus.IMPORTED,
    ]  # fmt: skip
    assert all(isinstance(r.status, ImportStatus) for r in after.records)
    assert [r.file_name for r in after.undoable] == ["tiktok.csv", "meta_de.csv"]


def test_an_unknown_export_offers_the_mapping_form(store: Store) -> None:
    view = look(store, "generic_shop.csv")
    assert view.state is iv.PreviewState.UNKNOWN and view.mapping is not None
    assert view.mapping.line == 1
    assert view.mapping.columns[0].label == "Datum"
    assert 0 < len(view.mapping.columns[0].examples) <= 3
    assert view.mapping.choices[:2] == ("", "derived")


def test_an_unknown_export_under_a_chosen_platform_is_an_error(store: Store) -> None:
    view = look(store, "generic_shop.csv", platform="meta")
    assert view.state is iv.PreviewState.FAILED and view.error
    assert view.mapping is None


def test_a_bad_file_fails_with_its_message(store: Store) -> None:
    view = look(store, "bad/not_a_number.csv")
    assert view.state is iv.PreviewState.FAILED
    assert (
        view.error is not None and "'zwölftausend' in 'Impressions' is not a number" in view.error
    )


def test_a_saved_mapping_makes_the_export_known(store: Store) -> None:
    form = look(store, "generic_shop.csv").mapping
    assert form is not None
    header = [c.label for c in form.columns]
    picked = dict(zip(header, ["date", "campaign", "variant", "revenue", "conversions",
                               "sessions"], strict=True))  # fmt: skip
    saved = iv.save_mapping(store, "Shop", header, picked, iv.NUMBER_STYLES[0], True)
    assert saved.key in iv.platform_choices(store)
    assert look(store, "generic_shop.csv").state is iv.PreviewState.READY


def test_a_mapping_without_a_campaign_is_refused_and_nothing_saved(store: Store) -> None:
    with pytest.raises(
        InvalidInput, match=r"^choose exactly one column as the campaign \(now 0\)$"
    ):
        iv.save_mapping(store, "Shop", ["Datum", "Umsatz"], {"Datum": "date", "Umsatz": "revenue"},
                        iv.NUMBER_STYLES[0], True)  # fmt: skip
    assert store.mappings() == []


@pytest.mark.parametrize(
    ("target", "label"),
    [
        ("", "import.target.keep"),
        ("derived", "import.target.derived"),
        ("campaign", "import.target.campaign"),
        ("date_end", "import.target.date_end"),
        ("spend", None),
    ],
)
def test_mapping_targets_name_their_text(target: str, label: str | None) -> None:
    from experiments.display import metric_name
    from experiments.i18n import t

    expected = metric_name(target, "de") if label is None else t(label, "de")
    assert iv.target_label(target, "de") == expected


def test_platform_choices_start_with_detection() -> None:
    from experiments.db import Database

    db = Database.open(":memory:")
    try:
        choices = iv.platform_choices(Store(db))
    finally:
        db.close()
    assert choices[0] is None and "meta" in choices and "tiktok" in choices
