"""Dates and amounts as real exports write them, through the whole import: weekday and month
names, slash dates proven day-first (or month-first) anywhere in the column, currency words
around amounts, and rounded abbreviations refused in English and German."""

from __future__ import annotations

from datetime import date

import pytest

from experiments.db import Database
from experiments.errors import ImportFormatError, ImportRefused
from experiments.importers import service
from experiments.importers.plan import SAMPLE_ROWS
from experiments.store import Store
from tests import sql

TIKTOK = "Campaign name,Date,Cost,Impressions,Clicks (destination)\n"


@pytest.mark.parametrize(
    ("first", "second", "cost_a", "cost_b", "spend"),
    [
        ('"Thu, 5 Feb 2026"', '"Fri, 6 Feb 2026"', "US$50.00", "US$25.50", 75.5),
        ("5 Feb 2026", "6 Feb 2026", '"US$1,050.00"', "US$0.25", 1050.25),
        ('"Feb 5, 2026"', '"Feb 6, 2026"', "$12.00", "12.00 USD", 24.0),
        ("2026/02/05", "2026/02/06", "Rp 2.127.582", "Rp 1.000", 2128582.0),
        ("2026/2/5", "2026/2/6", '"1 234,56 zł"', '"765,44 zł"', 2000.0),
        ("05.02.2026", "06.02.2026", '"€1.234,56"', '"€0,44"', 1235.0),
    ],
)
def test_dates_and_amounts_as_exports_write_them(
    db: Database, store: Store, first: str, second: str, cost_a: str, cost_b: str,
    spend: float,
) -> None:  # fmt: skip
    data = f"{TIKTOK}Sale,{first},{cost_a},100,5\nSale,{second},{cost_b},200,7\n"
    summary = service.run(store, data.encode(), "dates.csv")
    assert (summary.date_min, summary.date_max) == (date(2026, 2, 5), date(2026, 2, 6))
    assert summary.totals["spend"] == pytest.approx(spend)
    assert sql.one(db, "SELECT sum(impressions) FROM metric_fact") == (300,)


def _slash_file(header: str, days: range, cells: str) -> bytes:
    """A daily export with 45 campaigns a day: the first 12 days fill the sample."""
    rows = [header]
    for day in days:
        for c in range(45):
            rows.append(cells.format(c=c, d=f"{day:02d}"))
    return ("\n".join(rows) + "\n").encode()


@pytest.mark.parametrize(
    ("header", "cells", "first", "last"),
    [
        # TikTok writes month-first; a 13 in first place, below the sample, proves day-first.
        (TIKTOK.strip(), "C{c},{d}/02/2026,1.00,10,1", date(2026, 2, 1), date(2026, 2, 20)),
        # A Meta export read day-first by habit, proven month-first in both of its date columns.
        ("Campaign name,Reporting starts,Reporting ends,Amount spent (EUR),Impressions",
         "C{c},02/{d}/2026,02/{d}/2026,1.00,10", date(2026, 2, 1), date(2026, 2, 20)),
    ],
)  # fmt: skip
def test_slash_dates_are_proven_anywhere_in_the_column(
    store: Store, header: str, cells: str, first: date, last: date
) -> None:
    data = _slash_file(header, range(1, 21), cells)
    assert 12 * 45 > SAMPLE_ROWS  # the telling rows lie below the sample
    summary = service.run(store, data, "slashes.csv")
    assert (summary.rows, summary.date_min, summary.date_max) == (900, first, last)
    assert store.fact_count() == 900


def test_a_slash_date_neither_way_round_is_still_refused_and_writes_nothing(
    db: Database, store: Store
) -> None:
    data = _slash_file(TIKTOK.strip(), range(1, 21), "C{c},{d}/02/2026,1.00,10,1")
    data += b"C0,13/13/2026,1.00,10,1\n"
    with pytest.raises(ImportFormatError) as caught:
        service.run(store, data, "slashes.csv")
    assert str(caught.value) == (
        # The column proved day-first below the sample: the message names the date that fails
        # either way, and shows the order the column proved.
        "slashes.csv, line 902, column 2: '13/13/2026' in 'Date' is not a date like 2/11/2026 "
        "— correct the date (does that day exist?) so the whole column has one format"
    )
    assert sql.one(db, "SELECT count(*) FROM metric_fact") == (0,)
    assert sql.one(db, "SELECT count(*) FROM import") == (0,)


def test_a_rounded_abbreviation_is_refused_in_german_too(store: Store) -> None:
    data = (TIKTOK + 'Sale,2026-02-05,50.00,"1,5K",5\n').encode()
    with pytest.raises(ImportRefused) as caught:
        service.run(store, data, "rounded.csv")
    assert caught.value.text("de") == (
        "rounded.csv, Zeile 2, Spalte 4: „1,5K“ in „Impressions“ ist eine gerundete Abkürzung, "
        "nicht die Zahl selbst — exportieren Sie den Bericht mit genauen Zahlen (ohne „Tsd.“, "
        "„K“ oder „Mio.“) und importieren Sie ihn erneut"
    )
