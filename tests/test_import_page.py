"""The import page through AppTest: upload, preview, import, link campaigns, history, undo."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from experiments import imports_view as iv
from experiments.db import Database
from experiments.import_models import ImportRecord
from experiments.store import Store
from tests.apptest import app, assert_clean, shown
from tests.conftest import FIXTURES

PAGE = "views/imports.py"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(at: AppTest, name: str, folder: Path = FIXTURES) -> AppTest:
    at.get("file_uploader")[0].set_value((name, (folder / name).read_bytes(), "text/csv"))
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def facts(at: AppTest) -> dict[str, str]:
    """The preview's label/value pairs (Markdown: the value bold, special characters escaped)."""
    pairs = [m.value.split("  \n", 1) for m in at.markdown if "  \n**" in m.value]
    return {label: shown(value.strip("*")) for label, value in pairs}


def stored(db_path: Path) -> tuple[int, list[str]]:
    db = Database.open(db_path)
    try:
        store = Store(db)
        return store.fact_count(), [r.status for r in store.imports()]
    finally:
        db.close()


def test_upload_previews_without_writing_then_imports_and_undoes(db_path: Path) -> None:
    at = upload(app(PAGE), "meta_de.csv")
    assert_clean(at)
    assert facts(at) == {
        "Platform": "Meta Ads Manager", "Encoding": "Windows-1252", "Delimiter": "Semicolon",
        "Dates": "Nov 2, 2026 – Nov 4, 2026",
    }  # fmt: skip
    assert metrics(at) == {"Data rows": "5", "New": "5", "Replaced": "0", "Unchanged": "0"}
    totals = at.table[0].value
    assert dict(zip(totals["Metric"], totals["Value"], strict=True)) == {
        "Spend": "€2,827.61", "Impressions": "88,026", "Reach": "18,531", "Clicks": "2,317",
        "Conversions": "101",
    }  # fmt: skip
    # Reach is the mean of the three days' reach (27,818, 26,454, 1,320), never their sum.
    how = dict(zip(totals["Metric"], totals["Over the rows"], strict=True))
    assert (how["Reach"], how["Spend"]) == ("Mean per day", "Sum")
    assert "Left out: 1 summary rows" in at.caption[1].value
    assert stored(db_path) == (0, [])  # the preview wrote nothing

    at.button(key="import_run").click().run()
    assert_clean(at)
    assert at.success[0].value == "Imported 5 rows: 5 new, 0 replaced, 0 unchanged."
    assert stored(db_path) == (5, ["imported"])
    history = at.dataframe[-1].value
    assert list(history["File"]) == ["meta_de.csv"] and list(history["Rows"]) == [5]
    # The file is still in the uploader: it is shown as imported, not as imported before.
    assert not at.info
    assert [shown(h.value) for h in at.subheader][:1] == ["Imported: meta_de.csv"]
    at.run()
    assert not at.info and not at.success  # a rerun says nothing new
    assert [shown(h.value) for h in at.subheader][:1] == ["Imported: meta_de.csv"]
    # The same file uploaded again is a new upload: that one was imported before.
    at = upload(at, "meta_de.csv")
    assert shown(at.info[0].value).startswith("This exact file was imported before (meta_de.csv")
    assert not any(b.key == "import_run" for b in at.button)

    at.button(key="undo").click().run()
    assert shown(at.warning[-1].value).startswith("Undo the import of meta_de.csv? Its 5 rows")
    assert stored(db_path) == (5, ["imported"])  # nothing happens before the confirmation
    at.button(key="undo_yes").click().run()
    assert_clean(at)
    assert shown(at.success[0].value) == "The import of meta_de.csv was undone."
    assert stored(db_path) == (0, ["undone"])


def test_unknown_export_is_mapped_once_and_then_recognised(db_path: Path) -> None:
    at = upload(app(PAGE), "generic_shop.csv")
    assert at.warning[0].value.startswith(
        "No platform and no saved mapping knows the header in line 1."
    )
    at.text_input(key="map_name").set_value("Shopsystem")
    for i, target in enumerate(["date", "campaign", "variant", "revenue", "conversions",
                                "sessions"]):  # fmt: skip
        at.selectbox(key=f"map_col_{i}").set_value(target)
    at.radio(key="map_style").set_value("de")
    at.button(key="map_save").click().run()
    assert_clean(at)
    assert at.success[0].value == "The mapping Shopsystem is saved; the file is recognised now."
    assert facts(at)["Platform"] == "Shopsystem"
    assert metrics(at)["Data rows"] == "3"


def test_mapping_form_arrives_proposed_and_is_only_confirmed(db_path: Path) -> None:
    at = upload(app(PAGE), "generic_shop.csv")
    assert_clean(at)
    proposed = [at.selectbox(key=f"map_col_{i}").value for i in range(6)]
    assert proposed == ["date", "campaign", "variant", "revenue", "conversions", "sessions"]
    assert (at.radio(key="map_style").value, at.checkbox(key="map_day_first").value) == ("de", True)
    at.text_input(key="map_name").set_value("Shopsystem")
    at.button(key="map_save").click().run()
    assert_clean(at)
    assert facts(at)["Platform"] == "Shopsystem"
    assert metrics(at)["Data rows"] == "3"


