"""Bad files: each gets a message naming the file, line and column and what to do, and the
database stays exactly as it was (one transaction per file)."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path
from typing import Any

import pytest

from experiments.cli import main
from experiments.db import Database
from experiments.errors import ImportFormatError
from experiments.importers import service
from experiments.store import Store
from tests import sql
from tests.conftest import FIXTURES

BAD = FIXTURES / "bad"
RESULTS_EN = (FIXTURES / "meta_en_results.csv").read_bytes()
RESULTS_DE = (FIXTURES / "meta_de_results.csv").read_bytes()
PLATFORMS = (
    "meta, google_ads, linkedin, tiktok, ga4, mailchimp, social_inbox, pinterest, snapchat, "
    "ga4_channels, ga4_source_medium, sprout_social, hootsuite_inbox, linkedin_page, agorapulse, "
    "meta_inbox, linkedin_followers, linkedin_visitors, meta_insights"
)
_SUITE_READ = (
    "only these charts are read: Facebook follows, Instagram follows; export one of "
    "them (each chart has a download of its own) and import that file"
)
_PAGE_PARTS = (
    b"Date,Impressions (total),Clicks (total),Reactions (total),Comments (total),Reposts (total)\n"
    b"11/02/2026,500,5,1,1,1\n11/03/2026,500,5,"
)

# (case, file name, content: a path under fixtures/ or bytes, keyword arguments, message)
CASES: list[tuple[str, str, Path | bytes, dict[str, Any], str]] = [
    ("empty", "empty.csv", BAD / "empty.csv", {},
     "empty.csv: the file is empty — export the report again from the platform"),
    ("blank lines only", "blank.csv", b"\r\n\r\n  \r\n", {},
     "blank.csv: the file is empty — export the report again from the platform"),
    ("xlsx renamed csv", "workbook_named.csv", BAD / "workbook_named.csv", {},
     "workbook_named.csv: the file is an Excel workbook (or another zip archive) but its name "
     "ends in .csv — rename it to .xlsx and upload it again, or save it in Excel as CSV"),
    ("csv renamed xlsx", "text_named.xlsx", BAD / "text_named.xlsx", {},
     "text_named.xlsx: the file is not an Excel workbook although its name ends in .xlsx — "
     "upload the original .xlsx, or rename a CSV export to .csv"),
    ("old xls", "legacy.xlsx", BAD / "legacy.xlsx", {},
     "legacy.xlsx: this is an old Excel .xls workbook — save it in Excel as .xlsx or as CSV "
     "UTF-8 and upload that"),
    # LinkedIn page analytics download as such a workbook under its own name.
    ("old xls under its own name", "gartenwelt_content_1762041600000.xls",
     BAD / "legacy.xlsx", {},
     "gartenwelt_content_1762041600000.xls: this is an old Excel .xls workbook — save it in "
     "Excel as .xlsx or as CSV UTF-8 and upload that"),
    ("unsupported type", "report.pdf", b"%PDF-1.7 ...", {},
     "report.pdf: '.pdf' files cannot be imported — upload a CSV, TSV, TXT or XLSX export"),
    ("binary NUL bytes", "nul_bytes.csv", BAD / "nul_bytes.csv", {},
     "nul_bytes.csv, line 3: the file contains binary data (a NUL byte at byte 301) — upload "
     "the CSV or XLSX export as the platform produced it, not a different kind of file"),
    ("over the size limit", "big.csv", b"x" * (1024 * 1024 + 1), {"max_bytes": 1024 * 1024},
     "big.csv: the file has 1.0 MB, more than the limit of 1 MB — export a shorter date range "
     "or fewer columns and import the parts one by one"),
    ("quote cut off at the end", "unterminated_quote.csv", BAD / "unterminated_quote.csv", {},
     "unterminated_quote.csv, line 4: a quoted field starts on this line and its closing quote "
     "is missing — close the quote, or export the file again: it may have been cut off"),
    ("ragged row", "ragged_row.csv", BAD / "ragged_row.csv", {},
     "ragged_row.csv, line 3: the row has 12 fields but the header has 11 — check for a ',' "
     "inside an unquoted cell or a missing cell; the platform's original export has the same "
     "number in every row"),
    ("header nobody knows", "unknown_header.csv", BAD / "unknown_header.csv", {},
     "unknown_header.csv, line 1: no platform or saved mapping knows this header (Datum, "
     "Aktion, Kanal, Umsatz) — map its columns once on the import page (the mapping is saved), "
     f"or name the platform with --platform ({PLATFORMS})"),
    ("header of another platform", "tiktok.csv", FIXTURES / "tiktok.csv",
     {"platform": "mailchimp"},
     "tiktok.csv, line 1: the header (Campaign name, Ad group name, Date, Cost, Impressions, "
     "Reach, Clicks (destination), CTR (destination) …) lacks the date and campaign columns of "
     "mailchimp — check that the file is an export of that platform, or choose another one"),
    ("unknown platform key", "tiktok.csv", FIXTURES / "tiktok.csv", {"platform": "myspace"},
     f"tiktok.csv: 'myspace' is no platform or saved mapping — choose one of: {PLATFORMS}"),
    ("not a number", "not_a_number.csv", BAD / "not_a_number.csv", {},
     "not_a_number.csv, line 4, column 5: 'zwölftausend' in 'Impressions' is not a number — "
     "write numbers like 1,234.56 (this file is read in EN style), or leave the cell empty if "
     "there is no value"),
    ("impossible date", "impossible_date.csv", BAD / "impossible_date.csv", {},
     "impossible_date.csv, line 3, column 4: '2026-02-31' in 'Berichtsstart' is not a date like "
     "2026-11-02 — correct the date (does that day exist?) so the whole column has one format"),
    ("empty date", "empty_date.csv", BAD / "empty_date.csv", {},
     "empty_date.csv, line 3, column 3: the date in 'Date' is empty — every row needs its day: "
     "export the report with a breakdown by day"),
    ("second header in the middle", "second_header.csv", BAD / "second_header.csv", {},
     "second_header.csv, line 4: the header repeats in the middle of the table — two exports "
     "were pasted into one file: remove this line, or import the two parts as separate files"),
    ("header without rows", "header_only.csv", BAD / "header_only.csv", {},
     "header_only.csv, line 1: there are no data rows below the header — export a report that "
     "contains at least one day with data"),
    ("same campaign and day twice", "repeated_row.csv", BAD / "repeated_row.csv", {},
     "repeated_row.csv, line 4: the row repeats line 2 — both are for campaign 'Herbst Looks', "
     "variant 'Gen Z DE', segment '' and 2026-10-05 to 2026-10-05, so the file would count the "
     "same figures twice — remove one of the two lines, or export the report again with the "
     "column that tells them apart (an ID or a breakdown)"),
    # A breakdown export whose row for one age and gender was pasted in again.
    ("same breakdown segment twice", "breakdown_repeated.csv", BAD / "breakdown_repeated.csv",
     {},
     "breakdown_repeated.csv, line 8: the row repeats line 6 — both are for campaign 'Spring "
     "Sale', variant '', segment 'Age=25-34 · Gender=male' and 2026-11-02 to 2026-11-02, so the "
     "file would count the same figures twice — remove one of the two lines, or export the "
     "report again with the column that tells them apart (an ID or a breakdown)"),
    ("a period that ends before it starts", "period_backwards.csv",
     BAD / "period_backwards.csv", {},
     "period_backwards.csv, line 3, column 5: the row's period ends on 2026-07-01, before it "
     "starts on 2026-07-31 — check the start and end columns, or export the report again"),
    ("same campaign and period twice", "period_repeated.csv", BAD / "period_repeated.csv", {},
     "period_repeated.csv, line 4: the row repeats line 2 — both are for campaign 'Spring "
     "Sale', variant '', segment '' and 2026-11-01 to 2026-11-14, so the file would count the "
     "same figures twice — remove one of the two lines, or export the report again with the "
     "column that tells them apart (an ID or a breakdown)"),
    ("reply time that is no duration", "bad_duration.csv", BAD / "bad_duration.csv", {},
     "bad_duration.csv, line 3, column 5: 'soon' in 'Median reply time' is not a duration — "
     "write it like 1h 23m, 4m 53s, 45s or 01:23:45"),
    # A date range without delivery; the German Meta text and the Google Ads layout are
    # inferred (see build_fixtures.py).
    ("no data: Meta", "meta_no_data_en.csv", BAD / "meta_no_data_en.csv", {},
     "meta_no_data_en.csv, line 2: this export contains no data (the platform wrote “No data "
     "available.” where the rows would be) — choose a date range with delivery and export the "
     "report again"),
    ("no data: Meta in German", "meta_no_data_de.csv", BAD / "meta_no_data_de.csv", {},
     "meta_no_data_de.csv, line 2: this export contains no data (the platform wrote “Keine Daten "
     "verfügbar.” where the rows would be) — choose a date range with delivery and export the "
     "report again"),
    ("no data: Google Ads with its totals", "google_ads_no_data.csv",
     BAD / "google_ads_no_data.csv", {},
     "google_ads_no_data.csv, line 4: this export contains no data (the platform wrote “No "
     "data” where the rows would be) — choose a date range with delivery and export the report "
     "again"),
    # Hootsuite Inbox 2.0 "Resolved conversations": one row per conversation, refused (see
    # build_platform_fixtures.py), also when the platform is named.
    *[(f"one row per conversation: Hootsuite Inbox{label}", "hootsuite_conversations.csv",
       BAD / "hootsuite_conversations.csv", kwargs,
       "hootsuite_conversations.csv, line 1: this Hootsuite Inbox export has one row per "
       "conversation, and reply counts and reply times per day cannot be added up from such "
       "rows without counting a conversation that spans days or team members twice — export a "
       "report with one row per day instead (replies and median reply time per day and profile, "
       "for example Sprout Social's Inbox Activity report or the inbox's daily team report) and "
       "import that file")
      for label, kwargs in (("", {}), (", named", {"platform": "hootsuite_inbox"}))],
    # Meta Business Suite inbox insights: each day's response rate and time cover the 30 days
    # before it (see build_platform_fixtures.py), refused, also when the platform is named.
    *[(f"rolling 30-day figures: Meta Business Suite inbox{label}", "meta_inbox.csv",
       BAD / "meta_inbox.csv", kwargs,
       "meta_inbox.csv, line 1: this Meta Business Suite inbox export gives for each day the "
       "response rate and response time as Meta computes them over the 30 days before (the "
       "response time is the average of the fastest 90 % of replies in that window), not the "
       "figures of that day — such rolling values can be neither added up nor compared between "
       "cycles as daily facts: export replies and reply times per day from your inbox tool "
       "instead (for example Sprout Social's Inbox Activity report or Agorapulse's community "
       "management report) and import that file")
      for label, kwargs in (("", {}), (", named", {"platform": "meta_inbox"}))],
    # Meta Business Suite's charts share one header: the title line above it names the chart,
    # and only the follows charts are read (see build_meta_suite_fixtures.py).
    ("Meta Business Suite chart that is not read", "meta_suite_views.csv",
     BAD / "meta_suite_views.csv", {},
     f"meta_suite_views.csv, line 2: this Meta Business Suite insights download is the chart "
     f"“Views”, which the tracker does not store — {_SUITE_READ}"),
    ("Meta Business Suite link clicks, named", "link_clicks.csv",
     (BAD / "meta_suite_views.csv").read_bytes().replace(
         "Views".encode("utf-16-le"), "Facebook link clicks".encode("utf-16-le")),
     {"platform": "meta_insights"},
     f"link_clicks.csv, line 2: this Meta Business Suite insights download is the chart "
     f"“Facebook link clicks”, which the tracker does not store — {_SUITE_READ}"),
    # Refused at once, not after asking which of its two sections to import.
    ("Meta Business Suite reach of both networks, in Portuguese", "meta_suite_reach_pt.csv",
     BAD / "meta_suite_reach_pt.csv", {},
     f"meta_suite_reach_pt.csv, line 2: this Meta Business Suite insights download is the chart "
     f"“Alcance no Facebook”, which the tracker does not store — {_SUITE_READ}"),
    *[(f"Meta Business Suite chart without its title line{label}", name, source, {},
       f"{name}, line {line}: the header of this Meta Business Suite insights download is the "
       "same for every chart, and the title line above it that names the chart is missing — "
       "import the file exactly as it was downloaded, with its title line (these charts are "
       "read: Facebook follows, Instagram follows)")
      for label, name, source, line in (
          ("", "meta_suite_no_title.csv", BAD / "meta_suite_no_title.csv", 2),
          (", nor the separator line", "follows.csv",
           b'"Date","Primary"\n"2026-01-02T00:00:00","3"\n', 1))],
    # A part of LinkedIn page engagements is kept as text, but must read as a count.
    *[(f"LinkedIn page engagements: {case}", "page.csv", _PAGE_PARTS + cell.encode() + b",1,1\n",
       {}, f"page.csv, line 3, column 4: '{cell}' in 'Reactions (total)' {message}")
      for case, cell, message in (
          ("a part that is no number", "abc", "is not a number — write numbers like 1,234.56 "
           "(this file is read in EN style), or leave the cell empty if there is no value"),
          ("a part below 0 in a sum above it", "-3", "is negative — LinkedIn page analytics "
           "reports no values below 0 here: correct the cell"),
          ("a part that is not finite", "1e309", "is not a finite number — write the real "
           "value, or leave the cell empty if there is none"))],
    ("only the campaign column missing", "meta_without_campaign.csv",
     BAD / "meta_without_campaign.csv", {},
     "meta_without_campaign.csv, line 1: the header has the columns of a Meta Ads Manager "
     "export, but no campaign column — export the report again with the campaign name as a "
     "column"),
    ("only the campaign column of the named platform missing", "meta_without_campaign.csv",
     BAD / "meta_without_campaign.csv", {"platform": "meta"},
     "meta_without_campaign.csv, line 1: the header (Ad set name, Reporting starts, Reporting "
     "ends, Amount spent (EUR), Impressions, Reach, Link clicks) lacks the campaign column of "
     "meta — export the report again with the campaign name as a column, or check that the file "
     "is an export of that platform"),
    # Google Ads without the Day segment: the rows are totals over the range in the title lines;
    # "All time" or a title without a range gives no period a window could be checked against.
    ("period: Google Ads over all time", "google_ads_all_time.csv",
     BAD / "google_ads_all_time.csv", {},
     "google_ads_all_time.csv, line 3: the report covers “All time”, a period without a first "
     "and last day, so its totals cannot be placed in a cycle or goal window — choose a date "
     "range (for example the cycle's dates) or add the Day segment (Segment → Time → Day) and "
     "export the report again"),
    ("period: Google Ads title without a range", "google_ads_no_range.csv",
     BAD / "google_ads_no_range.csv", {},
     "google_ads_no_range.csv, line 2: the rows have no date column and the title lines above "
     "the header name no date range — choose a date range for the report or add the Day segment "
     "(Segment → Time → Day) and export it again, keeping the title lines"),
    ("period: the named platform, title without a range", "google_ads_no_range.csv",
     BAD / "google_ads_no_range.csv", {"platform": "google_ads"},
     "google_ads_no_range.csv, line 2: the rows have no date column and the title lines above "
     "the header name no date range — choose a date range for the report or add the Day segment "
     "(Segment → Time → Day) and export it again, keeping the title lines"),
    ("no dates: a recognised header without its date column", "social_inbox_without_date.csv",
     BAD / "social_inbox_without_date.csv", {},
     "social_inbox_without_date.csv, line 1: the header has the columns of a Social inbox team "
     "report export, but no date column — add the Day segment (Google Ads: Segment → Time → "
     "Day; Meta: Breakdown → By time → Day) or a date range (Meta: Reporting starts and "
     "Reporting ends) to the report and export it again"),
    ("rounded abbreviation instead of a number", "meta_de_tsd.csv", BAD / "meta_de_tsd.csv", {},
     "meta_de_tsd.csv, line 3, column 5: '1,5 Tsd.' in 'Impressionen' is a rounded abbreviation, not "
     "the number itself — export the report with exact numbers (no “Tsd.”, “K” or “Mio.”) and "
     "import it again"),
    ("no encoding reads it", "not_text.csv", BAD / "not_text.csv", {},
     "not_text.csv: the file is not UTF-8, and no encoding exports come in reads it cleanly "
     "(tried: UTF-8, UTF-16, Windows-1252, Windows-1250, ISO-8859-2, MacRoman, Shift_JIS "
     "(CP932), Windows-1251, Windows-1257, Windows-1254, GB18030, Big5, EUC-KR (CP949)) — open "
     "it in Excel or a text editor, save it as “CSV UTF-8” and upload that file"),
    ("workbook without a usable sheet", "no_usable_sheet.xlsx", BAD / "no_usable_sheet.xlsx",
     {}, "no_usable_sheet.xlsx: no sheet of the workbook has any cells — open the workbook and "
     "check that the export is on its first sheet"),
    ("sheet that is not there", "meta_de.xlsx", FIXTURES / "meta_de.xlsx", {"sheet": "Daten"},
     "meta_de.xlsx: the workbook has no sheet named 'Daten' — choose one of its sheets: "
     "Übersicht, Rohdaten"),
    ("damaged workbook", "damaged.xlsx", b"PK\x03\x04" + b"\x00" * 64, {},
     "damaged.xlsx: the workbook is damaged (its zip structure cannot be read) — open it in "
     "Excel, save it again as .xlsx and upload that"),
    # Results routed row by row by their indicator are read as strictly as any metric column.
    ("results of link clicks not a number", "results_word.csv", RESULTS_EN.replace(
        b",410,actions:link_click", b",vierhundert,actions:link_click"), {},
     "results_word.csv, line 5, column 8: 'vierhundert' in 'Results' is not a number — write "
     "numbers like 1,234.56 (this file is read in EN style), or leave the cell empty if there "
     "is no value"),
    ("results of purchases negative", "results_negative.csv", RESULTS_DE.replace(
        b";15;K", b";-15;K"), {},
     "results_negative.csv, line 2, column 8: '-15' in 'Ergebnisse' is negative — Meta Ads "
     "Manager reports no values below 0 here: correct the cell"),
    # Currencies: a header or a cell that names no ISO 4217 code, two money columns that
    # disagree. The header is Meta's own ('Amount spent (IDR)'), the column Google Ads'.
    ("currency in a header that is no code", "meta_idx.csv",
     (FIXTURES / "meta_en_idr.csv").read_bytes().replace(b"(IDR)", b"(IDX)"), {},
     "meta_idx.csv, line 1, column 5: 'IDX' in 'Amount spent (IDX)' is not an ISO 4217 "
     "currency code — export the report again in the ad account's currency, or correct the "
     "three letters in brackets (for example EUR, USD or IDR)"),
    ("currency cell that is no code", "google_ads_xyz.csv",
     (FIXTURES / "google_ads_usd.csv").read_bytes().replace(b"-03,USD", b"-03,US Dollar"), {},
     "google_ads_xyz.csv, line 5, column 3: 'US Dollar' in 'Currency code' is not an ISO 4217 "
     "currency code — correct the cell to the three letters of the currency (for example EUR, "
     "USD or IDR)"),
    ("two money columns in two currencies", "meta_two.csv",
     b"Campaign name,Reporting starts,Reporting ends,Amount spent (USD),Impressions,"
     b"Purchases conversion value (EUR)\n"
     b"Spring Sale,2026-11-02,2026-11-02,10.00,1000,25.00\n", {},
     "meta_two.csv, line 1: the money columns name different currencies (USD, EUR) — export the "
     "report again with every amount in the ad account's currency"),
]  # fmt: skip

TABLES = ("import", "metric_fact", "metric_fact_replaced", "audit", "column_mapping",
          "campaign", "campaign_alias")  # fmt: skip


def content(source: Path | bytes) -> bytes:
    return source.read_bytes() if isinstance(source, Path) else source


def state(db: Database) -> dict[str, list[str]]:
    """Every row of every table an import could touch."""
    return {t: sorted(map(repr, sql.rows(db, f"SELECT * FROM {t}")))
            for t in TABLES}  # fmt: skip


@pytest.fixture
def filled(store: Store) -> Store:
    """A store that already holds an import, so 'unchanged' means more than 'still empty'."""
    service.run(store, (FIXTURES / "google_ads_de.csv").read_bytes(), "google_ads_de.csv")
    return store


def test_there_are_at_least_fifteen_bad_inputs() -> None:
    assert len(CASES) >= 15


@pytest.mark.parametrize(("name", "source", "options", "message"),
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])  # fmt: skip
def test_bad_file_gets_its_message_and_writes_nothing(
    db: Database,
    filled: Store,
    name: str,
    source: Path | bytes,
    options: dict[str, Any],
    message: str,
) -> None:
    before = state(db)
    with pytest.raises(ImportFormatError) as caught:
        service.run(filled, content(source), name, **options)
    assert str(caught.value) == message
    assert state(db) == before


@pytest.mark.parametrize(("name", "source", "options", "message"),
                         [c[1:] for c in CASES if not c[3]], ids=[c[0] for c in CASES if not c[3]])  # fmt: skip
def test_bad_file_fails_on_the_command_line(
    tmp_path: Path, db_path: Path, name: str, source: Path | bytes, options: dict[str, Any],
    message: str,
) -> None:  # fmt: skip
    path = tmp_path / name
    path.write_bytes(content(source))
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["import", str(path), "--json"], stdout=out, stderr=err)
    assert code != 0
    assert (out.getvalue(), err.getvalue()) == ("", f"error: {message}\n")


def test_missing_file_on_the_command_line(db_path: Path, tmp_path: Path) -> None:
    err = io.StringIO()
    code = main(["import", str(tmp_path / "nowhere.csv")], stdout=io.StringIO(), stderr=err)
    assert code == 2
    assert err.getvalue() == (
        f"error: {tmp_path / 'nowhere.csv'}: no such file — check the path and the file name\n"
    )
