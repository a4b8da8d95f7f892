"""The mapping form's proposal for an unknown export: roles from the header (English and German
names), the number style and the day-first habit from the cells."""

from __future__ import annotations

import pytest

from experiments import imports_view as iv
from experiments.import_models import NumberStyle
from experiments.importers.guess import guess, normalise
from experiments.store import Store
from tests.conftest import FIXTURES

DE, EN = NumberStyle.DE, NumberStyle.EN


@pytest.mark.parametrize(
    ("label", "target"),
    [
        ("Date", "date"), ("Day", "date"), ("Datum", "date"), ("Tag", "date"),
        ("Reporting starts", "date"), ("Berichtsbeginn", "date"), ("End date", "date_end"),
        ("Berichtsende", "date_end"), ("Campaign", "campaign"), ("Campaign name", "campaign"),
        ("Kampagne", "campaign"), ("Kampagnenname", "campaign"), ("Cost", "spend"),
        ("Spend", "spend"), ("Amount spent (EUR)", "spend"), ("Kosten (€)", "spend"),
        ("Ausgaben", "spend"), ("Betrag", "spend"), ("Clicks", "clicks"), ("Klicks", "clicks"),
        ("Link-Klicks", "clicks"), ("Impressions", "impressions"), ("Impr.", "impressions"),
        ("Impressionen", "impressions"), ("Conversions", "conversions"),
        ("Käufe", "conversions"), ("Kaeufe", "conversions"), ("Revenue", "revenue"),
        ("Umsatz", "revenue"), ("Currency", ""), ("Währung", ""), ("Waehrungscode", ""),
        ("Reach", "reach"), ("Reichweite", "reach"), ("Variant", "variant"),
        ("Ad set", "variant"), ("ad_set_name", "variant"), ("Anzeigengruppe", "variant"),
        ("  CAMPAIGN  NAME ", "campaign"), ("\ufeffDatum", "date"),
        # Figures computed from others, and names nobody knows: ignored.
        ("CTR", "derived"), ("Avg. CPC", "derived"), ("Kosten pro Ergebnis", "derived"),
        ("Conv. rate", "derived"), ("Klickrate", "derived"), ("Cost / conv.", "derived"),
        ("Engagement (%)", "derived"), ("Wetter", "derived"), ("", "derived"),
        ("=HYPERLINK(\"x\")", "derived"), ("Campaign ID", "derived"),
    ],
)  # fmt: skip
def test_a_header_name_is_placed_in_english_and_german(label: str, target: str) -> None:
    assert guess([label], []).targets == (target,)


def test_names_compare_without_case_umlauts_units_and_punctuation() -> None:
    assert normalise("Ausgegebener Betrag (EUR)") == "ausgegebener betrag"
    assert normalise("Link-Klicks") == "link klicks"
    assert normalise("Währung [ISO]") == "waehrung"


def test_each_date_campaign_and_metric_is_proposed_once() -> None:
    header = ["Datum", "Date", "Kampagne", "Campaign", "Kosten", "Cost", "Kanal", "Ad set"]
    assert guess(header, []).targets == (
        "date", "derived", "campaign", "derived", "spend", "derived", "variant", "variant",
    )  # fmt: skip


def test_a_date_column_under_an_unknown_name_is_found_by_its_cells() -> None:
    rows = [["Mi 3", "02.11.2026", "Sommer", "12"], ["x", "03.11.2026", "Sommer", "9"]]
    assert guess(["Notiz", "Stichtag", "Kampagne", "Klicks"], rows).targets == (
        "derived", "date", "campaign", "clicks",
    )  # fmt: skip


@pytest.mark.parametrize(
    ("header", "rows", "style", "day_first"),
    [
        # German words and German numbers; dotted dates are day first.
        (["Datum", "Kampagne", "Kosten"], [["02.11.2026", "A", "1.234,56"]], DE, True),
        # English words and numbers; slash dates up to 12 keep the English habit.
        (["Date", "Campaign", "Cost"], [["11/2/2026", "A", "1,234.56"]], EN, False),
        # A day above 12 in first place proves day first, whatever the words.
        (["Date", "Campaign", "Cost"], [["11/2/2026", "A", "5.10"], ["25/2/2026", "A", "1"]],
         EN, True),
        # … and in second place month first, even in a German file.
        (["Datum", "Kampagne", "Kosten"], [["2/25/2026", "A", "5,10"]], DE, False),
        # German words but numbers only English reads: the cells decide.
        (["Datum", "Kampagne", "Kosten"], [["2026-11-02", "A", "1,234.50"]], EN, False),
        # English words but a decimal comma: the cells decide.
        (["Date", "Campaign", "Cost"], [["2026-11-02", "A", "980,00"]], DE, True),
        # Cells both styles read alike (1.234 is either): the words decide.
        (["Datum", "Kampagne", "Klicks"], [["2026-11-02", "A", "1.234"]], DE, True),
        (["Date", "Campaign", "Clicks"], [["2026-11-02", "A", "1.234"]], EN, False),
        # No words to go by: dotted dates say German.
        (["Day", "Campaign", "Clicks"], [["02.11.2026", "A", "1.234"]], DE, True),
    ],
)  # fmt: skip
def test_number_style_and_day_first_come_from_the_cells(
    header: list[str], rows: list[list[str]], style: NumberStyle, day_first: bool
) -> None:
    proposal = guess(header, rows)
    assert (proposal.number_style, proposal.day_first) == (style, day_first)


def test_the_form_for_an_unknown_export_arrives_proposed(store: Store) -> None:
    data = (FIXTURES / "generic_shop.csv").read_bytes()
    view = iv.preview(store, data, "generic_shop.csv", platform=None, sheet=None, upload_id="1")
    assert view.mapping is not None
    assert [(c.label, c.proposed) for c in view.mapping.columns] == [
        ("Datum", "date"), ("Aktion", "campaign"), ("Kanal", "variant"), ("Umsatz", "revenue"),
        ("Bestellungen", "conversions"), ("Besuche", "sessions"),
    ]  # fmt: skip
    assert (view.mapping.number_style, view.mapping.day_first) == (DE, True)
    assert all(c.proposed in view.mapping.choices for c in view.mapping.columns)