def test_another_unknown_header_starts_from_its_own_proposals(
    db_path: Path, tmp_path: Path
) -> None:
    (tmp_path / "ads.csv").write_text("Campaign,Day,Clicks,Cost\nSpring,2/25/2026,1,2.50\n")
    at = upload(app(PAGE), "generic_shop.csv")
    at.selectbox(key="map_col_3").set_value("spend")  # changed by hand, then another file comes
    at = upload(at, "ads.csv", tmp_path)
    proposed = [at.selectbox(key=f"map_col_{i}").value for i in range(4)]
    assert proposed == ["campaign", "date", "clicks", "spend"]
    assert (at.radio(key="map_style").value, at.checkbox(key="map_day_first").value) == (
        "en",
        False,
    )


def test_mapping_form_names_what_is_missing(db_path: Path) -> None:
    at = upload(app(PAGE), "generic_shop.csv")
    at.text_input(key="map_name").set_value("Shop")
    at.selectbox(key="map_col_1").set_value("derived")  # the proposed campaign column: ignored
    at.button(key="map_save").click().run()
    assert shown(at.error[-1].value) == "choose exactly one column as the campaign (now 0)"


def test_unlinked_campaign_gets_a_campaign_from_the_page(db_path: Path) -> None:
    at = upload(app(PAGE), "tiktok.csv")
    at.button(key="import_run").click().run()
    assert [t.value for t in at.text if t.value == "Herbst Looks"] == ["Herbst Looks"]
    at.button(key="last_create_0").click().run()
    assert_clean(at)
    assert at.success[0].value == "Campaign Herbst Looks created and linked."
    assert not any(b.key == "last_create_0" for b in at.button)
    db = Database.open(db_path)
    try:
        campaign = Store(db).campaign_by_name("Herbst Looks")
    finally:
        db.close()
    assert [(a.name, a.platform) for a in campaign.aliases] == [("Herbst Looks", "tiktok")]


def test_bad_file_shows_its_message_and_offers_no_import(db_path: Path) -> None:
    at = upload(app(PAGE), "not_a_number.csv", FIXTURES / "bad")
    assert not at.exception
    assert shown(at.error[0].value) == (
        "not_a_number.csv, line 4, column 5: 'zwölftausend' in 'Impressions' is not a number — "
        "write numbers like 1,234.56 (this file is read in EN style), or leave the cell empty "
        "if there is no value"
    )
    assert not any(b.key == "import_run" for b in at.button)


def test_page_in_german(db_path: Path) -> None:
    at = app()
    at.sidebar.selectbox(key="lang").set_value("de").run()
    at.switch_page(PAGE).run()
    at = upload(at, "google_ads_de.csv")
    assert_clean(at)
    assert facts(at)["Zeitraum"] == "30.10.2026 – 01.11.2026"
    totals = at.table[0].value
    assert dict(zip(totals["Kennzahl"], totals["Wert"], strict=True))["Ausgaben"] == "2.398,85\xa0€"


def undo_pick(at: AppTest) -> object:
    (pick,) = [b for b in at.selectbox if b.key and b.key.startswith("undo_pick")]
    return pick.value


def test_import_to_undo_defaults_to_the_newest_import(db_path: Path) -> None:
    at = upload(app(PAGE), "meta_de.csv")
    at.button(key="import_run").click().run()
    assert undo_pick(at).file_name == "meta_de.csv"  # type: ignore[attr-defined]
    at = upload(at, "tiktok.csv")
    at.button(key="import_run").click().run()
    assert_clean(at)
    assert [r.file_name for r in iv_history(db_path)] == ["tiktok.csv", "meta_de.csv"]
    assert undo_pick(at).file_name == "tiktok.csv"  # type: ignore[attr-defined]


def iv_history(db_path: Path) -> list[ImportRecord]:
    db = Database.open(db_path)
    try:
        return list(iv.history(Store(db)).undoable)
    finally:
        db.close()


def test_a_workbook_preview_names_its_sheet_not_a_delimiter(db_path: Path) -> None:
    at = app(PAGE)
    at.get("file_uploader")[0].set_value(
        ("meta_de.xlsx", (FIXTURES / "meta_de.xlsx").read_bytes(), XLSX)
    )
    at.run()
    assert_clean(at)
    found = facts(at)
    assert "Delimiter" not in found
    # The first sheet is a cover page; the export is on the sheet named "Rohdaten".
    assert found["Sheet"] == "Rohdaten"
    assert found["Encoding"] == "XLSX"


def test_a_text_preview_names_its_delimiter_not_a_sheet(db_path: Path) -> None:
    at = upload(app(PAGE), "tiktok.csv")
    found = facts(at)
    assert "Sheet" not in found and found["Delimiter"] in {"Comma", "Semicolon", "Tab"}
