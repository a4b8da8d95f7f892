"""Cell text to values: numbers in both styles (property-based), dates, durations, encodings.

Conversions are checked through the SQL the importer really runs, on an in-memory DuckDB.
"""

from __future__ import annotations

import codecs
from datetime import date
from decimal import Decimal

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.importers import decoding, values
from experiments.importers.registry import PLATFORMS
from experiments.importers.values import NumberStyle
from experiments.store import file_sql

CON = duckdb.connect()


def sql_value(expression: str, text: str | None) -> object:
    row = CON.execute(f"SELECT {expression} FROM (VALUES (?::VARCHAR)) t(v)", [text]).fetchone()
    assert row is not None
    return row[0]


def formatted(number: Decimal, style: NumberStyle, grouped: bool) -> str:
    """Write a number as a German or English export would."""
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    thousands, decimal = (".", ",") if style is NumberStyle.DE else (",", ".")
    if grouped:
        whole = f"{int(whole):,}".replace(",", thousands)
    return sign + whole + (decimal + fraction if fraction else "")


numbers = st.decimals(min_value=-10**12, max_value=10**12, places=2, allow_nan=False,
                      allow_infinity=False)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(number=numbers, style=st.sampled_from(list(NumberStyle)), grouped=st.booleans())
def test_numbers_in_either_style_parse_back_to_the_same_value(
    number: Decimal, style: NumberStyle, grouped: bool
) -> None:
    text = formatted(number, style, grouped)
    expected = float(number)
    assert values.parse_number(text, style) == pytest.approx(expected)
    for strip in (False, True):
        assert sql_value(file_sql.number_sql("v", style, strict=True, strip=strip), text) == (
            pytest.approx(expected)
        )
    # A style the sample proves is always the style the number was written in.
    proven = values.number_styles(text)
    assert style in proven


@settings(max_examples=100, deadline=None)
@given(number=numbers, style=st.sampled_from(list(NumberStyle)))
def test_currency_and_percent_signs_do_not_change_the_number(
    number: Decimal, style: NumberStyle
) -> None:
    text = formatted(number, style, True)
    for decorated in (f"{text} €", f"€{text}", f"{text}\u00a0%", f" {text} "):
        assert sql_value(file_sql.number_sql("v", style, strict=True, strip=True), decorated) == (
            pytest.approx(float(number))
        )


@pytest.mark.parametrize("marker", ["", "-", "--", " --", " -- ", "n/a", "N/A", "k. A."])
def test_empty_markers_are_missing_never_zero(marker: str) -> None:
    assert values.is_missing(marker)
    for style in NumberStyle:
        assert sql_value(file_sql.number_sql("v", style, strict=True, strip=True), marker) is None
    assert sql_value(file_sql.duration_sql("v", strict=True), marker) is None


@pytest.mark.parametrize(
    ("samples", "default", "style", "ambiguous"),
    [
        (["1.234,56", "35.424"], NumberStyle.EN, NumberStyle.DE, False),
        (["6.26", "1,234"], NumberStyle.DE, NumberStyle.EN, False),
        (["35.424"], NumberStyle.DE, NumberStyle.DE, True),
        (["35,424", "12"], NumberStyle.EN, NumberStyle.EN, True),
        (["12", "--", "7"], NumberStyle.DE, NumberStyle.DE, False),
    ],
)
def test_style_chosen_from_the_sample(
    samples: list[str], default: NumberStyle, style: NumberStyle, ambiguous: bool
) -> None:
    assert values.choose_style(samples, default) == (style, ambiguous)


@pytest.mark.parametrize(
    ("text", "day_first", "fmt", "day"),
    [
        ("02.11.2026", True, "%d.%m.%Y", date(2026, 11, 2)),
        ("11/2/2026", False, "%m/%d/%Y", date(2026, 11, 2)),
        ("2/11/2026", True, "%d/%m/%Y", date(2026, 11, 2)),
        ("2026-11-02", True, "%Y-%m-%d", date(2026, 11, 2)),
        ("20261102", False, "%Y%m%d", date(2026, 11, 2)),
        ("Oct 06, 2026 09:30 am", False, "%b %d, %Y %I:%M %p", date(2026, 10, 6)),
        ("2026-11-02 13:45:00", True, "%Y-%m-%d %H:%M:%S", date(2026, 11, 2)),
    ],
)
def test_date_formats(text: str, day_first: bool, fmt: str, day: date) -> None:
    assert values.choose_date_format([text], day_first) == fmt
    assert sql_value(file_sql.date_sql("v", fmt, strict=True), text) == day


def test_a_day_above_twelve_decides_slash_dates() -> None:
    assert values.choose_date_format(["11/2/2026", "25/2/2026"], False) == "%d/%m/%Y"


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1h 23m", 4980), ("1d 14h", 136800), ("4m 53s", 293), ("45s", 45), ("01:23:45", 5025),
     ("90", 90), ("2 h 5 min", 7500), ("12.5", 12.5)],
)  # fmt: skip
def test_durations(text: str, seconds: float) -> None:
    assert values.is_duration(text)
    assert sql_value(file_sql.duration_sql("v", strict=True), text) == seconds


@pytest.mark.parametrize("text", ["soon", "1x", "h", "1h 2q"])
def test_not_durations(text: str) -> None:
    assert not values.is_duration(text)
    assert sql_value(file_sql.duration_sql("v", strict=False), text) is None
    with pytest.raises(duckdb.Error):
        sql_value(file_sql.duration_sql("v", strict=True), text)


@pytest.mark.parametrize(
    ("text", "replies", "count"), [("87,5 %", 8, 7), ("50%", 40, 20), ("0,25", 4, 1)]
)
def test_shares_become_counts(text: str, replies: int, count: int) -> None:
    expression = file_sql.share_sql("v", str(replies), NumberStyle.DE, strict=True)
    assert sql_value(expression, text) == count


@pytest.mark.parametrize(
    ("data", "encoding", "text"),
    [
        (codecs.BOM_UTF8 + "Grüße;€\n".encode(), "UTF-8 with BOM", "Grüße;€\n"),
        ("Grüße;€\n".encode(), "UTF-8", "Grüße;€\n"),
        (codecs.BOM_UTF16_LE + "Grüße\t€\n".encode("utf-16-le"), "UTF-16 LE", "Grüße\t€\n"),
        (codecs.BOM_UTF16_BE + "Grüße\t€\n".encode("utf-16-be"), "UTF-16 BE", "Grüße\t€\n"),
        ("Grüße\t1\n".encode("utf-16-le"), "UTF-16 LE without BOM", "Grüße\t1\n"),
        ("Grüße;5 €\n".encode("cp1252"), "Windows-1252", "Grüße;5 €\n"),
    ],
)
def test_decoding_hands_on_utf8(data: bytes, encoding: str, text: str) -> None:
    decoded = decoding.decode(data, "x.csv")
    assert decoded.encoding == encoding
    assert bytes(decoded.text).decode("utf-8") == text


@pytest.mark.parametrize(
    ("platform", "cell", "totals"),
    [
        ("google_ads", "Total: Account", True),
        ("google_ads", "Gesamt: Konto", True),
        ("google_ads", "Totally Organic", False),
        ("tiktok", "Total of 12 results", True),
        ("tiktok", "Total of fun", False),
        ("ga4", "Grand total", True),
        ("ga4", "Grand totals campaign", False),
    ],
)
def test_totals_rows_follow_each_platforms_rule(platform: str, cell: str, totals: bool) -> None:
    assert any(d.is_totals(cell) for d in PLATFORMS[platform].dialects) is totals
