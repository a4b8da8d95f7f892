"""Comparing cycles on facts built through the store: membership by alias and window, the figures
against scipy/statsmodels on the same sums, the CLI, suggested learnings and outcomes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.proportion import proportions_ztest

from experiments import compare, compare_learnings, compare_variants, stats
from experiments.db import Database
from experiments.errors import InvalidInput, NotFound
from experiments.import_models import ImportRecord
from experiments.models import Alias, Campaign, Cycle, Decision, Learning, Outcome, Phase, new_id
from experiments.stats import Method, Note
from experiments.store import Store
from tests import glm_reference
from tests.cli_runner import run_cli as cli
from tests.factories import make_cycle, make_learning

WINDOWS = ((date(2026, 3, 1), date(2026, 3, 14)), (date(2026, 3, 15), date(2026, 3, 31)))
FIRST, LAST = date(2026, 2, 24), date(2026, 4, 4)
# (platform, name in the export, belongs to the campaign)
SOURCES = (
    ("meta", "SPRING_SALE_META", True),  # alias 'spring_sale_meta' for meta, another spelling
    ("google_ads", "Spring Sale Search", True),  # alias without a platform: every platform
    ("tiktok", "spring_sale_meta", False),  # the meta alias does not cover tiktok
    ("meta", "Autumn Teaser", False),  # a source campaign linked to no campaign here
)


@dataclass
class Workspace:
    campaign: Campaign
    cycles: tuple[Cycle, Cycle]
    facts: pd.DataFrame  # every fact stored
    member: pd.DataFrame  # the facts that belong to the campaign, with their cycle number


def record(name: str, frame: pd.DataFrame, platform: str = "mixed") -> ImportRecord:
    return ImportRecord(
        new_id(), name, hashlib.sha256(name.encode()).hexdigest(), platform, "local",
        datetime(2026, 4, 5), len(frame), len(frame), 0, 0, 0, FIRST, LAST, "imported",
    )  # fmt: skip


def ad_facts(seed: int = 1, swing: float = 0.0) -> pd.DataFrame:
    """Daily facts per source and variant; the second window's CTR is about a fifth higher.

    Clicks are the expected share of impressions (no coin-toss noise), unless ``swing`` makes
    each day's rates move together by that much (log scale), as auctions and weekdays do.
    """
    rng = np.random.default_rng(seed)
    rows = []
    day = FIRST
    while day <= LAST:
        lift = 1.2 if day >= WINDOWS[1][0] else 1.0
        today = float(np.exp(rng.normal(0, swing))) if swing else 1.0
        for platform, name, _ in SOURCES:
            for variant in ("Creative A", "Creative B") if platform == "meta" else ("",):
                shown = int(rng.poisson(4_000))
                ctr = 0.02 * lift * today * (1.15 if variant == "Creative B" else 1.0)
                clicks = round(shown * ctr)
                rows.append((platform, name, variant, day, round(shown * 0.004, 2), shown,
                             int(shown * 0.7), clicks, round(clicks * 0.05)))  # fmt: skip
        day += timedelta(days=1)
    columns = ["platform", "source_campaign", "variant", "date", "spend", "impressions", "reach",
               "clicks", "conversions"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def build(store: Store, facts: pd.DataFrame | None = None,
          second: Phase = Phase.CAMPAIGN) -> Workspace:  # fmt: skip
    campaign = store.create_campaign(
        "Spring Sale", aliases=(Alias("spring_sale_meta", "meta"), Alias("spring sale search"))
    )
    c1 = make_cycle(store, campaign, 1, Phase.CLOSED, *WINDOWS[0], hypothesis="Long copy",
                    budget=1500.0)  # fmt: skip
    c2 = make_cycle(store, campaign, 2, second, *WINDOWS[1], hypothesis="Short copy",
                    planned_changes="Shorter headlines", budget=1800.0, previous_id=c1.id)  # fmt: skip
    frame = ad_facts() if facts is None else facts
    store.insert_facts(record("facts.csv", frame), frame)
    linked = {(p, n) for p, n, belongs in SOURCES if belongs}
    member = frame[
        [(p, n) in linked for p, n in zip(frame.platform, frame.source_campaign, strict=True)]
    ]
    number = np.select([member.date.between(*WINDOWS[0]), member.date.between(*WINDOWS[1])],
                       [1, 2], 0)  # fmt: skip
    member = member.assign(number=number)[number > 0]
    return Workspace(campaign, (c1, c2), frame, member)


@pytest.fixture
def ws(store: Store) -> Workspace:
    return build(store)


def daily(ws: Workspace, number: int) -> pd.DataFrame:
    """The expected daily sums of a cycle, computed here from the facts themselves."""
    part = ws.member[ws.member.number == number]
    return part.groupby("date")[["spend", "impressions", "reach", "clicks", "conversions"]].sum()


# -- which facts belong to a cycle -------------------------------------------------------------


def test_aliases_and_windows_decide_which_facts_belong(store: Store, ws: Workspace) -> None:
    got = store.cycle_daily(ws.campaign.id, [1, 2])
    for number, (start, end) in zip((1, 2), WINDOWS, strict=True):
        part = got[got.number == number].set_index("date")
        want = daily(ws, number)
        assert len(part) == (end - start).days + 1
        assert part.index.min().date() == start and part.index.max().date() == end
        assert list(part.day) == list(range(1, len(part) + 1))
        for column in ("spend", "clicks", "impressions"):
            assert part[column].to_numpy() == pytest.approx(want[column].to_numpy())
    # The unlinked, mis-platformed and out-of-window facts are really there, just not counted.
    assert got.clicks.sum() < ws.facts.clicks.sum() / 2


def test_editing_a_window_or_an_alias_needs_no_reimport(store: Store, ws: Workspace) -> None:
    store.update_cycle(replace(ws.cycles[1], end=date(2026, 3, 20)))
    assert len(store.cycle_daily(ws.campaign.id, [2])) == 6
    before = store.cycle_daily(ws.campaign.id, [1]).clicks.sum()
    store.add_alias(ws.campaign.id, Alias("Autumn Teaser", "meta"))
    after = store.cycle_daily(ws.campaign.id, [1])
    teaser = ws.facts[(ws.facts.source_campaign == "Autumn Teaser")
                      & ws.facts.date.between(*WINDOWS[0])].clicks.sum()  # fmt: skip
    assert after.clicks.sum() == before + teaser


def test_a_campaign_without_facts_compares_to_nothing(store: Store) -> None:
    campaign = store.create_campaign("Quiet", aliases=(Alias("quiet"),))
    make_cycle(store, campaign, 1, Phase.CLOSED, *WINDOWS[0])
    make_cycle(store, campaign, 2, Phase.CAMPAIGN, *WINDOWS[1])
    assert compare.compare(store, "Quiet", 1, 2).rows == ()


# -- the figures -------------------------------------------------------------------------------


def test_cycle_rates_are_a_quasi_binomial_day_model_with_weekdays(
    store: Store, ws: Workspace
) -> None:
    result = compare.compare(store, "spring sale", 1, 2)
    a, b = daily(ws, 1), daily(ws, 2)
    row = result.row("ctr")
    assert row is not None and row.test is Method.QUASI_BINOMIAL_WEEKDAY and row.adjusted
    assert (row.a, row.b) == pytest.approx((a.clicks.sum() / a.impressions.sum(),
                                            b.clicks.sum() / b.impressions.sum()))  # fmt: skip
    assert row.raw_rel_change == pytest.approx(row.b / row.a - 1)
    ref = glm_reference.fit(a, b, "clicks", trials="impressions")
    # Clicks here are the expected share of impressions: less spread than coin tosses, so the
    # scale stays the binomial's own 1 and the test is the normal one.
    assert ref.scale == 1.0
    assert row.p_value == pytest.approx(ref.pvalues[1], rel=1e-6, abs=1e-300)
    both = glm_reference.frame(a, b)
    low, high = ref.conf_int()[1]
    assert row.rel_change == pytest.approx(
        glm_reference.share_change(ref, both, "impressions", ref.params[1]), rel=1e-6
    )
    assert (row.ci_low, row.ci_high) == pytest.approx(
        (glm_reference.share_change(ref, both, "impressions", low),
         glm_reference.share_change(ref, both, "impressions", high)), rel=1e-6)  # fmt: skip
    assert row.significant and row.ci_low < row.rel_change < row.ci_high


def test_rates_whose_days_swing_get_the_spread_of_their_days(store: Store) -> None:
    ws = build(store, ad_facts(swing=0.25))
    row = compare.compare(store, "Spring Sale", 1, 2).row("ctr")
    assert row is not None and row.test is Method.QUASI_BINOMIAL_WEEKDAY
    a, b = daily(ws, 1), daily(ws, 2)
    ref = glm_reference.fit(a, b, "clicks", trials="impressions")
    assert ref.scale > 1 and ref.use_t
    assert row.p_value == pytest.approx(ref.pvalues[1], rel=1e-6)
    _, z_test_p = proportions_ztest([b.clicks.sum(), a.clicks.sum()],
                                    [b.impressions.sum(), a.impressions.sum()])  # fmt: skip
    assert row.p_value > 1000 * z_test_p  # the coin-toss test would claim far more certainty


@pytest.mark.parametrize(("metric", "money"), [("clicks", False), ("spend", True),
                                               ("impressions", False)])  # fmt: skip
def test_amounts_are_a_quasi_poisson_day_model_with_weekdays(
    store: Store, ws: Workspace, metric: str, money: bool
) -> None:
    row = compare.compare(store, "Spring Sale", 1, 2).row(metric)
    a, b = daily(ws, 1), daily(ws, 2)
    assert row is not None and row.test is Method.QUASI_POISSON_WEEKDAY and row.adjusted
    assert (row.a, row.b) == pytest.approx((a[metric].mean(), b[metric].mean()))
    assert (row.total_a, row.total_b) == pytest.approx((a[metric].sum(), b[metric].sum()))
    assert (row.n_a, row.n_b) == (14, 17)  # cycles of unequal length, compared per day
    ref = glm_reference.fit(a, b, metric, money=money)
    assert row.p_value == pytest.approx(ref.pvalues[1], rel=1e-6)
    assert row.rel_change == pytest.approx(np.exp(ref.params[1]) - 1, rel=1e-9)
    assert (row.ci_low, row.ci_high) == pytest.approx(tuple(np.exp(ref.conf_int()[1]) - 1))


def test_ratios_are_their_numerator_with_the_denominator_as_offset(
    store: Store, ws: Workspace
) -> None:
    row = compare.compare(store, "Spring Sale", 1, 2).row("cpc")
    a, b = daily(ws, 1), daily(ws, 2)
    assert row is not None and row.test is Method.QUASI_POISSON_WEEKDAY
    ref = glm_reference.fit(a, b, "spend", offset="clicks", money=True)
    assert row.p_value == pytest.approx(ref.pvalues[1], rel=1e-6)
    assert row.rel_change == pytest.approx(np.exp(ref.params[1]) - 1, rel=1e-9)
    assert (row.ci_low, row.ci_high) == pytest.approx(tuple(np.exp(ref.conf_int()[1]) - 1))


@pytest.mark.parametrize("metric", ["spend", "cpc", "cpm"])
def test_a_money_verdict_does_not_depend_on_the_unit(store: Store, metric: str) -> None:
    facts = ad_facts(swing=0.1)
    build(store, facts)
    in_euros = compare.compare(store, "Spring Sale", 1, 2).row(metric)
    cents = Database.open(":memory:")
    build(Store(cents), facts.assign(spend=facts.spend * 100))
    in_cents = compare.compare(Store(cents), "Spring Sale", 1, 2).row(metric)
    cents.close()
    assert in_euros is not None and in_cents is not None and in_euros.p_value is not None
    assert in_cents.p_value == pytest.approx(in_euros.p_value, rel=1e-6)
    assert in_cents.ci_low == pytest.approx(in_euros.ci_low, rel=1e-6)


def test_reach_is_a_daily_mean_never_a_total(store: Store, ws: Workspace) -> None:
    row = compare.compare(store, "Spring Sale", 1, 2).row("reach")
    assert row is not None and row.kind is compare.Kind.REACH
    assert row.a == pytest.approx(daily(ws, 1).reach.mean())
    assert row.total_a is None and row.total_b is None


def test_q_values_are_benjamini_hochberg_over_the_tested_metrics(
    store: Store, ws: Workspace
) -> None:
    from statsmodels.stats.multitest import multipletests

    rows = compare.compare(store, "Spring Sale", 1, 2).rows
    tested = [r for r in rows if r.p_value is not None]
    _, q, _, _ = multipletests([r.p_value for r in tested], method="fdr_bh")
    assert [r.q_value for r in tested] == pytest.approx(list(q))
    assert all(r.significant == (r.q_value is not None and r.q_value < 0.05) for r in rows)


def test_a_zero_denominator_gives_no_value(store: Store) -> None:
    facts = ad_facts()
    facts.loc[facts.date <= WINDOWS[0][1], ["impressions", "clicks"]] = 0.0
    build(store, facts)
    row = compare.compare(store, "Spring Sale", 1, 2).row("ctr")
    assert row is not None and row.a is None and row.note is Note.MISSING
    assert row.p_value is None and row.rel_change is None


def test_a_metric_missing_in_one_cycle(store: Store) -> None:
    facts = ad_facts()
    facts.loc[facts.date <= WINDOWS[0][1], "conversions"] = np.nan  # missing, not 0
    build(store, facts)
    result = compare.compare(store, "Spring Sale", 1, 2)
    row = result.row("conversions")
    assert row is not None and row.a is None and row.b is not None and row.note is Note.MISSING
    cvr = result.row("cvr")
    assert cvr is not None and cvr.note is Note.MISSING


def test_side_by_side_shows_the_compared_values(store: Store, ws: Workspace) -> None:
    data = compare.load(store, "Spring Sale", [2, 1])
    result = compare.compare_loaded(data, 1, 2)
    values = compare.side_by_side(data)
    for row in result.rows:
        assert values[row.metric][1] == pytest.approx(row.a)
        assert values[row.metric][2] == pytest.approx(row.b)


BAD = [
    (("Spring Sale", [1, 1]), InvalidInput,
     "pick two different cycles to compare, e.g. --cycles 1 2"),
    (("Spring Sale", [1, 7]), NotFound, "campaign 'Spring Sale' has no cycle 7 (its cycles: 1, 2)"),
    (("Winter", [1, 2]), NotFound, "no campaign named 'Winter' (known campaigns: Spring Sale)"),
    (("Spring Sale", [1, 2, 3, 4, 5, 6]), InvalidInput,
     "compare at most 5 cycles side by side (got 6)"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "error", "message"), BAD)
def test_bad_input_names_the_problem(
    store: Store, ws: Workspace, args: tuple[str, list[int]], error: type, message: str
) -> None:
    with pytest.raises(error) as caught:
        compare.load(store, *args)
    assert str(caught.value) == message


def test_a_cycle_without_a_start_cannot_be_compared(store: Store, ws: Workspace) -> None:
    make_cycle(store, ws.campaign, 3, Phase.START, start=None, end=None)
    with pytest.raises(InvalidInput) as caught:
        compare.compare(store, "Spring Sale", 2, 3)
    assert str(caught.value) == "cycle 3 of 'Spring Sale' has no start date; set its window first"


# -- the command line --------------------------------------------------------------------------


@pytest.fixture
def ws_file(db_path: Path) -> Workspace:
    db = Database.open(db_path)
    built = build(Store(db))
    db.close()
    return built


def test_cli_json_has_the_design_shape_and_scipys_figures(ws_file: Workspace) -> None:
    code, out, err = cli("compare", "Spring Sale", "--cycles", "1", "2", "--json")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert (doc["campaign"], doc["cycles"], doc["design"]) == ("Spring Sale", [1, 2],
                                                               "observational")  # fmt: skip
    keys = {"metric", "a", "b", "abs_change", "rel_change", "ci_low", "ci_high", "p_value",
            "q_value", "test", "significant", "note"}  # fmt: skip
    assert all(keys <= set(m) for m in doc["metrics"])
    by_metric = {m["metric"]: m for m in doc["metrics"]}
    a, b = daily(ws_file, 1), daily(ws_file, 2)
    ctr = glm_reference.fit(a, b, "clicks", trials="impressions")
    assert by_metric["ctr"]["p_value"] == pytest.approx(ctr.pvalues[1], rel=1e-6, abs=1e-300)
    assert by_metric["ctr"]["test"] == "quasi_binomial_weekday"
    spend = glm_reference.fit(a, b, "spend", money=True)
    assert by_metric["spend"]["p_value"] == pytest.approx(spend.pvalues[1], rel=1e-6)
    assert by_metric["spend"]["test"] == "quasi_poisson_weekday"
    for doc_row in doc["metrics"]:
        raw = None if not doc_row["a"] else doc_row["b"] / doc_row["a"] - 1
        assert doc_row["raw_rel_change"] == pytest.approx(raw)
        assert doc_row["adjusted"] is (doc_row["test"] != "bootstrap_median")
    assert by_metric["ctr"]["ci_low"] <= by_metric["ctr"]["rel_change"] <= by_metric["ctr"][
        "ci_high"]  # fmt: skip


def test_cli_text_says_observational_and_gives_verdicts(ws_file: Workspace) -> None:
    code, out, err = cli("compare", "Spring Sale", "--cycles", "1", "2")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == ("Spring Sale: cycle 2 against cycle 1 — design: observational "
                        "(a before/after comparison, not proof of cause; drift and seasonality "
                        "are not excluded (name a control with --control))")  # fmt: skip
    ctr = next(line for line in lines if line.startswith("CTR\t"))
    assert ctr.endswith("unlikely to be chance") and "CTR up " in ctr


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [
        (["Spring Sale", "--cycles", "2", "2"], 2,
         "error: pick two different cycles to compare, e.g. --cycles 1 2\n"),
        (["Spring Sale", "--cycles", "1", "9"], 3,
         "error: campaign 'Spring Sale' has no cycle 9 (its cycles: 1, 2)\n"),
        (["Nope", "--cycles", "1", "2"], 3,
         "error: no campaign named 'Nope' (known campaigns: Spring Sale)\n"),
    ],
)  # fmt: skip
def test_cli_errors_are_one_line(
    ws_file: Workspace, argv: list[str], code: int, message: str
) -> None:
    assert cli("compare", *argv, "--json") == (code, "", message)


# -- variants, reply times ---------------------------------------------------------------------


@pytest.mark.parametrize(("va", "vb", "message"), [
    ("Creative A", "Creative A", "pick two different variants to compare"),
    ("Creative A", "Creative Z", "cycle 2 has no variant 'Creative Z'"),
])  # fmt: skip
def test_bad_variant_choices(store: Store, ws: Workspace, va: str, vb: str, message: str) -> None:
    groups = compare_variants.load_variants(store, ws.campaign, 2)
    with pytest.raises((InvalidInput, NotFound)) as caught:
        compare_variants.compare_variants(ws.campaign, ws.cycles[1], groups, va, vb)
    assert str(caught.value) == message


def reply_facts(per_reply: bool) -> pd.DataFrame:
    """Social-inbox facts: one row per reply (a conversation id as variant), or daily averages."""
    rng = np.random.default_rng(5)
    rows = []
    for number, (start, end) in enumerate(WINDOWS, start=1):
        for offset in range((end - start).days + 1):
            day = start + timedelta(days=offset)
            times = rng.exponential(1800 if number == 1 else 900, 6)
            if per_reply:
                rows += [("inbox", "spring sale search", f"c{day:%m%d}{i}", day, t, 1.0)
                         for i, t in enumerate(times)]  # fmt: skip
            else:
                rows.append(("inbox", "spring sale search", "", day, times.mean(), 6.0))
    return pd.DataFrame(rows, columns=["platform", "source_campaign", "variant", "date",
                                       "response_time_s", "replies"])  # fmt: skip


def test_reply_times_one_row_per_reply_test_the_median(store: Store) -> None:
    facts = reply_facts(per_reply=True)
    build(store, facts)
    result = compare.compare(store, "Spring Sale", 1, 2)
    median, p90 = result.row("response_time_median_s"), result.row("response_time_p90_s")
    assert median is not None and median.test is Method.BOOTSTRAP_MEDIAN
    xa = facts[facts.date <= WINDOWS[0][1]].response_time_s
    xb = facts[facts.date >= WINDOWS[1][0]].response_time_s
    assert (median.a, median.b) == pytest.approx((xa.median(), xb.median()))
    assert median.p_value == stats.compare_medians(xa, xb).p_value
    assert p90 is not None and p90.note is Note.DESCRIPTIVE and p90.q_value is None
    assert result.row("response_time_s") is None  # no mean of single replies on top


def test_reported_average_reply_times_read_as_the_same_median_goals_and_the_report_show(
    store: Store,
) -> None:
    facts = reply_facts(per_reply=False)
    build(store, facts)
    result = compare.compare(store, "Spring Sale", 1, 2)
    assert result.row("response_time_s") is None  # no second reply time beside the median
    row = result.row("response_time_median_s")
    first = facts[facts.date <= WINDOWS[0][1]]
    # each reported average is one value: 14 of them are too few to test a median
    assert row is not None and row.n_a == len(first) and row.note is Note.NOT_ENOUGH_DATA
    assert row.a == pytest.approx(first.response_time_s.median())
    # the goals' and the report's reading of the same window is the same number
    median = store.response_time_summary(WINDOWS[0][0], WINDOWS[0][1], "Spring Sale").median
    cycles = {c.number: c for c in store.cycle_metrics()}
    assert row.a == pytest.approx(median)
    assert median == pytest.approx(cycles[1].values["response_time_median_s"])


# -- from numbers to learnings -----------------------------------------------------------------


def test_accepting_a_suggestion_creates_a_pending_learning_with_its_evidence(
    store: Store, ws: Workspace
) -> None:
    result = compare.compare(store, "Spring Sale", 1, 2)
    offered = compare_learnings.suggestions(store, result)
    assert offered and all(s.row.significant for s in offered)
    ctr = next(s for s in offered if s.row.metric == "ctr")
    learning = compare_learnings.accept(store, ctr, "Short headlines lift CTR", "CTR up 20%")
    assert learning.cycle_id == ws.cycles[1].id and learning.decision is Decision.PENDING
    snapshot = json.loads(learning.evidence_snapshot or "")
    assert snapshot["metrics"] == [compare.row_document(ctr.row)]
    assert (snapshot["cycles"], snapshot["design"]) == ([1, 2], "observational")
    assert "ctr" in learning.tags
    again = compare_learnings.suggestions(store, compare.compare(store, "Spring Sale", 1, 2))
    assert "ctr" not in {s.row.metric for s in again}
    assert len(again) == len(offered) - 1


def test_dismissing_leaves_nothing_but_an_audit_entry(store: Store, ws: Workspace) -> None:
    result = compare.compare(store, "Spring Sale", 1, 2)
    ctr = next(s for s in compare_learnings.suggestions(store, result) if s.row.metric == "ctr")
    learnings_before = store.learnings()
    compare_learnings.dismiss(store, ctr)
    assert store.learnings() == learnings_before
    entries = store.audit_log("learning_suggestion")
    assert len(entries) == 1 and entries[0].action == "dismiss"
    assert json.loads(entries[0].after or "")["key"] == ctr.key
    again = compare_learnings.suggestions(store, compare.compare(store, "Spring Sale", 1, 2))
    assert "ctr" not in {s.row.metric for s in again}


def test_no_suggestions_into_a_closed_cycle(store: Store) -> None:
    build(store, second=Phase.CLOSED)
    result = compare.compare(store, "Spring Sale", 1, 2)
    assert any(r.significant for r in result.rows)
    assert compare_learnings.closed_for_learnings(store, result)
    assert compare_learnings.suggestions(store, result) == []


def carried(store: Store, ws: Workspace, statement: str, change: float | None) -> Learning:
    snapshot = None
    if change is not None:
        snapshot = json.dumps({"metrics": [{"metric": "ctr", "abs_change": change}]})
    return make_learning(store, ws.cycles[0], statement, decision=Decision.CARRY_FORWARD,
                         carried_into_id=ws.cycles[1].id, evidence_snapshot=snapshot)  # fmt: skip


def test_outcomes_of_carried_learnings_are_suggested_and_confirmed(
    store: Store, ws: Workspace
) -> None:
    up = carried(store, ws, "Short headlines lift CTR", 0.002)
    down = carried(store, ws, "Short headlines cost clicks", -0.002)
    free = carried(store, ws, "People like the garden photos", None)
    result = compare.compare(store, "Spring Sale", 1, 2)
    found = {s.learning.id: s for s in compare_learnings.suggest_outcomes(store, result)}
    assert (found[up.id].outcome, found[up.id].reason) == (
        Outcome.CONFIRMED, compare_learnings.Reason.HOLDS)  # fmt: skip
    assert found[down.id].outcome is Outcome.CONTRADICTED
    assert (found[free.id].outcome, found[free.id].reason) == (
        Outcome.INCONCLUSIVE, compare_learnings.Reason.NO_EVIDENCE)  # fmt: skip
    saved = compare_learnings.confirm_outcome(store, result, down.id, Outcome.INCONCLUSIVE)
    assert saved.outcome is Outcome.INCONCLUSIVE
    assert store.learning(down.id).outcome is Outcome.INCONCLUSIVE


def test_context_shows_what_each_cycle_changed(store: Store, ws: Workspace) -> None:
    learning = carried(store, ws, "Short headlines lift CTR", 0.002)
    data = compare.load(store, "Spring Sale", [1, 2])
    first, second = compare_learnings.context(store, data)
    assert (first.cycle.hypothesis, second.cycle.planned_changes) == ("Long copy",
                                                                      "Shorter headlines")  # fmt: skip
    assert [x.id for x in second.carried_in] == [learning.id] and first.carried_in == ()
    assert second.spend == pytest.approx(daily(ws, 2).spend.sum())
