"""The one display layer and the one metric registry: names, units, changes, enum labels."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from experiments import display, metrics
from experiments.goals import Status
from experiments.i18n import LANGS, catalogs
from experiments.models import Decision, FeedbackSource, Outcome, Phase

NB = "\xa0"


@pytest.mark.parametrize(
    ("key", "value", "lang", "currency", "text"),
    [
        ("spend", 1234.5, "en", None, "€1,234.50"),
        ("spend", 1234.5, "de", None, f"1.234,50{NB}€"),
        ("spend", 1234.5, "en", "USD", "$1,234.50"),
        ("cpc", 15000.0, "en", "IDR", "IDR15,000.00"),
        ("cpc", 15000.0, "de", "IDR", f"15.000,00{NB}IDR"),
        ("ctr", 0.01234, "en", None, "1.23%"),
        ("ctr", 0.01234, "de", None, f"1,23{NB}%"),
        ("response_time_median_s", 3900.0, "en", None, f"1{NB}h{NB}5{NB}min"),
        ("response_time_median_s", 3900.0, "de", None, f"1{NB}Std.{NB}5{NB}Min."),
        ("response_time_s", 2636.5, "en", None, f"44{NB}min"),
        ("response_time_p90_s", 45.2, "de", None, f"45{NB}Sek."),
        ("response_time_median_s", 7200.0, "en", None, f"2{NB}h"),
        ("impressions", 86770.0, "en", None, "86,770"),
        ("impressions", 86770.0, "de", None, "86.770"),
        ("leads", 3.06, "en", None, "3.1"),
        ("roas", 4.256, "de", None, "4,26"),
        ("cpa", None, "en", None, "–"),
        ("reach", float("nan"), "de", None, "–"),
    ],
)  # fmt: skip
def test_format_value(key: str, value: float | None, lang: str, currency: str | None,
                      text: str) -> None:  # fmt: skip
    assert display.format_value(key, value, lang, currency) == text


@pytest.mark.parametrize(
    ("key", "a", "b", "lang", "text"),
    [
        ("ctr", 0.0112, 0.0231, "en", f"+1.2{NB}pp"),
        ("ctr", 0.0231, 0.0112, "de", f"−1,2{NB}Pp."),
        ("open_rate", 0.2000, 0.2001, "en", f"0.0{NB}pp"),  # rounds to zero: no sign, never -0
        ("spend", 100.0, 118.3, "en", "+18%"),
        ("spend", 100.0, 95.44, "de", f"−4,6{NB}%"),
        ("clicks", 1000.0, 999.99, "en", "0.0%"),  # a tiny drop is no "-0"
        ("cpc", 0.0, 1.0, "en", "–"),  # no relative change from zero
        ("cpc", None, 1.0, "en", "–"),
    ],
)  # fmt: skip
def test_format_change(key: str, a: float | None, b: float | None, lang: str, text: str) -> None:
    assert display.format_change(key, a, b, lang) == text


@pytest.mark.parametrize(
    ("key", "diff", "text"),
    [("ctr", -0.00001, f"0.0{NB}pp"), ("spend", -12.5, "−€12.50"),
     ("response_time_median_s", -600.0, f"−10{NB}min"), ("clicks", 0.2, "+0.2"),
     ("clicks", -0.04, "0.0"), ("roas", None, "–")],
)  # fmt: skip
def test_format_difference_carries_its_sign_but_never_on_zero(
    key: str, diff: float | None, text: str
) -> None:
    assert display.format_difference(key, diff, "en") == text
    assert "-0" not in text and "−0" not in text.replace("−0.", "x")


@pytest.mark.parametrize(
    ("key", "lang", "per_day", "text"),
    [
        ("spend", "en", False, "Spend"),
        ("spend", "en", True, "Spend per day"),
        ("reach", "de", True, "Tägliche Reichweite"),
        ("ctr", "en", True, "CTR"),  # a rate has no per-day form
        ("response_time_median_s", "de", False, "Median-Antwortzeit"),
    ],
)
def test_metric_name(key: str, lang: str, per_day: bool, text: str) -> None:
    assert display.metric_name(key, lang, per_day) == text


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", metrics.metric_keys())
def test_every_registry_key_has_a_name_and_a_unit_in_both_languages(key: str, lang: str) -> None:
    entry = metrics.metric(key)
    assert isinstance(entry.unit, metrics.Unit)
    assert display.metric_name(key, lang).strip()
    if entry.per_day:
        assert display.metric_name(key, lang, per_day=True) != display.metric_name(key, lang)
    # a value of every metric formats in every language
    assert display.format_value(key, 1.5, lang) != display.DASH


def test_the_catalog_names_no_metric_the_registry_does_not_know() -> None:
    named = {k.split(".")[1] for k in catalogs()["en"] if k.startswith("metric.")}
    assert named <= set(metrics.metric_keys())


@pytest.mark.parametrize(
    ("value", "lang", "text"),
    [(Decision.CARRY_FORWARD, "en", "Carry forward"), (Decision.RETEST, "de", "Erneut testen"),
     (Outcome.CONTRADICTED, "de", "Widerlegt"), (Phase.OPTIMIZATION, "en", "Optimization"),
     (FeedbackSource.HR, "de", "Personal"), (Status.AT_RISK, "en", "At risk"),
     (None, "en", "–")],
)  # fmt: skip
def test_enum_label(value: object, lang: str, text: str) -> None:
    assert display.enum_label(value, lang) == text  # type: ignore[arg-type]


def test_enum_label_of_a_plain_string_names_its_kind() -> None:
    assert display.enum_label("undone", "de", kind="import_status") == "rückgängig gemacht"
    with pytest.raises(KeyError):
        display.enum_label("undone", "en")


def test_registry_decides_aggregation_and_direction() -> None:
    m = metrics.METRICS
    assert m["reach"].aggregation is metrics.Aggregation.DAILY_MEAN
    assert m["response_time_s"].row_sql == "median"
    assert m["spend"].row_sql == "sum" and m["spend"].better is metrics.Better.NEITHER
    assert m["cpa"].better is metrics.Better.DOWN and m["ctr"].is_rate
    assert not m["roas"].is_rate and m["roas"].unit is metrics.Unit.RATIO
    assert metrics.inputs("response_time_p90_s") == ("response_time_s",)
    with pytest.raises(KeyError, match="unknown metric 'nope'"):
        metrics.metric("nope")


@pytest.mark.parametrize(
    ("key", "values", "title", "scale", "tickformat"),
    [
        ("response_time_median_s", [2000.0, 9000.0], "Median reply time (min)", 60.0, ",.0f"),
        ("response_time_median_s", [20000.0], "Median reply time (h)", 3600.0, ",.1f"),
        ("cpc", [1.0], "CPC (EUR)", 1.0, ",.2f"),
        ("ctr", [0.01], "CTR", 1.0, ".1%"),
        ("clicks", [10.0], "Clicks", 1.0, ",.0f"),
    ],
)
def test_chart_axes_are_in_the_metric_unit(
    key: str, values: list[float], title: str, scale: float, tickformat: str
) -> None:
    axis = display.axis(key, "en", values)
    assert (axis.title, axis.scale, axis.tickformat) == (title, scale, tickformat)
    assert axis.scaled(3600.0) == 3600.0 / scale


def test_fact_table_labels_columns_and_formats_cells() -> None:
    frame = pd.DataFrame({
        "source_campaign": ["Spring", "Spring"], "variant": ["A", None],
        "date": [pd.Timestamp("2026-11-02"), pd.Timestamp("2026-11-03")],
        "response_time_s": [2636.5, float("nan")],
    })  # fmt: skip
    shown = display.fact_table(frame, "en")
    assert list(shown.columns) == ["Campaign in the file", "Variant", "Day", "Reply time"]
    assert shown.iloc[0].tolist() == ["Spring", "A", "Nov 2, 2026", f"44{NB}min"]
    assert shown.iloc[1].tolist() == ["Spring", "–", "Nov 3, 2026", "–"]
    assert display.fact_table(frame, "de").iloc[0, 2] == "02.11.2026"


def test_share_of_target_is_never_capped() -> None:
    assert display.format_share(1.94, "en") == "194%"
    assert display.format_share(None, "de") == "–"


def test_dates_for_chart_axes_follow_the_language() -> None:
    assert display.date_tickformat("de") == "%d.%m."
    assert display.separators("de") == ",."
    assert date(2026, 1, 1)  # keeps the date import meaningful for the frame above
