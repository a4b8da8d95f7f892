"""Every place that shows a cycle's money shows it in its real currency: the cycle page (planned
and actual spend, the budget fields), the campaign page's budget, variant comparisons (domain,
command line, compare page), the compare page's budgets, the overview's spend per cycle and the
report's cycle sections. A cycle whose facts are in two currencies is refused with the
MoneyRefused message, or converted at the admin's rates and says so; nothing shows euros.

Each case is one campaign with two cycles (1: 2–3 Nov, 2: 12–13 Nov, the same ad sets and
amounts in each) and a budget of 5,000,000 for each, its Meta account spending rupiah (IDR),
dollars (USD), or rupiah with a second account spending dollars (mixed), with a rate of 15,800
rupiah a dollar for November (rated).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from html import unescape
from pathlib import Path

import pytest
import streamlit as st
from babel.numbers import format_currency
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from experiments import compare, compare_learnings, compare_view, cycle_view, overview
from experiments.db import Database
from experiments.errors import MoneyRefused
from experiments.exports import export_bytes
from experiments.i18n import locale
from experiments.importers import service
from experiments.models import Alias, Campaign, Phase
from experiments.reports import build_report
from experiments.store import Store
from tests.apptest import DASHBOARD, app, assert_clean, shown
from tests.cli_runner import run_cli as cli
from tests.conftest import FIXTURES
from tests.factories import make_cycle
from tests.test_currency import CONVERTED, MIXED_DE, MIXED_EN

IDR_FILE = FIXTURES / "meta_en_idr.csv"
C1, C2 = (date(2026, 11, 1), date(2026, 11, 7)), (date(2026, 11, 8), date(2026, 11, 14))
RATE, BUDGET = 15_800.0, 5_000_000.0
JAKARTA, SURABAYA = "Jakarta 18-34", "Surabaya 25-44"
RUPIAH = {JAKARTA: 2_127_582 + 1_980_000, SURABAYA: 845_250}
# The dollar account of the mixed cases: the same ad sets, spending dollars.
DOLLARS = {JAKARTA: 150 + 140, SURABAYA: 60}
CASES = ["IDR", "USD", "mixed", "rated"]
ACCOUNT = {"IDR": "IDR", "USD": "USD", "mixed": "IDR", "rated": "IDR"}
NOTES = {
    "mixed": {"en": MIXED_EN, "de": MIXED_DE},
    "rated": CONVERTED,
}
LANGS = ["en", "de"]


def spend_of_a_cycle(case: str) -> float | None:
    """Return a cycle's spend as the case shows it (None: refused)."""
    if case == "mixed":
        return None
    rupiah = sum(RUPIAH.values())
    return rupiah + sum(DOLLARS.values()) * RATE if case == "rated" else rupiah


def amount(value: float, case: str, lang: str) -> str:
    """Return how an amount of the case's currency reads, as babel writes it."""
    return format_currency(value, ACCOUNT[case], locale=locale(lang))


def later(data: bytes) -> bytes:
    """The export ten days later (12–13 Nov instead of 2–3 Nov)."""
    return data.replace(b"2026-11-0", b"2026-11-1")


def dollar_account() -> bytes:
    """The rupiah export as a second Meta account that spends dollars on the same ad sets."""
    data = IDR_FILE.read_bytes().replace(b"(IDR)", b"(USD)")
    data = data.replace(b"Ramadan Promo,", b"Ramadan Promo US,")
    for rupiah, dollars in ((b'"2,127,582"', b"150"), (b'"1,980,000"', b"140"),
                            (b'"845,250"', b"60")):  # fmt: skip
        data = data.replace(rupiah, dollars)
    return data


def build(store: Store, case: str) -> None:
    campaign = store.create_campaign(
        "Ramadan", aliases=(Alias("Ramadan Promo"), Alias("Ramadan Promo US")), budget=BUDGET
    )
    make_cycle(store, campaign, 1, Phase.CLOSED, start=C1[0], end=C1[1], budget=BUDGET)
    make_cycle(store, campaign, 2, Phase.CAMPAIGN, start=C2[0], end=C2[1], budget=BUDGET)
    data = IDR_FILE.read_bytes()
    if case == "USD":
        data = data.replace(b"(IDR)", b"(USD)")
    service.run(store, data, "first.csv")
    service.run(store, later(data), "later.csv")
    if case in ("mixed", "rated"):
        service.run(store, dollar_account(), "dollars.csv")
        service.run(store, later(dollar_account()), "dollars_later.csv")
    if case == "rated":
        store.set_fx_rate("USD", date(2026, 11, 1), "IDR", RATE)


