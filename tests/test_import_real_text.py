"""Text that real exports contain, on the import page: ad texts with blank lines inside their
quotes import whole, and exports without data or without their campaign or date column are
refused precisely, in English and German, with nothing written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from experiments.errors import ImportFormatError
from experiments.importers import service
from experiments.importers.gaps import BlankLines, BlankLinesInData
from experiments.store import Store
from tests.apptest import app, assert_clean, shown
from tests.conftest import FIXTURES
from tests.test_import_page import PAGE, metrics, stored, upload

BAD = FIXTURES / "bad"


def german(at: AppTest) -> AppTest:
    at.sidebar.selectbox(key="lang").set_value("de").run()
    return at.switch_page(PAGE).run()


# The German export has no result indicator: the page says its results count as conversions.
UNNAMED = ("The file does not say what its Results count (it has no Result indicator column), so "
           "they are counted as conversions. If they are link clicks, reach or anything else, "
           "export the report again with the Result indicator column.")  # fmt: skip


@pytest.mark.parametrize(("name", "rows", "spend", "extra", "more"), [
    ("meta_en_bodies.csv", "5", "€571.30", "Body, Result indicator", []),
    ("meta_de_anzeigentext.csv", "3", "€336.10", "Anzeigentext", [UNNAMED]),
])  # fmt: skip
def test_ad_texts_with_blank_lines_import_whole_from_the_page(
    db_path: Path, name: str, rows: str, spend: str, extra: str, more: list[str]
) -> None:
    at = upload(app(PAGE), name)
    assert_clean(at)
    assert metrics(at) == {"Data rows": rows, "New": rows, "Replaced": "0", "Unchanged": "0"}
    totals = at.table[0].value
    assert dict(zip(totals["Metric"], totals["Value"], strict=True))["Spend"] == spend
    # No blank line is taken for a gap and nothing is asked; the ad text is kept as a value.
    assert [shown(w.value) for w in at.warning] == [
        f"Columns kept as additional values, not as metrics: {extra}.",
        *more,
    ]
    at.button(key="import_run").click().run()
    assert_clean(at)
    assert at.success[0].value == f"Imported {rows} rows: {rows} new, 0 replaced, 0 unchanged."
    assert stored(db_path) == (int(rows), ["imported"])


# (file, the German message the page shows)
REFUSED: list[tuple[str, str]] = [
    ("meta_no_data_en.csv",
     "meta_no_data_en.csv, Zeile 2: Dieser Export enthält keine Daten (die Plattform hat „No "
     "data available.“ anstelle der Zeilen geschrieben) — wählen Sie einen Zeitraum mit "
     "Auslieferung und exportieren Sie den Bericht erneut"),
    ("meta_no_data_de.csv",
     "meta_no_data_de.csv, Zeile 2: Dieser Export enthält keine Daten (die Plattform hat „Keine "
     "Daten verfügbar.“ anstelle der Zeilen geschrieben) — wählen Sie einen Zeitraum mit "
     "Auslieferung und exportieren Sie den Bericht erneut"),
    ("social_inbox_without_date.csv",
     "social_inbox_without_date.csv, Zeile 1: Die Kopfzeile hat die Spalten eines Exports aus "
     "Social inbox team report, aber keine Datumsspalte — fügen Sie dem Bericht eine "
     "Aufschlüsselung nach Tag (das Segment „Tag“) oder einen Zeitraum (Meta: Berichtsbeginn "
     "und Berichtsende) hinzu und exportieren Sie ihn erneut"),
    ("not_text.csv",
     "not_text.csv: Die Datei ist nicht UTF-8, und kein Zeichensatz, in dem Exporte vorkommen, "
     "liest sie fehlerfrei (versucht: UTF-8, UTF-16, Windows-1252, Windows-1250, ISO-8859-2, "
     "MacRoman, Shift_JIS (CP932), Windows-1251, Windows-1257, Windows-1254, GB18030, Big5, "
     "EUC-KR (CP949)) — öffnen Sie sie in Excel oder einem Texteditor, speichern Sie sie als "
     "„CSV UTF-8“ und laden Sie diese Datei hoch"),
    ("meta_de_tsd.csv",
     "meta_de_tsd.csv, Zeile 3, Spalte 5: „1,5 Tsd.“ in „Impressionen“ ist eine gerundete "
     "Abkürzung, nicht die Zahl selbst — exportieren Sie den Bericht mit genauen Zahlen (ohne "
     "„Tsd.“, „K“ oder „Mio.“) und importieren Sie ihn erneut"),
    ("meta_suite_views.csv",
     "meta_suite_views.csv, Zeile 2: Dieser Download aus Meta Business Suite insights ist das "
     "Diagramm „Views“, das der Tracker nicht speichert — gelesen werden nur diese Diagramme: "
     "Facebook follows, Instagram follows; exportieren Sie eines davon (jedes Diagramm hat einen "
     "eigenen Download) und importieren Sie diese Datei"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "message"), REFUSED, ids=[c[0] for c in REFUSED])
def test_refusal_on_the_page_in_german_writes_nothing(
    db_path: Path, name: str, message: str
) -> None:
    at = upload(german(app()), name, BAD)
    assert not at.exception
    assert [shown(e.value) for e in at.error] == [message]
    assert not any(b.key == "import_run" for b in at.button)
    assert stored(db_path) == (0, [])


@pytest.mark.parametrize(("name", "options", "message"), [
    ("meta_without_campaign.csv", {},
     "meta_without_campaign.csv, Zeile 1: Die Kopfzeile hat die Spalten eines Exports aus Meta "
     "Ads Manager, aber keine Kampagnenspalte — exportieren Sie den Bericht erneut mit dem "
     "Kampagnennamen als Spalte"),
    ("google_ads_all_time.csv", {},
     "google_ads_all_time.csv, Zeile 3: Der Bericht umfasst „All time“, einen Zeitraum ohne "
     "ersten und letzten Tag; seine Summen lassen sich daher keinem Zyklus- oder Zielzeitraum "
     "zuordnen — wählen Sie einen Zeitraum (zum Beispiel die Tage des Zyklus) oder fügen Sie das "
     "Segment „Tag“ hinzu (Segment → Zeit → Tag) und exportieren Sie den Bericht erneut"),
    ("google_ads_no_data.csv", {},
     "google_ads_no_data.csv, Zeile 4: Dieser Export enthält keine Daten (die Plattform hat „No "
     "data“ anstelle der Zeilen geschrieben) — wählen Sie einen Zeitraum mit Auslieferung und "
     "exportieren Sie den Bericht erneut"),
    ("meta_suite_no_title.csv", {},
     "meta_suite_no_title.csv, Zeile 2: Die Kopfzeile dieses Downloads aus Meta Business Suite "
     "insights ist für jedes Diagramm dieselbe, und die Titelzeile darüber, die das Diagramm "
     "nennt, fehlt — importieren Sie die Datei genau so, wie sie heruntergeladen wurde, mit "
     "ihrer Titelzeile (gelesen werden diese Diagramme: Facebook follows, Instagram follows)"),
])  # fmt: skip
def test_refusals_are_told_in_german(
    store: Store, name: str, options: dict[str, Any], message: str
) -> None:
    with pytest.raises(ImportFormatError) as caught:
        service.run(store, (BAD / name).read_bytes(), name, **options)
    assert caught.value.text("de") == message
    assert store.fact_count() == 0


def test_a_header_without_its_campaign_column_says_so_above_the_mapping_form(
    db_path: Path,
) -> None:
    at = upload(app(PAGE), "meta_without_campaign.csv", BAD)
    assert [shown(e.value) for e in at.error] == [
        "meta_without_campaign.csv, line 1: the header has the columns of a Meta Ads Manager "
        "export, but no campaign column — export the report again with the campaign name as a "
        "column"
    ]
    # The columns can still be mapped once, if another column names the campaign.
    assert at.text_input(key="map_name") is not None
    assert stored(db_path) == (0, [])


def test_rows_with_ad_texts_below_a_blank_line_are_asked_about(store: Store) -> None:
    # A blank line outside quotes after the second ad (line 11); the row below it starts with a
    # quoted text over four lines: still a row of the same table, not another table.
    text = (FIXTURES / "meta_en_bodies.csv").read_bytes()
    gap = text.replace(b"\n2026-11-10,", b"\n\n2026-11-10,", 1)
    with pytest.raises(BlankLinesInData) as caught:
        service.run(store, gap, "gap.csv", dry_run=True)
    assert (caught.value.gap.blank_lines, caught.value.gap.first_line,
            caught.value.gap.last_line) == ((11,), 12, 19)  # fmt: skip
    past = service.run(store, gap, "gap.csv", dry_run=True, blank_lines=BlankLines.PAST)
    stop = service.run(store, gap, "gap.csv", dry_run=True, blank_lines=BlankLines.STOP)
    assert (past.rows, past.totals["spend"]) == (5, pytest.approx(571.3))
    assert (stop.rows, stop.totals["spend"]) == (2, pytest.approx(218.8))
