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
from experiments.store import cell_sql

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
        assert sql_value(cell_sql.number_sql("v", style, strict=True, strip=strip), text) == (
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
    decorations = (f"{text} €", f"€{text}", f"{text}\u00a0%", f" {text} ", f"US${text}",
                   f"Rp {text}", f"{text} zł", f"{text}\u00a0Kč", f"{text} EUR", f"CHF {text}",
                   f"¥{text}", f"R$ {text}")  # fmt: skip
    for decorated in decorations:
        assert sql_value(cell_sql.number_sql("v", style, strict=True, strip=True), decorated) == (
            pytest.approx(float(number))
        )


@pytest.mark.parametrize("marker", ["", "-", "--", " --", " -- ", "n/a", "N/A", "k. A."])
def test_empty_markers_are_missing_never_zero(marker: str) -> None:
    assert values.is_missing(marker)
    for style in NumberStyle:
        assert sql_value(cell_sql.number_sql("v", style, strict=True, strip=True), marker) is None
    assert sql_value(cell_sql.duration_sql("v", strict=True), marker) is None


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
        ("2026-11-02T00:00:00", False, "%Y-%m-%dT%H:%M:%S", date(2026, 11, 2)),
        ("2026-11-02T13:45:00", True, "%Y-%m-%dT%H:%M:%S", date(2026, 11, 2)),
        ("Thu, 5 Feb 2026", False, "%a, %d %b %Y", date(2026, 2, 5)),
        ("5 Feb 2026", True, "%d %b %Y", date(2026, 2, 5)),
        ("Feb 5, 2026", False, "%b %d, %Y", date(2026, 2, 5)),
        ("2026/02/05", True, "%Y/%m/%d", date(2026, 2, 5)),
        ("2026/2/5", False, "%Y/%m/%d", date(2026, 2, 5)),
        ("5. Feb. 2026", True, "%d. %b %Y", date(2026, 2, 5)),
        ("1. März 2026", True, "%d. %b %Y", date(2026, 3, 1)),
        ("31. Mai 2026", True, "%d. %b %Y", date(2026, 5, 31)),
        ("3. Okt. 2026", True, "%d. %b %Y", date(2026, 10, 3)),
        ("24. Dez. 2026", True, "%d. %b %Y", date(2026, 12, 24)),
        ("5. Sept. 2026", True, "%d. %b %Y", date(2026, 9, 5)),
    ],
)
def test_date_formats(text: str, day_first: bool, fmt: str, day: date) -> None:
    assert values.choose_date_format([text], day_first) == fmt
    assert sql_value(cell_sql.date_sql("v", fmt, strict=True), text) == day


@pytest.mark.parametrize(
    ("samples", "day_first", "fmt"),
    [
        # A 13 or more in first place proves day-first, in second place month-first.
        (["11/2/2026", "25/2/2026"], False, "%d/%m/%Y"),
        (["05/02/2026", "13/02/2026"], False, "%d/%m/%Y"),
        (["2/11/2026", "2/25/2026"], True, "%m/%d/%Y"),
        # Values that read either way keep the platform's habit.
        (["05/02/2026", "06/02/2026"], False, "%m/%d/%Y"),
        (["05/02/2026", "06/02/2026"], True, "%d/%m/%Y"),
    ],
)
def test_a_day_above_twelve_decides_slash_dates(
    samples: list[str], day_first: bool, fmt: str
) -> None:
    assert values.choose_date_format(samples, day_first) == fmt


ENGLISH_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec")  # fmt: skip
# How German exports and German Excel write month names: abbreviated with a dot, or whole.
GERMAN_MONTHS = (("Jan.", "Januar"), ("Feb.", "Februar"), ("März", "Mrz."), ("Apr.", "April"),
                 ("Mai", "Mai"), ("Juni", "Jun."), ("Juli", "Jul."), ("Aug.", "August"),
                 ("Sept.", "Sep."), ("Okt.", "Oktober"), ("Nov.", "November"),
                 ("Dez.", "Dezember"))  # fmt: skip
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def written(day: date, form: int, padded: bool, long_german: bool) -> str:
    """Write a day in one of the forms real exports use."""
    d = f"{day.day:02d}" if padded else str(day.day)
    m = f"{day.month:02d}" if padded else str(day.month)
    month = ENGLISH_MONTHS[day.month - 1]
    return [
        f"{WEEKDAYS[day.weekday()]}, {d} {month} {day.year}",
        f"{d} {month} {day.year}",
        f"{month} {d}, {day.year}",
        f"{day.year}/{m}/{d}",
        f"{d}. {GERMAN_MONTHS[day.month - 1][long_german]} {day.year}",
        f"{d}.{m}.{day.year}",
        f"{day:%Y-%m-%d}",
    ][form]


@settings(max_examples=300, deadline=None)
@given(day=st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)),
       form=st.integers(0, 6), padded=st.booleans(), long_german=st.booleans(),
       day_first=st.booleans())  # fmt: skip
def test_dates_in_every_form_read_back_to_the_same_day(
    day: date, form: int, padded: bool, long_german: bool, day_first: bool
) -> None:
    text = written(day, form, padded, long_german)
    fmt = values.choose_date_format([text], day_first)
    assert values.parses_date(text, fmt)
    assert sql_value(cell_sql.date_sql("v", fmt, strict=True), text) == day


@pytest.mark.parametrize(
    ("text", "abbreviated"),
    [("1,5 Tsd.", True), ("2.3K", True), ("12 Mio.", True), ("4 Mrd", True), ("1,2 tys.", True),
     ("3万", True), ("€1,5 Mio.", True), ("1.500", False), ("1 234,56 zł", False),
     ("US$50.00", False), ("k. A.", False), ("12 EUR", False)],
)  # fmt: skip
def test_rounded_abbreviations_are_told_from_numbers(text: str, abbreviated: bool) -> None:
    assert values.is_abbreviated(text) is abbreviated


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1h 23m", 4980), ("1d 14h", 136800), ("4m 53s", 293), ("45s", 45), ("01:23:45", 5025),
     ("90", 90), ("2 h 5 min", 7500), ("12.5", 12.5)],
)  # fmt: skip
def test_durations(text: str, seconds: float) -> None:
    assert values.is_duration(text)
    assert sql_value(cell_sql.duration_sql("v", strict=True), text) == seconds


@pytest.mark.parametrize("text", ["soon", "1x", "h", "1h 2q"])
def test_not_durations(text: str) -> None:
    assert not values.is_duration(text)
    assert sql_value(cell_sql.duration_sql("v", strict=False), text) is None
    with pytest.raises(duckdb.Error):
        sql_value(cell_sql.duration_sql("v", strict=True), text)


@pytest.mark.parametrize(
    ("text", "replies", "count"), [("87,5 %", 8, 7), ("50%", 40, 20), ("0,25", 4, 1)]
)
def test_shares_become_counts(text: str, replies: int, count: int) -> None:
    expression = cell_sql.share_sql("v", str(replies), NumberStyle.DE, strict=True)
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
        # TikTok Ads Manager in German, Japanese and Korean; GA4 by channel group.
        ("tiktok", "Insgesamt 3 Ergebnisse", True),
        ("tiktok", "全3件の結果", True),
        ("tiktok", "총 3개 결과", True),
        ("tiktok", "全部の結果", False),
        ("ga4_channels", "Grand total", True),
    ],
)
def test_totals_rows_follow_each_platforms_rule(platform: str, cell: str, totals: bool) -> None:
    assert any(d.is_totals(cell) for d in PLATFORMS[platform].dialects) is totals
