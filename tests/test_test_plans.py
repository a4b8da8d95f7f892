"""What a cycle declared it tests: pre-registration rules, the primary metric judged on its own,
the rest corrected among themselves, and variants randomized only where declared."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from experiments import compare, test_plans
from experiments.compare import MetricRow, RowRole
from experiments.db import Database
from experiments.errors import ChangedMeanwhile, Conflict, InvalidInput
from experiments.models import Phase, TestPlan, new_id
from experiments.stats import Method, Note, benjamini_hochberg
from experiments.store import Store
from experiments.sufficiency import Kind
from tests.cli_runner import run_cli
from tests.factories import make_campaign, make_cycle
from tests.sql import row_counts


@pytest.fixture
def in_start(store: Store) -> tuple[Store, TestPlan]:
    c = make_campaign(store, "Spring Sale")
    cycle = make_cycle(store, c, 1, Phase.START)
    return store, store.test_plan(cycle.id)


def test_a_cycle_in_start_declares_what_it_tests(in_start: tuple[Store, TestPlan]) -> None:
    store, empty = in_start
    assert empty == TestPlan(empty.cycle_id)
    plan = test_plans.declare(store, empty.cycle_id, " CTR ", min_effect=0.1,
                              guardrails=("cpc", "cpc", "cpm"))  # fmt: skip
    assert plan == TestPlan(empty.cycle_id, "ctr", "up", 0.1, ("cpc", "cpm"), False)
    assert store.test_plan(empty.cycle_id) == plan
    entry = store.audit_log("cycle")[0]
    assert entry.action == "test_plan" and json.loads(entry.after or "{}")["primary"] == "ctr"
    # Cost per click is better when it goes down: that is the default direction.
    assert test_plans.declare(store, empty.cycle_id, "cpc").direction == "down"


@pytest.mark.parametrize(
    ("primary", "fields", "message"),
    [("ctrr", {}, "'ctrr' is not a metric a comparison tests, so it cannot be the primary "
      "metric; choose one of: "),
     ("spend", {}, "say whether spend should go up or down for the cycle to succeed (direction "
      "up or down)"),
     ("ctr", {"direction": "sideways"}, "say whether ctr should go up or down"),
     ("ctr", {"min_effect": 0.0}, "the smallest change worth acting on is a share above 0 and "
      "at most 10 (0.1 = 10 %); got 0"),
     ("ctr", {"min_effect": -0.1}, "the smallest change worth acting on is a share above 0"),
     ("ctr", {"min_effect": 11.0}, "the smallest change worth acting on is a share above 0"),
     ("ctr", {"min_effect": math.nan}, "the smallest change worth acting on is a share above 0"),
     ("ctr", {"guardrails": ("ctr",)}, "ctr is the primary metric; a guardrail is another "
      "metric"),
     ("ctr", {"guardrails": ("nope",)}, "'nope' is not a metric a comparison tests, so it cannot "
      "be the guardrail")],
)  # fmt: skip
def test_a_bad_plan_is_refused_and_nothing_written(
    in_start: tuple[Store, TestPlan], db: Database, primary: str, fields: dict[str, object],
    message: str,
) -> None:  # fmt: skip
    store, empty = in_start
    before = row_counts(db)
    with pytest.raises(InvalidInput) as refused:
        test_plans.declare(store, empty.cycle_id, primary, **fields)  # type: ignore[arg-type]
    assert str(refused.value).startswith(message)
    assert row_counts(db) == before and store.test_plan(empty.cycle_id) == empty


@pytest.mark.parametrize("phase", [Phase.CAMPAIGN, Phase.FEEDBACK, Phase.CLOSED])
def test_what_a_cycle_tests_is_fixed_once_its_campaign_runs(store: Store, phase: Phase) -> None:
    cycle = make_cycle(store, make_campaign(store, "Spring Sale"), 1, phase)
    with pytest.raises(Conflict) as refused:
        test_plans.declare(store, cycle.id, "ctr")
    assert str(refused.value) == (
        f"cycle 1 of 'Spring Sale' is in {phase}: what a cycle tests is declared in start, "
        "before its campaign runs; declare it for the next cycle"
    )


def test_a_plan_changed_meanwhile_is_not_overwritten(in_start: tuple[Store, TestPlan]) -> None:
    store, empty = in_start
    test_plans.declare(store, empty.cycle_id, "ctr")
    with pytest.raises(ChangedMeanwhile):
        test_plans.declare(store, empty.cycle_id, "cvr", seen=empty)
    assert store.test_plan(empty.cycle_id).primary == "ctr"


def _row(metric: str, p: float) -> MetricRow:
    return MetricRow(metric, Kind.RATE, 1.0, 1.1, 0.1, 0.1, 0.01, 0.2, p, None,
                     Method.QUASI_BINOMIAL_WEEKDAY, False, Note.NONE)  # fmt: skip


def test_the_primary_metric_is_judged_on_its_own_and_the_rest_among_themselves() -> None:
    rows = [_row("cpc", 0.04), _row("ctr", 0.03), _row("cvr", 0.001), _row("cpm", 0.2),
            _row("roas", 0.5), _row("cpa", 0.6)]  # fmt: skip
    everything = compare.apply_plan(rows, None)
    assert everything == tuple(rows)  # without a plan, the BH over every row stands
    plan = TestPlan(new_id(), "ctr", "up", 0.1, ("cpc",))
    judged = compare.apply_plan(rows, plan)
    assert [(r.metric, r.role) for r in judged] == [
        ("ctr", RowRole.PRIMARY), ("cpc", RowRole.GUARDRAIL), ("cvr", RowRole.EXPLORATORY),
        ("cpm", RowRole.EXPLORATORY), ("roas", RowRole.EXPLORATORY), ("cpa", RowRole.EXPLORATORY),
    ]  # fmt: skip
    primary = judged[0]
    # p = 0.03 is clear for the declared metric, although BH over all six would make it 0.08.
    assert primary.significant and primary.q_value == 0.03
    assert benjamini_hochberg([0.04, 0.03, 0.001, 0.2, 0.5, 0.6])[1] == pytest.approx(0.08)
    expected = benjamini_hochberg([0.04, 0.001, 0.2, 0.5, 0.6])
    assert [r.q_value for r in judged[1:]] == pytest.approx(expected)  # type: ignore[arg-type]
    assert [r.significant for r in judged[1:]] == [q < 0.05 for q in expected]  # type: ignore[operator]


def test_the_compare_json_names_each_rows_role(demo_db: Path) -> None:
    code, out, err = run_cli("compare", "Spring Sale", "--cycles", "3", "4", "--json")
    assert (code, err) == (0, "")
    rows = json.loads(out)["metrics"]
    assert [r["role"] for r in rows[:2]] == ["primary", "guardrail"]
    assert [r["metric"] for r in rows[:2]] == ["ctr", "cpc"]
    assert {r["role"] for r in rows[2:]} == {"exploratory"}


@pytest.mark.parametrize(("declared", "design", "test", "header"), [
    (True, "randomized", "quasi_binomial_paired_day",
     "design: randomized (a declared randomized split, tested paired by day so that the days' "
     "shared swings cancel)"),
    (False, "observational", "quasi_binomial_weekday",
     "design: observational (segments that differ, not a randomized split; tested like two "
     "cycles, with weekday effects)"),
])  # fmt: skip
def test_variants_are_randomized_only_where_declared(
    demo_db: Path, declared: bool, design: str, test: str, header: str
) -> None:
    flag = "--randomized" if declared else "--not-randomized"
    assert run_cli("cycle", "split", "Spring Sale", "--cycle", "4", flag)[0] == 0
    argv = ("compare", "Spring Sale", "--cycle", "4", "--variants", "Creative A", "Creative B")
    code, out, _ = run_cli(*argv, "--json")
    doc = json.loads(out)
    assert code == 0 and doc["design"] == design
    assert next(r for r in doc["metrics"] if r["metric"] == "ctr")["test"] == test
    code, out, _ = run_cli(*argv)
    assert code == 0 and out.splitlines()[0].endswith(header)


def test_a_segment_split_of_the_demo_is_never_called_randomized(demo_db: Path) -> None:
    # The inbox's profiles and the recruiting ads are segments nobody declared a split.
    for campaign, cycle in (("Community Care", 4), ("Employer Branding", 3)):
        db = Database.open(demo_db)
        store = Store(db)
        c = store.campaign_by_name(campaign)
        assert not store.test_plan(store.cycle_by_number(c.id, cycle).id).randomized
        db.close()


@pytest.mark.parametrize(
    ("argv", "code", "message"),
    [(("cycle", "plan", "Spring Sale", "--primary", "ctr"), 4,
      "error: cycle 4 of 'Spring Sale' is in campaign: what a cycle tests is declared in start, "
      "before its campaign runs; declare it for the next cycle\n"),
     (("compare", "Spring Sale", "--cycle", "4"), 2,
      "error: --cycle N compares two variants inside it; add --variants A B\n"),
     (("compare", "Spring Sale", "--cycles", "3", "4", "--variants", "A", "B"), 2,
      "error: --variants compares inside one cycle; name it with --cycle N\n"),
     (("cycle", "split", "Spring Sale", "--cycle", "1", "--randomized"), 4,
      "error: cycle 1 of 'Spring Sale' is closed; its design is final\n")],
)  # fmt: skip
def test_plan_commands_refuse_bad_input(
    demo_db: Path, argv: tuple[str, ...], code: int, message: str
) -> None:
    db = Database.open(demo_db)
    before = row_counts(db)
    db.close()
    assert run_cli(*argv) == (code, "", message)
    db = Database.open(demo_db)
    assert row_counts(db) == before
    db.close()


def test_cycle_plan_on_the_command_line(db_path: Path) -> None:
    assert run_cli("campaign", "add", "Spring Sale")[0] == 0
    assert run_cli("cycle", "start", "Spring Sale")[0] == 0
    assert run_cli("cycle", "plan", "Spring Sale", "--primary", "ctr", "--mde", "0.1",
                   "--guardrail", "cpc") == (
        0, "cycle 1 tests ctr (up, at least 10%); guardrails: cpc\n", "",
    )  # fmt: skip
    assert run_cli("cycle", "split", "Spring Sale", "--randomized") == (
        0, "the variants of cycle 1 are a randomized split\n", "",
    )  # fmt: skip


def test_the_cycle_workspace_declares_what_a_cycle_tests(db_path: Path) -> None:
    from tests.apptest import app, assert_clean

    assert run_cli("campaign", "add", "Spring Sale")[0] == 0
    assert run_cli("cycle", "start", "Spring Sale")[0] == 0
    at = app("views/cycle.py")
    assert_clean(at)
    k = next(w.key for w in at.selectbox if str(w.key).startswith("plan_primary_"))[-8:]
    at.selectbox(key=f"plan_primary_{k}").set_value("ctr")
    at.number_input(key=f"plan_mde_{k}").set_value(10.0)
    at.multiselect(key=f"plan_rails_{k}").set_value(["cpc"])
    at.button(key=f"FormSubmitter:test_plan_{k}-Declare").click().run()
    assert_clean(at)
    at.toggle(key=f"plan_split_{k}").set_value(True).run()
    assert_clean(at)
    db = Database.open(db_path)
    store = Store(db)
    (cycle,) = store.cycles()
    assert store.test_plan(cycle.id) == TestPlan(cycle.id, "ctr", "up", 0.1, ("cpc",), True)
    db.close()
