"""AppTest of the compare page: empty database, the demo workspace, and the learning flows."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from experiments import compare, compare_variants, display, loop, test_plans
from experiments import compare_view as cv
from experiments.db import Database
from experiments.models import Cycle, Decision, Learning, Outcome, Phase, Role
from experiments.safe_text import escape_markdown
from experiments.store import Store
from tests.apptest import app, assert_clean, shown
from tests.factories import make_cycle, make_learning, session_of
from tests.test_compare import WINDOWS, build, record, reply_facts
from views.common import SESSION

PAGE = "views/compare.py"


@contextmanager
def opened(path: Path) -> Iterator[Store]:
    db = Database.open(path)
    try:
        yield Store(db)
    finally:
        db.close()


@pytest.fixture
def ws_db(db_path: Path) -> Path:
    with opened(db_path) as store:
        build(store)
    return db_path


def campaign_id(path: Path, name: str) -> str:
    with opened(path) as store:
        return str(store.campaign_by_name(name).id)


def plotly_charts(at: AppTest) -> list[object]:
    return list(at.get("plotly_chart"))


def test_empty_database_says_what_to_do(db_path: Path) -> None:
    at = app(PAGE)
    assert_clean(at)
    assert [i.value for i in at.info] == [
        "No campaigns yet. Create a campaign and run two cycles, or load the demo workspace on "
        "the overview."
    ]


@pytest.mark.parametrize("name", ["Spring Sale", "Employer Branding", "Community Care"])
def test_demo_workspace_shows_table_forest_and_series(demo_db: Path, name: str) -> None:
    at = app(PAGE)
    at.selectbox(key="compare_campaign").set_value(name).run()
    assert_clean(at)
    assert at.title[0].value == "Compare cycles"
    assert at.info[0].value.startswith("Design: observational. This is a before/after comparison")
    table = at.dataframe[0].value
    assert list(table.columns[:1]) == ["Metric"]
    assert {"Change", "95% interval", "q-value", "Reading"} <= set(table.columns)
    assert len(table) >= 3 and all(table["Reading"].str.len() > 10)
    assert len(plotly_charts(at)) >= 2  # the forest chart and the day-by-day series
    assert at.subheader[0].value.startswith("Cycle ")


def test_demo_workspace_in_german(demo_db: Path) -> None:
    at = app()
    at.sidebar.selectbox(key="lang").set_value("de").run()
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert at.title[0].value == "Zyklen vergleichen"
    assert {"Veränderung", "95-%-Intervall", "q-Wert", "Einordnung"} <= set(
        at.dataframe[0].value.columns
    )


def test_the_table_matches_the_comparison(ws_db: Path) -> None:
    at = app(PAGE)
    assert_clean(at)
    table = at.dataframe[0].value.set_index("Metric")
    with opened(ws_db) as store:
        result = compare.compare(store, "Spring Sale", 1, 2)
    ctr = result.row("ctr")
    assert ctr is not None and ctr.q_value is not None
    assert table.loc["CTR", "Cycle 1"] == f"{100 * ctr.a:.2f}%"  # type: ignore[operator]
    assert table.loc["CTR", "Reading"].startswith("CTR up ")
    assert table.loc["CTR", "Reading"].endswith("unlikely to be chance")
    assert len(table) == len(result.rows)


def test_a_campaign_with_one_cycle_cannot_be_compared(db_path: Path) -> None:
    with opened(db_path) as store:
        campaign = store.create_campaign("Solo")
        make_cycle(store, campaign, 1, Phase.CAMPAIGN)
    at = app(PAGE)
    assert_clean(at)
    assert [i.value for i in at.info] == [
        "This campaign needs at least two cycles with a start date before they can be compared."
    ]


def test_the_same_cycle_twice_is_refused(ws_db: Path) -> None:
    at = app(PAGE)
    key = campaign_id(ws_db, "Spring Sale")
    at.selectbox(key=f"compare_a_{key}").set_value(2).run()
    assert_clean(at)
    assert [w.value for w in at.warning] == ["Pick two different cycles to compare."]
    assert not at.dataframe


def test_accepting_a_suggested_learning(ws_db: Path) -> None:
    at = app(PAGE)
    accept = [b for b in at.button if b.key and b.key.startswith("suggest_accept_")]
    texts = [t for t in at.text_input if t.key and t.key.startswith("suggest_text_")]
    assert accept and len(accept) == len(texts)
    ctr = next(t for t in texts if t.value.startswith("CTR rose "))
    ctr.input("Short headlines lift CTR")
    at.button(key=ctr.key.replace("suggest_text_", "suggest_accept_")).click().run()
    assert_clean(at)
    assert [s.value for s in at.success] == [
        "Learning saved in the later cycle; it waits for a decision."
    ]
    with opened(ws_db) as store:
        (learning,) = store.learnings(cycle_id=store.cycle_by_number(
            store.campaign_by_name("Spring Sale").id, 2).id)  # fmt: skip
    assert learning.statement == "Short headlines lift CTR"
    assert learning.decision is Decision.PENDING
    assert json.loads(learning.evidence_snapshot or "")["metrics"][0]["metric"] == "ctr"
    remaining = [t for t in at.text_input if t.key and t.key.startswith("suggest_text_")]
    assert len(remaining) == len(texts) - 1


def test_dismissing_a_suggested_learning(ws_db: Path) -> None:
    at = app(PAGE)
    dismiss = [b for b in at.button if b.key and b.key.startswith("suggest_dismiss_")]
    dismiss[0].click().run()
    assert_clean(at)
    assert [s.value for s in at.success] == ["Suggestion dismissed."]
    with opened(ws_db) as store:
        assert store.learnings() == []
        assert [e.action for e in store.audit_log("learning_suggestion")] == ["dismiss"]
    after = [b for b in at.button if b.key and b.key.startswith("suggest_dismiss_")]
    assert len(after) == len(dismiss) - 1


def test_a_viewer_cannot_accept(ws_db: Path) -> None:
    db = Database.open(ws_db)
    try:
        signed = session_of(db, "vera", Role.VIEWER)
    finally:
        db.close()
    at = app(PAGE)
    at.session_state[SESSION] = signed
    at.run()
    [b for b in at.button if b.key and b.key.startswith("suggest_accept_")][0].click().run()
    message = "vera (viewer) may not change loop data; ask an admin for one of the roles: "
    assert [e.value for e in at.error] == [escape_markdown(message + "admin, marketer")]
    with opened(ws_db) as store:
        assert store.learnings() == []


def carried_ctr_learning(path: Path) -> tuple[Learning, Cycle]:
    """Carry a learning that claimed a CTR lift from Spring Sale's cycle 1 into cycle 2."""
    with opened(path) as store:
        campaign = store.campaign_by_name("Spring Sale")
        first, second = store.cycles(campaign.id)
        snapshot = json.dumps({"metrics": [{"metric": "ctr", "abs_change": 0.003}]})
        learning = make_learning(store, first, "Short headlines lift CTR",
                                 decision=Decision.CARRY_FORWARD, carried_into_id=second.id,
                                 evidence_snapshot=snapshot)  # fmt: skip
    return learning, second


