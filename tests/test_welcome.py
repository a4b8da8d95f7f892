"""The first visit: the product's name and the loop diagram on the empty Overview."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from experiments.welcome import loop_figure, step_labels
from tests.apptest import app, assert_clean


def loop_chart_labels(at: object) -> list[str] | None:
    """Return the step labels of the loop diagram on the page, or None without one."""
    for chart in at.get("plotly_chart"):  # type: ignore[attr-defined]
        if "loop_diagram" in chart.proto.id:
            spec = json.loads(chart.proto.spec)
            return [text.removeprefix("<b>").removesuffix("</b>")
                    for text in spec["data"][0]["text"]]  # fmt: skip
    return None


@pytest.mark.parametrize(("lang", "labels", "center"), [
    ("en", ["Start", "Campaign", "Feedback", "Optimization", "Next start"], "one cycle"),
    ("de", ["Start", "Kampagne", "Feedback", "Optimierung", "Nächster Start"], "ein Zyklus"),
])  # fmt: skip
def test_the_loop_diagram_draws_the_five_steps_in_order(
    lang: str, labels: list[str], center: str
) -> None:
    fig = loop_figure(lang)
    assert step_labels(lang) == labels
    assert [str(x).removeprefix("<b>").removesuffix("</b>") for x in fig.data[0].text] == labels
    arrows = [a for a in fig.layout.annotations if a.showarrow]
    assert len(arrows) == 5  # the last one leads from the next start back to the start
    assert [a.text for a in fig.layout.annotations if not a.showarrow] == [center]


def test_the_empty_overview_names_the_product_and_shows_the_loop(db_path: Path) -> None:
    at = app()
    assert_clean(at)
    assert [h.value for h in at.header] == ["Launch & Learn"]
    assert loop_chart_labels(at) == ["Start", "Campaign", "Feedback", "Optimization", "Next start"]
    at.sidebar.selectbox(key="lang").set_value("de").run()
    assert loop_chart_labels(at) == [
        "Start",
        "Kampagne",
        "Feedback",
        "Optimierung",
        "Nächster Start",
    ]


def test_a_workspace_with_campaigns_shows_no_welcome(demo_db: Path) -> None:
    at = app()
    assert_clean(at)
    assert loop_chart_labels(at) is None
    assert "Launch & Learn" not in [h.value for h in at.header]
