"""Money in its own currency: each fact keeps the code its export named, every place that shows
money shows that currency through babel, and amounts of different currencies are never added
up (a comparison, a goal, the overview's spend, the report)."""

from __future__ import annotations

import json
from datetime import date
from html import unescape
from pathlib import Path

import pytest

from experiments import compare, display, goals, money, overview
from experiments.commands.goals import progress_row
from experiments.db import Database
from experiments.errors import MoneyRefused
from experiments.importers import service
from experiments.models import Alias, Comparator, Goal, Phase, ScopeKind, new_id
from experiments.reports import build_report
from experiments.store import Store
from tests import sql
from tests.cli_runner import run_cli as cli
from tests.conftest import FIXTURES
from tests.factories import make_cycle

IDR_FILE, USD_FILE = FIXTURES / "meta_en_idr.csv", FIXTURES / "google_ads_usd.csv"
# Cycle 1 holds 2–3 Nov, cycle 2 12–13 Nov (the IDR file moved on by ten days).
C1, C2 = (date(2026, 11, 1), date(2026, 11, 7)), (date(2026, 11, 8), date(2026, 11, 14))
MIXED_EN = (
    "the amounts are in several currencies (IDR, USD) and are never added up without rates — "
    "enter a rate into IDR for every month involved (fx set CURRENCY YYYY-MM RATE), or compare "
    "only facts of one currency"
)
MIXED_DE = (
    "Die Beträge sind in mehreren Währungen (IDR, USD) und werden ohne Kurse nie zusammengezählt "
    "— tragen Sie für jeden betroffenen Monat einen Kurs in IDR ein (fx set WÄHRUNG JJJJ-MM KURS) "
    "oder vergleichen Sie nur Fakten einer Währung"
)


def later(data: bytes) -> bytes:
    """The IDR export ten days later (12–13 Nov instead of 2–3 Nov)."""
    return data.replace(b"2026-11-0", b"2026-11-1")


@pytest.fixture
def ramadan(store: Store) -> Store:
    """A campaign whose Meta account spends rupiah, in two cycles."""
    campaign = store.create_campaign("Ramadan", aliases=(Alias("Ramadan Promo"),))
    make_cycle(store, campaign, 1, Phase.CLOSED, start=C1[0], end=C1[1])
    make_cycle(store, campaign, 2, Phase.CAMPAIGN, start=C2[0], end=C2[1])
    service.run(store, IDR_FILE.read_bytes(), IDR_FILE.name)
    service.run(store, later(IDR_FILE.read_bytes()), "meta_en_idr_later.csv")
    return store


@pytest.fixture
def mixed(ramadan: Store) -> Store:
    """The same campaign with its Google Ads account, which spends dollars, linked too."""
    campaign = ramadan.campaign_by_name("Ramadan")
    ramadan.add_alias(campaign.id, Alias("Ramadan Promo US"))
    service.run(ramadan, USD_FILE.read_bytes(), USD_FILE.name)
    return ramadan


# (file, platform, rows, currency of every fact, spend total, the summary's currency)
FILES = [
    (IDR_FILE, "meta", 3, "IDR", 2_127_582 + 1_980_000 + 845_250),
    (USD_FILE, "google_ads", 2, "USD", 1200.50 + 1099.25),
]


@pytest.mark.parametrize(("path", "platform", "rows", "code", "spend"), FILES,
                         ids=[f[0].name for f in FILES])  # fmt: skip
def test_each_fact_keeps_the_currency_its_export_names(
    db: Database, store: Store, path: Path, platform: str, rows: int, code: str, spend: float
) -> None:
    summary = service.run(store, path.read_bytes(), path.name)
    assert (summary.platform, summary.rows, summary.currency) == (platform, rows, code)
    assert summary.totals["spend"] == pytest.approx(spend, abs=1e-9)
    stored = sql.rows(db, "SELECT currency, count(*), sum(spend) FROM metric_fact GROUP BY ALL")
    assert [(c, n) for c, n, _ in stored] == [(code, rows)]
    assert stored[0][2] == pytest.approx(spend, abs=1e-9)