def test_confirming_the_suggested_outcome_of_a_carried_learning(ws_db: Path) -> None:
    learning, second = carried_ctr_learning(ws_db)
    at = app(PAGE)
    assert_clean(at)
    outcome = at.selectbox(key=f"outcome_{learning.id}")
    assert outcome.value is Outcome.CONFIRMED
    assert (
        "Against cycle 1, the baseline this learning was measured on, CTR is still clearly where "
        "the learning said: the effect holds."
    ) in [c.value for c in at.caption]
    at.button(key=f"outcome_confirm_{learning.id}").click().run()
    assert_clean(at)
    assert [s.value for s in at.success] == ["Outcome saved."]
    with opened(ws_db) as store:
        assert store.learning(learning.id).outcome is Outcome.CONFIRMED


def test_an_outcome_someone_changed_meanwhile_is_refused_not_overwritten(ws_db: Path) -> None:
    learning, second = carried_ctr_learning(ws_db)
    at = app(PAGE)
    assert_clean(at)
    with opened(ws_db) as store:  # someone else judges it while the page shows it unjudged
        loop.set_outcome(store, learning.id, second.id, Outcome.CONTRADICTED)
    at.button(key=f"outcome_confirm_{learning.id}").click().run()
    assert [shown(e.value) for e in at.error] == [
        "The learning 'Short headlines lift CTR' was changed meanwhile by someone else. Nothing "
        "was saved; reload the page to see the change and enter yours again."
    ]
    with opened(ws_db) as store:
        assert store.learning(learning.id).outcome is Outcome.CONTRADICTED


