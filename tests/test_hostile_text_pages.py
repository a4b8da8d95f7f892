"""Text from people and files reaches Markdown elements escaped (AppTest, one case per place
that once showed it as Markdown): no message, caption, heading, label or metric carries a
hostile text's markup, and each still shows the text as it was typed."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from experiments.db import Database
from experiments.store import Store
from tests import hostile_text
from tests.apptest import app, assert_clean, shown
from tests.hostile_text import PIXEL_MARK, Workspace, hostile

BASE = "http://127.0.0.1:9"
# The address as a hostile text writes it; escaped, its slashes and dashes carry backslashes.
RAW_ADDRESS = f"/{PIXEL_MARK}/"


def markdown_texts(at: AppTest) -> list[str]:
    """Return what the page gave to elements that read Markdown."""
    kinds = ("markdown", "caption", "info", "success", "warning", "error", "title", "header",
             "subheader")  # fmt: skip
    texts = [e.value for kind in kinds for e in getattr(at, kind)]
    texts += [m.label for m in at.metric] + [m.value for m in at.metric]
    texts += [e.label for e in at.expander] + [t.label for t in at.tabs]
    return texts + [b.label for b in at.button]


@pytest.fixture
def workspace(db_path: Path) -> Workspace:
    db = Database.open(db_path)
    try:
        return hostile_text.build(Store(db), BASE, date.today())
    finally:
        db.close()


def _cycle(section: str) -> Callable[[Workspace], AppTest]:
    def run(ws: Workspace) -> AppTest:
        at = app()
        at.session_state["cycle_focus"] = ws.cycles[0]
        at.switch_page("views/cycle.py").run()
        return at.button_group(key="cycle_tab").set_value(section).run()

    return run


def _no_cycle_yet(ws: Workspace) -> AppTest:
    return app("views/cycle.py").selectbox(key="cycle_campaign").set_value(ws.new_campaign_id).run()


def _brief_saved(ws: Workspace) -> AppTest:
    return app("views/campaigns.py").button(key="FormSubmitter:brief-Save brief").click().run()


def _goal_saved(ws: Workspace) -> AppTest:
    return app("views/goals.py").button(key=f"edit_{ws.goal_id}_submit").click().run()


def _goal_created(ws: Workspace) -> AppTest:
    at = app("views/goals.py")
    at.text_input(key="new_goal_name").input(_text("new-goal"))
    at.text_input(key="new_goal_target").input("5")
    return at.button(key="new_goal_submit").click().run()


def _mapping_saved(ws: Workspace) -> AppTest:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_text(f"column-{n}") for n in range(3)])
    writer.writerow(["2026-03-01", _text("upload-source"), 10])
    at = app("views/imports.py")
    at.get("file_uploader")[0].set_value(("export.csv", out.getvalue().encode(), "text/csv"))
    at.run()
    at.text_input(key="map_name").set_value(_text("mapping"))
    for i, target in enumerate(["date", "campaign", "clicks"]):
        at.selectbox(key=f"map_col_{i}").set_value(target)
    return at.button(key="map_save").click().run()


def _text(field: str) -> str:
    return hostile(BASE, field, lines=False)


# (what runs, the text it must show in a Markdown element as it was typed)
CASES = {
    "cycle: a campaign without a cycle": (_no_cycle_yet, _text("campaign-new")),
    "cycle: the goal a request serves": (_cycle("feedback"), _text("goal-name")),
    "cycle: an optimization's owner": (_cycle("optimization"), _text("cycle1-owner")),
    # Tags are kept in lower case.
    "cycle: a learning's tags": (_cycle("learnings"), "#" + _text("cycle1-tag").lower()),
    "campaigns: the brief saved": (_brief_saved, _text("campaign-main")),
    "goals: a goal saved": (_goal_saved, _text("goal-name")),
    "goals: a goal created": (_goal_created, _text("new-goal")),
    "import: a mapping saved": (_mapping_saved, _text("mapping")),
}


@pytest.mark.parametrize("case", CASES)
def test_markdown_elements_show_hostile_text_as_text(workspace: Workspace, case: str) -> None:
    action, expected = CASES[case]
    at = action(workspace)
    assert_clean(at)
    texts = markdown_texts(at)
    assert [t for t in texts if RAW_ADDRESS in t] == []
    assert any(expected in shown(t) for t in texts), texts


def test_a_campaign_created_on_the_empty_overview_is_named_as_text(db_path: Path) -> None:
    at = app()
    at.text_input(key="new_campaign_name").input(_text("first-campaign"))
    at.button(key="FormSubmitter:create_campaign-Create campaign").click().run()
    assert_clean(at)
    (message,) = [s.value for s in at.success]
    assert RAW_ADDRESS not in message
    assert _text("first-campaign") in shown(message)
