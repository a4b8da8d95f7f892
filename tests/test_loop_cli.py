"""The loop on the command line: the journey of the issue, JSON shapes, exit codes, warnings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from experiments.db import Database
from experiments.errors import GateRefused
from experiments.store import Store
from tests.cli_runner import run_cli as run

ROOT = Path(__file__).resolve().parents[1]


def test_journey_from_campaign_to_the_second_cycle(db_path: Path) -> None:
    code, _, _ = run("campaign", "add", "Spring Sale", "--alias", "meta:Spring Sale 2026")
    assert code == 0
    code, out, err = run(
        "cycle", "start", "Spring Sale", "--start", "2026-03-01", "--end", "2026-03-28",
        "--hypothesis", "Short copy lifts CTR",
    )  # fmt: skip
    assert (code, out) == (0, "Spring Sale: cycle 1 opened in start\n")
    assert err.startswith("warning: brief incomplete for 'Spring Sale': missing audience, goal")

    code, out, _ = run("learning", "add", "Spring Sale", "Short copy wins on Meta")
    learning_id = out.strip()
    assert code == 0 and len(learning_id) == 36
    for phase in ("campaign", "feedback", "optimization"):
        code, out, _ = run("cycle", "advance", "Spring Sale")
        assert (code, out) == (0, f"Spring Sale: cycle 1 is now in {phase}\n")

    code, out, err = run("cycle", "next", "Spring Sale", "--start", "2026-04-01")
    assert code == GateRefused.exit_code != 0 and out == ""
    assert err == (
        "error: the next start is refused: cycle 1 of 'Spring Sale' cannot close yet; "
        f"learning {learning_id[:8]} 'Short copy wins on Meta' is pending\n"
    )

    code, out, _ = run("learning", "decide", learning_id[:6], "carry_forward")
    assert code == 0 and "carry_forward" in out
    code, out, _ = run(
        "cycle", "next", "Spring Sale", "--start", "2026-04-01", "--end", "2026-04-28"
    )
    assert (code, out) == (
        0, "Spring Sale: cycle 1 closed, cycle 2 opened in start with 1 carried learning\n"
    )  # fmt: skip

    code, out, _ = run("cycle", "show", "Spring Sale", "--cycle", "2", "--json")
    assert code == 0
    doc = json.loads(out)
    # The cycle's id, for 'comment cycle ID TEXT'.
    db = Database.open(db_path)
    store = Store(db)
    second = store.cycle_by_number(store.campaign_by_name("Spring Sale").id, 2)
    db.close()
    assert doc.pop("id") == str(second.id)
    assert doc == {
        "campaign": "Spring Sale", "number": 2, "phase": "start", "start": "2026-04-01",
        "end": "2026-04-28", "hypothesis": "",
        "learnings": [{"id": learning_id, "text": "Short copy wins on Meta",
                       "decision": "carry_forward", "carried_from": 1, "outcome": None}],
    }  # fmt: skip


def test_cycle_show_lists_own_learnings_with_null_origin(db_path: Path) -> None:
    run("campaign", "add", "Spring Sale", "--audience", "Teachers", "--success", "Leads")
    code, _, err = run("cycle", "start", "Spring Sale")
    assert code == 0 and "brief incomplete" in err and "missing goal" in err
    code, out, _ = run("learning", "add", "Spring Sale", "Video beats image", "--json")
    new_id = json.loads(out)["id"]
    doc = json.loads(run("cycle", "show", "Spring Sale", "--json")[1])
    assert doc["learnings"] == [
        {"id": new_id, "text": "Video beats image", "decision": "pending", "carried_from": None,
         "outcome": None}
    ]  # fmt: skip
    assert (doc["number"], doc["phase"], doc["start"]) == (1, "start", None)


BAD = [
    (["cycle", "start", "Nope"], 3,
     "error: no campaign named 'Nope' (known campaigns: Spring Sale)\n"),
    (["cycle", "advance", "Spring Sale"], 3,
     "error: 'Spring Sale' has no open cycle; start one with 'cycle start'\n"),
    (["cycle", "next", "Spring Sale"], 3,
     "error: 'Spring Sale' has no open cycle to close; start its first cycle\n"),
    (["cycle", "show", "Spring Sale"], 3,
     "error: 'Spring Sale' has no cycle yet; start one with 'cycle start'\n"),
    (["learning", "add", "Spring Sale", "x"], 2,
     "error: 'Spring Sale' has no open cycle; start one or name a cycle with --cycle N\n"),
    (["learning", "decide", "abc", "drop"], 3,
     "error: no learning with id 'abc' (give at least 6 characters)\n"),
    (["cycle", "start", "Spring Sale", "--start", "1.3.2026"], 2,
     "error: argument --start: '1.3.2026' is not a date; write it as YYYY-MM-DD "
     "(see 'python -m experiments cycle start --help')\n"),
    (["cycle", "start", "Spring Sale", "--start", "2026-03-10", "--end", "2026-03-01"], 2,
     "error: the window ends (2026-03-01) before it starts (2026-03-10); swap the dates or "
     "correct the end\n"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "code", "message"), BAD)
def test_bad_commands_name_the_problem_and_write_nothing(
    db_path: Path, argv: list[str], code: int, message: str
) -> None:
    run("campaign", "add", "Spring Sale")
    before = run("cycle", "show", "Spring Sale", "--json")
    assert run(*argv) == (code, "", message)
    assert run("cycle", "show", "Spring Sale", "--json") == before


def test_the_module_runs_as_a_program(db_path: Path) -> None:
    """The same journey step through a real process: exit code and stderr as a script sees them."""
    python = [sys.executable, "-m", "experiments", "--db", str(db_path)]
    subprocess.run([*python, "campaign", "add", "Spring Sale"], cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    done = subprocess.run([*python, "cycle", "next", "Spring Sale"], cwd=ROOT,
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 3
    assert done.stderr == "error: 'Spring Sale' has no open cycle to close; start its first cycle\n"


def test_cycle_next_takes_the_next_budget(db_path: Path) -> None:
    from experiments.db import Database
    from experiments.store import Store

    run("campaign", "add", "Spring Sale", "--audience", "Teachers", "--success", "Leads")
    run("cycle", "start", "Spring Sale", "--start", "2026-03-01", "--end", "2026-03-28")
    for _ in range(3):
        run("cycle", "advance", "Spring Sale")
    code, _, err = run("cycle", "next", "Spring Sale", "--budget", "-5")
    assert (code, err) == (2, "error: the cycle budget must not be negative (got -5)\n")
    code, _, _ = run("cycle", "next", "Spring Sale", "--budget", "1500")
    assert code == 0
    db = Database.open(db_path)
    try:
        assert [(c.number, c.budget) for c in Store(db).cycles()] == [(1, None), (2, 1500.0)]
    finally:
        db.close()