@pytest.mark.parametrize(("declared", "design", "method"), [
    (True, "Design: randomized.", "Declared randomized split, so tested paired by day:"),
    (False, "Design: observational. These variants were not declared a randomized split",
     "Segments, not a declared randomized split, so tested as observational"),
])  # fmt: skip
def test_variants_of_a_cycle_are_randomized_only_where_declared(
    ws_db: Path, declared: bool, design: str, method: str
) -> None:
    with opened(ws_db) as store:
        cycle = store.cycle_by_number(store.campaign_by_name("Spring Sale").id, 2)
        test_plans.declare_split(store, cycle.id, declared)
    at = app(PAGE)
    assert_clean(at)
    captions = [c.value for c in at.caption]
    assert sum(c.startswith(design) for c in captions) == 1
    assert not any(c.startswith("Design: randomized.") for c in captions) or declared
    assert sum(c.startswith(method) for c in captions) == 1
    with opened(ws_db) as store:
        most_shown_first = list(compare_variants.load_variants(store, "Spring Sale", 2))
    assert list(at.dataframe[1].value.columns[1:3]) == most_shown_first


def test_more_cycles_side_by_side(ws_db: Path) -> None:
    with opened(ws_db) as store:
        campaign = store.campaign_by_name("Spring Sale")
        make_cycle(store, campaign, 3, Phase.START, date(2026, 4, 1), date(2026, 4, 4))
        make_cycle(store, campaign, 4, Phase.START, start=None, end=None)  # no window: left out
    at = app(PAGE)
    key = campaign_id(ws_db, "Spring Sale")
    assert at.selectbox(key=f"compare_b_{key}").value == 3  # the latest two by default
    at.selectbox(key=f"compare_a_{key}").set_value(1)
    at.selectbox(key=f"compare_b_{key}").set_value(2).run()
    also = at.multiselect(key=f"compare_also_{key}")
    assert also.options == ["Cycle 3"]
    also.select(3).run()
    assert_clean(at)
    columns = list(at.dataframe[0].value.columns)
    assert columns[:4] == ["Metric", "Cycle 1", "Cycle 2", "Cycle 3"]
    assert at.subheader[0].value == "Cycle 2 against cycle 1"


def third_cycle(path: Path) -> str:
    """Add a third cycle (four days of facts) to Spring Sale; return the campaign's id."""
    with opened(path) as store:
        campaign = store.campaign_by_name("Spring Sale")
        make_cycle(store, campaign, 3, Phase.START, date(2026, 4, 1), date(2026, 4, 4))
        return str(campaign.id)


def series_colours(at: AppTest) -> dict[str, str]:
    """The line colour of each trace of the day-by-day chart, by trace name."""
    chart = next(c for c in plotly_charts(at) if c.proto.id.endswith("compare_series"))  # type: ignore[attr-defined]
    spec = json.loads(chart.proto.spec)  # type: ignore[attr-defined]
    return {trace["name"]: trace["line"]["color"] for trace in spec["data"]}


def test_an_added_cycle_takes_its_place_by_number(ws_db: Path) -> None:
    key = third_cycle(ws_db)
    at = app(PAGE)
    assert at.selectbox(key=f"compare_a_{key}").value == 2  # the latest two by default
    at.multiselect(key=f"compare_also_{key}").select(1).run()
    assert_clean(at)
    columns = list(at.dataframe[0].value.columns)
    assert columns[:6] == ["Metric", "Cycle 1", "Cycle 2", "Cycle 3", "Change 1 vs 2",
                           "Change 3 vs 2"]  # fmt: skip
    assert at.subheader[0].value == "Cycle 3 against cycle 2"
    assert (
        "Each change column compares a cycle with the baseline cycle. The 95% interval, "
        "q-value and reading are for cycle 3 against cycle 2." in [c.value for c in at.caption]
    )