def test_a_file_of_several_currencies_gives_no_money_total(db: Database, store: Store) -> None:
    text = USD_FILE.read_text().replace(
        "Ramadan Promo US,2026-11-03,USD", "Brand EU,2026-11-03,eur"
    )
    summary = service.run(store, text.encode(), "two_accounts.csv")
    assert summary.currencies == ("EUR", "USD") and summary.currency is None
    assert "spend" not in summary.totals and summary.totals["clicks"] == 780
    assert sql.rows(db, "SELECT source_campaign, currency FROM metric_fact ORDER BY 1") == [
        ("Brand EU", "EUR"), ("Ramadan Promo US", "USD")]  # fmt: skip


def test_the_import_json_and_text_name_the_currency(db_path: Path) -> None:
    code, out, _ = cli("import", str(IDR_FILE), "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["currency"], doc["currencies"]) == ("IDR", ["IDR"])
    code, out, _ = cli("import", str(USD_FILE))
    assert code == 0
    assert "totals: Spend $2,299.75, Impressions 19,500" in out


# (currency, language, how 4,952,832 of it reads) — babel's own formats
DISPLAY = [
    ("IDR", "en", "IDR4,952,832.00"), ("IDR", "de", "4.952.832,00\xa0IDR"),
    ("USD", "en", "$4,952,832.00"), ("USD", "de", "4.952.832,00\xa0$"),
    ("EUR", "en", "€4,952,832.00"), ("EUR", "de", "4.952.832,00\xa0€"),
]  # fmt: skip


@pytest.mark.parametrize(("code", "lang", "shown"), DISPLAY)
def test_money_reads_in_its_currency(code: str, lang: str, shown: str) -> None:
    assert display.format_value("spend", 4_952_832.0, lang, code) == shown


def test_a_comparison_in_rupiah_says_so_everywhere(ramadan: Store, db_path: Path) -> None:
    result = compare.compare(ramadan, "Ramadan", 1, 2)
    assert result.currency == "IDR"
    assert compare.document(result)["currency"] == "IDR"
    spend = result.row("spend")
    assert spend is not None and spend.total_a == pytest.approx(4_952_832)


def test_the_account_currency_comes_from_the_first_import_until_one_is_set(ramadan: Store) -> None:
    campaign = ramadan.campaign_by_name("Ramadan")
    assert ramadan.account_currency(campaign.id) == "IDR"
    ramadan.set_account_currency(campaign.id, "EUR")
    assert ramadan.account_currency(campaign.id) == "EUR"
    ramadan.set_account_currency(campaign.id, None)
    assert ramadan.account_currency(campaign.id) == "IDR"


def test_a_mixed_comparison_is_refused_naming_the_currencies(mixed: Store) -> None:
    with pytest.raises(MoneyRefused) as err:
        compare.compare(mixed, "Ramadan", 1, 2)
    assert (str(err.value), err.value.text("de")) == (MIXED_EN, MIXED_DE)


def test_facts_without_a_currency_are_in_the_account_currency(db: Database, store: Store) -> None:
    campaign = store.create_campaign("Ramadan", aliases=(Alias("Ramadan Promo"),))
    make_cycle(store, campaign, 1, start=C1[0], end=C1[1])
    make_cycle(store, campaign, 2, start=C2[0], end=C2[1])
    plain = IDR_FILE.read_bytes().replace(b"Amount spent (IDR)", b"Amount spent")
    service.run(store, later(plain), "no_currency.csv")
    # Nothing named a currency: the workspace's default, as before.
    assert compare.compare(store, "Ramadan", 1, 2).currency == "EUR"
    store.set_account_currency(campaign.id, "IDR")
    assert compare.compare(store, "Ramadan", 1, 2).currency == "IDR"
    service.run(store, USD_FILE.read_bytes().replace(b"Promo US", b"Promo"), USD_FILE.name)
    with pytest.raises(MoneyRefused, match=r"several currencies \(IDR, USD\)"):
        compare.compare(store, "Ramadan", 1, 2)


def _goal(store: Store, metric: str) -> goals.Progress:
    campaign = store.campaign_by_name("Ramadan")
    target = 0.5 if metric == "ctr" else 5_000_000.0
    goal = store.add_goal(Goal(
        new_id(), f"Ramadan {metric}", metric, Comparator.AT_MOST, target, None, C1[0],
        C1[1], ScopeKind.CAMPAIGN, str(campaign.id),
    ))  # fmt: skip
    return goals.goal_progress(store, goal, date(2026, 12, 1))


def test_a_goal_on_rupiah_shows_rupiah(ramadan: Store) -> None:
    p = _goal(ramadan, "spend")
    assert (p.currency, p.refused, p.actual) == ("IDR", None, pytest.approx(4_952_832))
    assert progress_row(p)["currency"] == "IDR"
    assert overview.explain(p, "en").startswith("The period ended on")


@pytest.mark.parametrize(("metric", "refused"), [("spend", True), ("cpc", True), ("ctr", False)])
def test_a_goal_on_mixed_money_is_refused_and_others_are_not(
    mixed: Store, metric: str, refused: bool
) -> None:
    p = _goal(mixed, metric)
    assert (p.refused is not None) is refused
    if refused:
        assert (p.actual, p.status) == (None, goals.Status.NO_DATA)
        assert overview.explain(p, "de") == MIXED_DE
        assert progress_row(p)["refused"] == MIXED_EN
        assert goals.contributions(mixed, p) == ()
    else:
        assert p.actual is not None


def test_the_overview_never_adds_up_spend_of_two_currencies(mixed: Store) -> None:
    rows = {r["cycle"]: r for r in overview.spend_rows(mixed)}
    assert (rows[1]["currency"], rows[1]["spend"]) == (None, None)
    assert (rows[2]["currency"], rows[2]["spend"]) == ("IDR", pytest.approx(4_952_832))
    assert overview.rows_currency(list(rows.values())) == "IDR"


@pytest.mark.parametrize(("lang", "said"), [("en", MIXED_EN), ("de", MIXED_DE)])
def test_the_report_says_why_it_does_not_compare_mixed_money(
    mixed: Store, lang: str, said: str
) -> None:
    html = unescape(build_report(mixed, "Ramadan", lang=lang, today=date(2026, 12, 1)))
    # Once for the comparison, once for cycle 1's own sums (the mixed cycle).
    assert html.count(said) == 2


def test_the_report_shows_rupiah(ramadan: Store) -> None:
    html = unescape(build_report(ramadan, "Ramadan", lang="de", today=date(2026, 12, 1)))
    assert "4.952.832,00\xa0IDR" in html and "€" not in html


def test_an_undone_replacement_gives_back_the_currency(db: Database, ramadan: Store) -> None:
    # The same days again in another currency replace the rupiah facts; undo brings them back.
    again = IDR_FILE.read_bytes().replace(b"(IDR)", b"(USD)").replace(b'"2,127,582"', b"150")
    summary = service.run(ramadan, again, "meta_en_usd.csv")
    assert summary.replaced_rows == 3
    query = "SELECT currency, sum(spend) FROM metric_fact WHERE date < '2026-11-10' GROUP BY ALL"
    assert sql.rows(db, query) == [("USD", pytest.approx(150 + 1_980_000 + 845_250))]
    assert summary.import_id is not None
    ramadan.undo_import(summary.import_id)
    assert sql.rows(db, query) == [("IDR", pytest.approx(4_952_832))]


def test_a_backup_carries_currencies_and_rates(db: Database, mixed: Store, tmp_path: Path) -> None:
    from experiments.backup import make_backup, restore_backup
    from experiments.db import Database as Db

    campaign = mixed.campaign_by_name("Ramadan")
    mixed.set_account_currency(campaign.id, "IDR")
    mixed.set_fx_rate("USD", date(2026, 11, 1), "IDR", 15_800.0)
    make_backup(mixed, tmp_path / "backup")
    target = Db.open(str(tmp_path / "restored.duckdb"))
    try:
        restore_backup(Store(target), tmp_path / "backup")
        for query in ("SELECT source_campaign, date, currency FROM metric_fact ORDER BY ALL",
                      "SELECT name, currency FROM campaign",
                      "SELECT currency, month, into_currency, rate FROM fx_rate"):  # fmt: skip
            assert sql.rows(target, query) == sql.rows(db, query)
        assert sql.rows(target, "SELECT rate FROM fx_rate") == [(15_800.0,)]
    finally:
        target.close()


# (arguments, exit code, what is printed: stdout for 0, else the error line)
CLI = [
    (["currency", "Ramadan"], 0, "Ramadan\tIDR\n"),
    (["currency", "Ramadan", "usd"], 0, "Ramadan\tUSD\n"),
    (["currency", "Ramadan", "Rupiah"], 2, "error: 'Rupiah' is not an ISO 4217 currency code — "
     "write the three letters of the currency, for example EUR, USD or IDR\n"),
    (["fx", "set", "IDR", "2026-11", "0.000058"], 0, "1 IDR = 5.8e-05 EUR in 2026-11\n"),
    (["fx", "set", "USD", "2026-11", "15800", "--into", "IDR"], 0,
     "1 USD = 15800 IDR in 2026-11\n"),
    (["fx", "set", "IDR", "11/2026", "0.000058"], 2, "error: '11/2026' is not a month — write "
     "it as YYYY-MM, for example 2026-11\n"),
    (["fx", "set", "IDR", "2026-11", "0"], 2, "error: 0 is not a conversion rate — write how "
     "much one unit of the currency is worth in the target currency, a number above 0\n"),
    (["fx", "set", "EUR", "2026-11", "1", "--into", "eur"], 2, "error: a rate from EUR into EUR "
     "is always 1 — name two different currencies\n"),
    (["fx", "set", "XBT", "2026-11", "1"], 2, "error: 'XBT' is not an ISO 4217 currency code — "
     "write the three letters of the currency, for example EUR, USD or IDR\n"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "code", "printed"), CLI, ids=[" ".join(c[0]) for c in CLI])
def test_currency_and_rates_on_the_command_line(
    db_path: Path, argv: list[str], code: int, printed: str
) -> None:
    assert cli("campaign", "add", "Ramadan", "--alias", "Ramadan Promo")[0] == 0
    assert cli("import", str(IDR_FILE))[0] == 0
    got, out, err = cli(*argv)
    assert (got, out if code == 0 else err) == (code, printed)
    if code:  # a refusal writes nothing
        assert cli("fx", "list", "--json")[1] == "[]\n"


def test_rates_are_listed_and_replaced_not_repeated(db_path: Path) -> None:
    for rate in ("0.000057", "0.000058"):
        assert cli("fx", "set", "IDR", "2026-11", rate)[0] == 0
    code, out, _ = cli("fx", "list", "--json")
    assert code == 0
    assert json.loads(out) == [
        {"currency": "IDR", "month": "2026-11", "into": "EUR", "rate": 0.000058, "set_by": "local"}
    ]


# ---------------------------------------------------------------- converted with the admin's rates

CONVERTED = {"en": "converted from USD into IDR at the rates of Nov 2026",
             "de": "umgerechnet von USD in IDR zu den Kursen von Nov. 2026"}  # fmt: skip
# Cycle 1: the rupiah of 2–3 Nov and the dollars of the same days at 15,800 rupiah each.
CONVERTED_SPEND_1 = 4_952_832 + (1200.50 + 1099.25) * 15_800


@pytest.fixture
def rated(mixed: Store) -> Store:
    mixed.set_fx_rate("USD", date(2026, 11, 1), "IDR", 15_800.0)
    return mixed


def test_a_rate_into_another_currency_converts_nothing(mixed: Store) -> None:
    # The account currency is IDR (the first import's); a rate into EUR does not convert into it.
    mixed.set_fx_rate("USD", date(2026, 11, 1), "EUR", 0.92)
    mixed.set_fx_rate("USD", date(2026, 10, 1), "IDR", 15_700.0)  # another month
    with pytest.raises(MoneyRefused, match=r"several currencies \(IDR, USD\)"):
        compare.compare(mixed, "Ramadan", 1, 2)


def test_a_comparison_with_rates_is_converted_and_says_so(rated: Store) -> None:
    result = compare.compare(rated, "Ramadan", 1, 2)
    assert (result.currency, result.conversion) == (
        "IDR",
        money.Conversion("IDR", ("USD",), (date(2026, 11, 1),)),
    )
    spend = result.row("spend")
    assert spend is not None and spend.total_a == pytest.approx(CONVERTED_SPEND_1)
    assert spend.total_b == pytest.approx(4_952_832)
    doc = compare.document(result)
    assert (doc["currency"], doc["converted"]) == ("IDR", {"from": ["USD"], "months": ["2026-11"]})
    assert [money.conversion_text(result.conversion, lang) for lang in ("en", "de")] == [
        CONVERTED["en"], CONVERTED["de"]]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "de"])