@pytest.fixture(params=CASES)
def case(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def built(store: Store, case: str) -> Store:
    build(store, case)
    return store


@pytest.fixture
def built_file(db_path: Path, case: str) -> Path:
    db = Database.open(db_path)
    try:
        build(Store(db), case)
    finally:
        db.close()
    return db_path


def euro_account(store: Store, kind: str) -> Campaign:
    """Build the case, then set the account to euros, as if changed after the exports came."""
    build(store, kind)
    campaign = store.campaign_by_name("Ramadan")
    store.set_account_currency(campaign.id, "EUR")
    return campaign


def no_euro(*texts: str) -> None:
    assert not [t for t in texts if "€" in t or "EUR" in t]


# ---------------------------------------------------------------- the cycle page


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("number", [1, 2])
def test_a_cycles_workspace_has_its_money_in_its_currency(
    built: Store, case: str, lang: str, number: int
) -> None:
    campaign = built.campaign_by_name("Ramadan")
    ws = cycle_view.workspace(built, campaign.id, number, date(2026, 12, 1))
    assert ws is not None
    cash, spend = ws.money, spend_of_a_cycle(case)
    assert (cash.account, cash.currency) == (ACCOUNT[case], ACCOUNT[case])
    assert ws.spent == (None if spend is None else pytest.approx(spend))
    assert ws.budget_used == (None if spend is None else pytest.approx(spend / BUDGET))
    assert cash.note(lang) == NOTES.get(case, {}).get(lang)
    assert isinstance(cash.refused, MoneyRefused) is (case == "mixed")


@pytest.mark.parametrize("kind", ["IDR", "USD"])
def test_a_budget_in_another_currency_than_the_spend_has_no_share_used(
    store: Store, kind: str
) -> None:
    # The budget is in euros, the spend in the exports' currency; a share of one in the other
    # would be nonsense.
    campaign = euro_account(store, kind)
    ws = cycle_view.workspace(store, campaign.id, 2, date(2026, 12, 1))
    assert ws is not None and ws.spent == pytest.approx(sum(RUPIAH.values()))
    assert (ws.money.account, ws.money.currency, ws.budget_used) == ("EUR", kind, None)


def app_in(page: str, lang: str, **state: object) -> AppTest:
    """Return one run of a page in a language, as a link with ?lang= opens it, with widget
    state set before it (a German page cannot be driven further: AppTest formats the choices
    of its select boxes outside the session, in English)."""
    st.cache_resource.clear()  # each test's database is a new file: drop the cached connection
    at = AppTest.from_file(str(DASHBOARD), default_timeout=30)
    at.query_params["lang"] = lang
    for key, value in state.items():
        at.session_state[key] = value
    at.switch_page(page)
    return at.run()


@pytest.mark.parametrize("lang", LANGS)
def test_the_cycle_page_shows_planned_and_actual_spend_in_their_currency(
    built_file: Path, case: str, lang: str
) -> None:
    at = app_in("views/cycle.py", lang)  # the open cycle 2, on its campaign phase
    assert not at.exception, [e.value for e in at.exception]
    planned, actual = (at.metric[0], at.metric[1])
    assert (planned.label, actual.label) == {
        "en": ("Planned spend", "Actual spend"), "de": ("Geplante Ausgaben", "Tatsächliche Ausgaben")
    }[lang]  # fmt: skip
    assert planned.value == amount(BUDGET, case, lang)
    spend = spend_of_a_cycle(case)
    assert actual.value == ("–" if spend is None else amount(spend, case, lang))
    warnings = [shown(w.value) for w in at.warning]
    captions = [c.value for c in at.caption]
    assert (NOTES.get(case, {}).get(lang) in warnings) is (case == "mixed")
    assert (NOTES.get(case, {}).get(lang) in captions) is (case == "rated")
    no_euro(planned.value, actual.value, *warnings, *captions)


def test_the_cycle_pages_budget_fields_name_the_account_currency(
    built_file: Path, case: str
) -> None:
    at = app_in("views/cycle.py", "en")
    at.button_group(key="cycle_tab").set_value("start").run()
    assert not at.exception
    assert at.number_input(key="plan_budget").label == f"Budget ({ACCOUNT[case]})"


# ---------------------------------------------------------------- the campaign page

NEW_LABEL = {"en": "Budget (account currency)", "de": "Budget (Kontowährung)"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_campaign_page_names_the_budget_currency(
    built_file: Path, case: str, lang: str
) -> None:
    at = app_in("views/campaigns.py", lang)
    assert_clean(at)
    label = f"Budget ({ACCOUNT[case]})"
    assert at.number_input(key="brief_budget").label == label
    assert {m.label: m.value for m in at.metric}[label] == amount(BUDGET, case, lang)
    # A new campaign has no account currency yet: its budget names none, and says why.
    at = app_in("views/campaigns.py", lang, campaign_pick="new")
    assert_clean(at)
    field = at.number_input(key="brief_budget")
    assert (field.label, field.value) == (NEW_LABEL[lang], None)  # the empty brief
    assert field.help and "EUR" in field.help  # the default, should no import name one


# ---------------------------------------------------------------- variants and the compare page


def test_a_variant_comparison_shows_money_in_its_currency(built: Store, case: str) -> None:
    campaign = built.campaign_by_name("Ramadan")
    if case == "mixed":
        with pytest.raises(MoneyRefused) as err:
            compare_view.variant_choice(built, campaign, 1)
        assert (str(err.value), err.value.text("de")) == (MIXED_EN, MIXED_DE)
        return
    choice = compare_view.variant_choice(built, campaign, 1)
    result = compare_view.variants(choice, JAKARTA, SURABAYA).comparison
    assert result is not None and result.currency == ACCOUNT[case]
    assert (result.conversion is not None) is (case == "rated")
    spend = result.row("spend")
    rate = RATE if case == "rated" else 0
    assert spend is not None
    assert (spend.total_a, spend.total_b) == (
        pytest.approx(RUPIAH[JAKARTA] + DOLLARS[JAKARTA] * rate),
        pytest.approx(RUPIAH[SURABAYA] + DOLLARS[SURABAYA] * rate),
    )


def test_the_command_line_compares_variants_in_their_currency(built_file: Path, case: str) -> None:
    code, out, err = cli("compare", "Ramadan", "--cycle", "1", "--variants", JAKARTA, SURABAYA)
    if case == "mixed":
        assert (code, out, err) == (2, "", f"error: {MIXED_EN}\n")
        return
    assert code == 0
    per_day = RUPIAH[SURABAYA] + DOLLARS[SURABAYA] * (RATE if case == "rated" else 0)
    assert f"\t{amount(per_day, case, 'en')}\t" in out  # Surabaya's one day
    assert (f"money in IDR, {CONVERTED['en']}" in out) is (case == "rated")
    no_euro(out)
    code, out, _ = cli("compare", "Ramadan", "--cycle", "1", "--variants", JAKARTA, SURABAYA,
                       "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["currency"] == ACCOUNT[case]


@pytest.mark.parametrize("lang", LANGS)
def test_the_compare_page_shows_budgets_spend_and_variants_in_their_currency(
    built_file: Path, case: str, lang: str
) -> None:
    db = Database.open(built_file)
    try:
        campaign_id = Store(db).campaign_by_name("Ramadan").id
    finally:
        db.close()
    # The day-by-day chart showing spend per day.
    at = app_in("views/compare.py", lang, **{f"compare_series_metric_{campaign_id}": "spend"})
    assert not at.exception
    if case == "mixed":  # refused with the message, nothing added up
        assert [shown(e.value) for e in at.error] == [NOTES[case][lang]]
        assert not at.dataframe
        return
    assert_clean(at)
    captions = [c.value for c in at.caption]
    budget = amount(BUDGET, case, lang)
    spent = {"en": "spent in the window", "de": "ausgegeben im Zeitraum"}[lang]
    spend = amount(spend_of_a_cycle(case) or 0, case, lang)
    assert captions.count(f"Budget {budget} · {spent} {spend}") == 2  # cycles 1 and 2
    # Under the table of cycles and under the variants' table.
    assert captions.count(NOTES.get(case, {}).get(lang)) == (2 if case == "rated" else 0)
    # The variants of cycle 2 (the compared one): their money rows in the account currency.
    variants = at.dataframe[1].value
    money_rows = variants[variants.iloc[:, 0].str.match(r"^(Spend|Ausgaben|CPC|CPA|Cost|Kosten)")]
    assert len(money_rows) >= 2
    for cells in money_rows.iloc[:, 1:3].itertuples(index=False):
        assert all(ACCOUNT[case] in c or "$" in c for c in cells), cells
    no_euro(*captions, *variants.astype(str).to_numpy().ravel())
    # The day-by-day spend: its axis names the currency, each point reads in it.
    chart = next(c for c in at.get("plotly_chart") if c.proto.id.endswith("compare_series"))
    spec = json.loads(chart.proto.spec)
    assert spec["layout"]["yaxis"]["title"]["text"].endswith(f"({ACCOUNT[case]})")
    rate = RATE if case == "rated" else 0
    days = [2_127_582 + 150 * rate, 1_980_000 + 845_250 + (140 + 60) * rate]
    points = [text for trace in spec["data"] for text in trace["hovertext"]]
    assert points == [amount(v, case, lang) for v in days] * 2  # cycles 1 and 2


@pytest.mark.parametrize("kind", ["IDR", "USD"])
def test_the_compare_pages_budgets_are_in_the_account_currency_not_the_facts(
    store: Store, kind: str
) -> None:
    # Each cycle's budget beside its spend reads in euros, the spend in the exports' currency.
    campaign = euro_account(store, kind)
    data = compare.load(store, campaign, [1, 2])
    contexts = compare_learnings.context(store, data)
    assert data.currency == kind
    assert [(c.budget_currency, c.spend) for c in contexts] == [
        ("EUR", pytest.approx(sum(RUPIAH.values())))] * 2  # fmt: skip


# ---------------------------------------------------------------- the overview and the report


@pytest.mark.parametrize("lang", LANGS)
def test_the_overviews_spend_per_cycle_is_in_its_currency(
    built: Store, case: str, lang: str
) -> None:
    rows = {r["cycle"]: r for r in overview.spend_rows(built)}
    assert [r["budget_currency"] for r in rows.values()] == [ACCOUNT[case]] * 2
    expected = spend_of_a_cycle(case)
    assert rows[1]["spend"] == (None if expected is None else pytest.approx(expected))
    assert rows[1]["currency"] == (None if case == "mixed" else ACCOUNT[case])
    assert rows[2]["spend"] == rows[1]["spend"]
    cycle = {"en": "Cycle", "de": "Zyklus"}[lang]
    notes = [f"Ramadan · {cycle} {n}: {NOTES[case][lang]}" for n in (1, 2)] if case in NOTES else []
    assert overview.spend_notes(list(rows.values()), lang) == notes


def test_the_overview_page_shows_budget_and_spend_per_cycle_in_their_currency(
    built_file: Path, case: str
) -> None:
    at = app("views/overview.py")
    assert_clean(at)
    table = next(f.value for f in at.dataframe if "Budget" in f.value.columns)
    first = table[table["Cycle"] == "Cycle 1"].iloc[0]
    assert first["Budget"] == amount(BUDGET, case, "en")
    spend = spend_of_a_cycle(case)
    assert first["Spend"] == ("–" if spend is None else amount(spend, case, "en"))
    captions = [shown(c.value) for c in at.caption]
    if case in NOTES:
        assert f"Ramadan · Cycle 1: {NOTES[case]['en']}" in captions
    no_euro(*table.astype(str).to_numpy().ravel())


@pytest.mark.parametrize("lang", LANGS)
def test_the_reports_cycle_sections_show_money_in_its_currency(
    built: Store, case: str, lang: str
) -> None:
    html = unescape(build_report(built, "Ramadan", lang=lang, today=date(2026, 12, 1)))
    spend = spend_of_a_cycle(case)
    if spend is not None:
        assert amount(spend, case, lang) in html
    # Each cycle's own sums and the comparison: refused or converted, each says so.
    if case in NOTES:
        assert html.count(NOTES[case][lang]) == 3
    assert "€" not in html


# ---------------------------------------------------------------- the exports


@pytest.mark.parametrize("table", ["campaigns", "cycles"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_exports_name_the_currency_of_the_budgets(
    built: Store, case: str, table: str, fmt: str
) -> None:
    # The budgets are in the account currency; a campaign without facts or a set currency is
    # in the default, and one set by hand wins over the first import's.
    built.create_campaign("Plain", budget=100.0)
    by_hand = built.create_campaign("Set by hand", budget=5.0)
    built.set_account_currency(by_hand.id, "CHF")
    make_cycle(built, by_hand, 1, Phase.START, start=C2[0], end=C2[1], budget=5.0)
    if fmt == "csv":
        rows = [
            dict(r)
            for r in csv.DictReader(
                io.StringIO(export_bytes(built, table, "csv").decode("utf-8-sig"), newline="")
            )
        ]
    else:
        sheet = load_workbook(io.BytesIO(export_bytes(built, table, "xlsx"))).active
        head, *body = [[c.value for c in r] for r in sheet.iter_rows()]
        rows = [dict(zip(head, r, strict=True)) for r in body]
    name = "Name" if table == "campaigns" else "Campaign"
    got = {(r[name], r["Budget"], r["Currency"]) for r in rows}
    per_campaign = {"Ramadan": ACCOUNT[case], "Plain": "EUR", "Set by hand": "CHF"}
    if table == "cycles":
        want = {("Ramadan", BUDGET, ACCOUNT[case]), ("Set by hand", 5.0, "CHF")}
    else:
        want = {(n, b, per_campaign[n]) for n, b in
                (("Ramadan", BUDGET), ("Plain", 100.0), ("Set by hand", 5.0))}  # fmt: skip
    as_read = {(n, float(b), c) for n, b, c in got}
    assert as_read == want


def test_the_german_exports_head_the_currency_column_in_german(built: Store) -> None:
    text = export_bytes(built, "cycles", "csv", lang="de").decode("utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[header.index("Budget") + 1] == "Währung"
