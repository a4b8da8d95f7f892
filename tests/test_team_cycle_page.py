"""The cycle workspace offers each role only the changes it may make: a viewer reads the whole
loop without one form, button or switch that writes; an analyst may comment, nothing more; a
marketer and an admin get every form and button (the store refuses the rest anyway)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from experiments.db import Database
from experiments.models import Role
from experiments.store import Store
from tests.apptest import assert_clean
from tests.test_team_pages import signed_in_app, team  # noqa: F401 - the fixture

TABS = ("start", "campaign", "feedback", "optimization", "learnings")
# The widgets that pick what is shown, not what is stored.
PICKERS = {"cycle_campaign", "cycle_number", "cycle_tab", "lang", "sign_out"}
KINDS = ("button", "text_area", "text_input", "date_input", "number_input", "radio",
         "selectbox", "multiselect", "toggle", "button_group")  # fmt: skip


def writers(at: AppTest) -> set[str]:
    """Return the keys (else labels) of the page's widgets that can change something: every
    enabled widget that is not a picker, and every button."""
    found = set()
    for kind in KINDS:
        for w in at.get(kind):
            key: Any = getattr(w, "key", None)
            if key in PICKERS or (getattr(w, "disabled", False) and kind != "button"):
                continue
            found.add(str(key or w.label))
    return found


def walk(team_db: Path, role: Role) -> set[str]:
    """Return every writing widget the role meets on every tab of every demo campaign."""
    seen: set[str] = set()
    at = signed_in_app(team_db, f"{role.value}4", role, "views/cycle.py")
    assert_clean(at)
    for campaign in at.selectbox(key="cycle_campaign").options:
        at.selectbox(key="cycle_campaign").select(campaign).run()
        seen |= writers(at)  # a campaign without a cycle has no tabs
        for tab in TABS if at.get("button_group") else ():
            at.button_group(key="cycle_tab").set_value(tab).run()
            assert_clean(at)
            seen |= writers(at)
    return seen


def kinds(names: set[str]) -> set[str]:
    """Return what kind of change each widget offers: its key without the item's id."""
    return {re.sub(r"_[0-9a-f]{8}$", "", n.removeprefix("FormSubmitter:").split("-")[0])
            for n in names}  # fmt: skip


@pytest.fixture
def team_with_new_campaign(team: Path) -> Path:  # noqa: F811 - the fixture imported above
    # A campaign without a cycle yet: its page offers the first cycle's form to who may start.
    db = Database.open(team)
    Store(db).create_campaign("Autumn Push")
    db.close()
    return team


LOOP = {"phase_advance", "phase_back", "next_start", "plan", "test_plan", "plan_split", "live",
        "applied", "apply_save", "learning", "decide", "feedback", "fb_next", "optimization",
        "duty_learning", "duty_feedback", "duty_optimization", "first_cycle"}  # fmt: skip
COMMENTS = {"comment_cycle", "comment_text_cycle", "comment_learning", "comment_text_learning",
            "comment_feedback", "comment_text_feedback"}  # fmt: skip


@pytest.mark.parametrize(
    ("role", "offered"),
    [(Role.VIEWER, set()), (Role.ANALYST, COMMENTS), (Role.MARKETER, LOOP | COMMENTS),
     (Role.ADMIN, LOOP | COMMENTS)],
    ids=["viewer", "analyst", "marketer", "admin"],
)  # fmt: skip
def test_the_cycle_workspace_offers_each_role_only_what_it_may_change(
    team_with_new_campaign: Path, role: Role, offered: set[str]
) -> None:
    found = kinds(walk(team_with_new_campaign, role))
    if role in (Role.VIEWER, Role.ANALYST):
        assert found == offered  # nothing else: no button, form or switch that would be refused
    else:
        assert offered <= found, sorted(offered - found)  # every kind of change is offered