def test_a_goal_with_rates_is_converted_and_says_so(rated: Store, lang: str) -> None:
    p = _goal(rated, "spend")
    assert (p.refused, p.currency, p.actual) == (None, "IDR", pytest.approx(CONVERTED_SPEND_1))
    assert overview.explain(p, lang).endswith(CONVERTED[lang])
    assert progress_row(p)["converted"] == CONVERTED["en"]
    contributions = goals.contributions(rated, p)
    assert [c.value for c in contributions] == [pytest.approx(CONVERTED_SPEND_1)]


def test_the_report_names_the_conversion(rated: Store) -> None:
    html = unescape(build_report(rated, "Ramadan", lang="de", today=date(2026, 12, 1)))
    assert CONVERTED["de"] in html
    assert "4.952.832,00\xa0IDR" in html  # cycle 2: rupiah only, nothing converted


def test_the_command_line_compares_refuses_then_converts(db_path: Path) -> None:
    steps = [
        ["campaign", "add", "Ramadan", "--alias", "Ramadan Promo", "--alias", "Ramadan Promo US"],
        ["cycle", "start", "Ramadan", "--start", "2026-11-01", "--end", "2026-11-07"],
        *[["cycle", "advance", "Ramadan"]] * 3,
        ["cycle", "next", "Ramadan", "--start", "2026-11-08", "--end", "2026-11-14"],
        ["import", str(IDR_FILE)], ["import", str(USD_FILE)],
    ]  # fmt: skip
    for argv in steps:
        assert cli(*argv)[0] == 0, argv
    code, out, err = cli("compare", "Ramadan", "--cycles", "1", "2")
    assert (code, out, err) == (2, "", f"error: {MIXED_EN}\n")
    assert cli("fx", "set", "USD", "2026-11", "15800", "--into", "IDR")[0] == 0
    code, out, _ = cli("compare", "Ramadan", "--cycles", "1", "2")
    assert code == 0
    lines = out.splitlines()
    assert lines[1] == f"money in IDR, {CONVERTED['en']}"
    assert "Spend per day\tIDR20,644,441.00\t" in out  # (4,952,832 + 2,299.75 × 15,800) / 2
    code, out, _ = cli("compare", "Ramadan", "--cycles", "1", "2", "--json")
    assert (json.loads(out)["currency"], json.loads(out)["converted"]["from"]) == ("IDR", ["USD"])