def change(row: compare.MetricRow | None) -> str:
    """The change a row's table cell shows: CTR in percentage points."""
    assert row is not None
    return display.format_change("ctr", row.a, row.b, "en")


def test_every_further_cycle_gets_its_change_against_the_baseline_or_its_predecessor(
    ws_db: Path,
) -> None:
    key = third_cycle(ws_db)
    at = app(PAGE)
    at.selectbox(key=f"compare_a_{key}").set_value(1)
    at.selectbox(key=f"compare_b_{key}").set_value(2).run()
    at.multiselect(key=f"compare_also_{key}").select(3).run()
    assert_clean(at)
    table = at.dataframe[0].value.set_index("Metric")
    with opened(ws_db) as store:
        third = {a: compare.compare(store, "Spring Sale", a, 3).row("ctr") for a in (1, 2)}
    assert at.radio(key=f"compare_reference_{key}").value == "baseline"
    assert table.loc["CTR", "Change 3 vs 1"] == change(third[1])
    assert "Change 3 vs 2" not in table.columns

    at.radio(key=f"compare_reference_{key}").set_value("previous").run()
    assert_clean(at)
    table = at.dataframe[0].value.set_index("Metric")
    assert list(table.columns[3:5]) == ["Change 2 vs 1", "Change 3 vs 2"]
    assert table.loc["CTR", "Change 3 vs 2"] == change(third[2])
    assert any("with the cycle before each" in c.value for c in at.caption)


def test_two_cycles_keep_one_plain_change_column(ws_db: Path) -> None:
    at = app(PAGE)
    assert_clean(at)
    columns = list(at.dataframe[0].value.columns)
    assert columns[3] == "Change" and not any(c.startswith("Change ") for c in columns)
    assert not at.radio


def test_each_cycle_of_the_series_has_its_own_colour(ws_db: Path) -> None:
    key = third_cycle(ws_db)
    at = app(PAGE)
    at.multiselect(key=f"compare_also_{key}").select(1).run()
    assert_clean(at)
    colours = series_colours(at)
    assert [name.split(" (")[0] for name in colours] == ["Cycle 1", "Cycle 2", "Cycle 3"]
    assert list(colours.values()) == list(cv.PALETTE[:3])


def test_period_rows_left_out_are_named_in_a_caption(ws_db: Path) -> None:
    # One period fact across the two cycles' border, one inside cycle 1: neither is a day.
    first, last = WINDOWS[0]
    frame = pd.DataFrame([
        {"platform": "meta", "source_campaign": "spring_sale_meta", "variant": "",
         "date": last - timedelta(days=2), "date_to": WINDOWS[1][0] + timedelta(days=2),
         "spend": 300.0, "impressions": 9000.0},
        {"platform": "meta", "source_campaign": "spring_sale_meta", "variant": "",
         "date": first, "date_to": first + timedelta(days=6), "spend": 200.0,
         "impressions": 7000.0},
    ])  # fmt: skip
    with opened(ws_db) as store:
        store.insert_facts(record("periods.csv", frame), frame)
    at = app(PAGE)
    assert_clean(at)
    assert (
        "Left out of this comparison: 2 period rows (totals over several days) that cross an "
        "edge of a compared cycle — a total is never split between days, so they are not "
        "counted — and 1 period rows inside a cycle, which have no days for the day-level tests."
    ) in [c.value.split(" To compare")[0] for c in at.caption]


def test_reply_times_show_the_shift_check_as_a_secondary_line(db_path: Path) -> None:
    with opened(db_path) as store:
        build(store, reply_facts(per_reply=True))
    at = app(PAGE)
    assert_clean(at)
    lines = [c.value for c in at.caption if c.value.startswith("Secondary check, not a verdict")]
    assert len(lines) == 1 and "Mann–Whitney U" in lines[0]
    # The table's rows are the verdicts: the check is not one of them.
    with opened(db_path) as store:
        rows = compare.compare(store, "Spring Sale", 1, 2).rows
    assert len(at.dataframe[0].value) == len(rows)