# ---------------------------------------------------------------- the campaign page


# (what is typed, the message shown, the currency stored)
PAGE = [
    ("usd", ("success", "Ramadan: money is now shown in USD."), "USD"),
    ("", ("success", "Ramadan: money is now shown in IDR."), None),
    ("Rupiah", ("error", "'Rupiah' is not an ISO 4217 currency code — write the three letters "
                "of the currency, for example EUR, USD or IDR"), None),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "message", "stored"), PAGE, ids=["set", "cleared", "refused"])
def test_the_campaign_page_sets_the_account_currency(
    db_path: Path, typed: str, message: tuple[str, str], stored: str | None
) -> None:
    from tests.apptest import app, shown

    db = Database.open(db_path)
    try:
        s = Store(db)
        campaign = s.create_campaign("Ramadan", aliases=(Alias("Ramadan Promo"),))
        service.run(s, IDR_FILE.read_bytes(), IDR_FILE.name)
    finally:
        db.close()
    at = app("views/campaigns.py")
    assert [c.value for c in at.caption if "account currency" in c.value] == [
        "Money of this campaign is shown in its account currency: IDR."]  # fmt: skip
    at.text_input(key="campaign_currency").input(typed)
    at.button(key="FormSubmitter:currency_form-Save currency").click().run()
    kind, text = message
    assert [shown(m.value) for m in getattr(at, kind)] == [text]
    db = Database.open(db_path)
    try:
        assert sql.one(db, "SELECT currency FROM campaign")[0] == stored  # type: ignore[index]
        assert Store(db).campaign_by_name("Ramadan").id == campaign.id
    finally:
        db.close()
