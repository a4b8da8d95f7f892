"""The compare page's view model on a real DuckDB: which cycles, in which order, each cycle's
change against its reference, tones of clear changes, and the reasons nothing can be compared."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from experiments import compare, compare_variants
from experiments import compare_view as cv
from experiments.models import Alias, Phase
from experiments.store import Store
from tests.factories import make_cycle
from tests.test_compare import Workspace, build


@pytest.fixture
def ws(store: Store) -> Workspace:
    return build(store)


def third_cycle(store: Store, ws: Workspace) -> None:
    # The facts run to April 4: the third cycle has four days of them.
    make_cycle(store, ws.campaign, 3, Phase.START, date(2026, 4, 1), date(2026, 4, 4))


def test_picker_offers_cycles_with_a_start_and_the_latest_two_by_default(
    store: Store, ws: Workspace
) -> None:
    third_cycle(store, ws)
    make_cycle(store, ws.campaign, 4, Phase.START, start=None, end=None)
    assert cv.picker(store, ws.campaign) == cv.Picker((1, 2, 3), 2, 3, None)
    assert cv.extra_choices((1, 2, 3), 3, 1) == (2,)


def test_picker_needs_two_cycles_with_a_start(store: Store) -> None:
    campaign = store.create_campaign("Solo")
    make_cycle(store, campaign, 1)
    make_cycle(store, campaign, 2, start=None, end=None)
    assert cv.picker(store, campaign) == cv.Picker((1,), None, None, cv.Blocked.NEEDS_TWO_CYCLES)


def test_the_same_cycle_twice_is_refused(store: Store, ws: Workspace) -> None:
    assert cv.cycles(store, ws.campaign, 2, 2) is cv.Blocked.SAME_CYCLE


def test_cycles_are_ordered_by_number_whatever_the_order_of_choice(
    store: Store, ws: Workspace
) -> None:
    third_cycle(store, ws)
    view = cv.cycles(store, ws.campaign, 2, 3, also=[1])
    assert isinstance(view, cv.CyclesView)
    assert view.numbers == (1, 2, 3)
    assert [c.number for c in view.data.cycles] == [1, 2, 3]
    assert view.comparison.cycles == (2, 3)  # the test and the verdicts stay on the chosen pair


@pytest.mark.parametrize(
    ("reference", "pairs"),
    [(cv.Reference.BASELINE, [(1, 2), (1, 3)]), (cv.Reference.PREVIOUS, [(1, 2), (2, 3)])],
)
def test_every_further_cycle_gets_its_change_against_its_reference(
    store: Store, ws: Workspace, reference: cv.Reference, pairs: list[tuple[int, int]]
) -> None:
    third_cycle(store, ws)
    view = cv.cycles(store, ws.campaign, 1, 2, also=[3], reference=reference)
    assert isinstance(view, cv.CyclesView)
    assert [(p.reference, p.cycle) for p in view.pairs] == pairs
    for pair in view.pairs:
        expected = compare.compare(store, ws.campaign, pair.reference, pair.cycle).row("ctr")
        assert expected is not None and expected.rel_change is not None
        assert pair.change("ctr") == pytest.approx(expected.rel_change)
    assert view.pairs[0].comparison is view.comparison


def test_the_compared_pair_keeps_its_column_when_changes_run_cycle_to_cycle(
    store: Store, ws: Workspace
) -> None:
    third_cycle(store, ws)
    view = cv.cycles(store, ws.campaign, 1, 3, also=[2], reference=cv.Reference.PREVIOUS)
    assert isinstance(view, cv.CyclesView)
    # In cycle order: cycle 3 has two columns, against cycle 1 (the test) and against cycle 2.
    assert [(p.reference, p.cycle) for p in view.pairs] == [(1, 2), (1, 3), (2, 3)]
    assert view.pairs[1].comparison is view.comparison


def test_two_cycles_have_one_change_column(store: Store, ws: Workspace) -> None:
    view = cv.cycles(store, ws.campaign, 1, 2)
    assert isinstance(view, cv.CyclesView)
    assert [(p.reference, p.cycle) for p in view.pairs] == [(1, 2)]
    assert view.blocked is None
    assert view.values == compare.side_by_side(view.data)
    # Reply-time quantiles have no daily series; everything else present has one.
    assert view.series_metrics == tuple(view.values)


def test_cycles_without_facts_say_so(store: Store) -> None:
    campaign = store.create_campaign("Quiet", aliases=(Alias("quiet"),))
    make_cycle(store, campaign, 1, Phase.CLOSED, date(2026, 3, 1), date(2026, 3, 14))
    make_cycle(store, campaign, 2, Phase.CAMPAIGN, date(2026, 3, 15), date(2026, 3, 31))
    view = cv.cycles(store, campaign, 1, 2)
    assert isinstance(view, cv.CyclesView)
    assert view.blocked is cv.Blocked.NO_FACTS
    assert view.clear == ()


def test_clear_changes_carry_direction_and_tone(store: Store, ws: Workspace) -> None:
    view = cv.cycles(store, ws.campaign, 1, 2)
    assert isinstance(view, cv.CyclesView)
    by_metric = {c.row.metric: c for c in view.clear}
    assert by_metric["ctr"].rising and by_metric["ctr"].tone is cv.Tone.BETTER
    assert all(c.row.significant for c in view.clear)
    assert len(view.clear) == sum(r.significant for r in view.comparison.rows)


@pytest.mark.parametrize(
    ("metric", "change", "tone"),
    [
        ("ctr", 0.01, cv.Tone.BETTER),
        ("ctr", -0.01, cv.Tone.WORSE),
        ("cpc", -0.2, cv.Tone.BETTER),
        ("cpc", 0.2, cv.Tone.WORSE),
        ("spend", 10.0, cv.Tone.NEUTRAL),
        ("ctr", 0.0, cv.Tone.NEUTRAL),
    ],
)
def test_tone_follows_the_better_direction_of_the_metric(
    store: Store, ws: Workspace, metric: str, change: float, tone: cv.Tone
) -> None:
    row = compare.compare(store, ws.campaign, 1, 2).row("ctr")
    assert row is not None
    assert cv.tone(replace(row, metric=metric, abs_change=change)) is tone


# Machado et al. (2009), severity 1, on linear RGB: how the colours look to people with each
# common colour-vision deficiency.
VISION = {
    "normal": np.eye(3),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
         [-0.011820, 0.042940, 0.968881]]
    ),
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
         [-0.003882, -0.048116, 1.051998]]
    ),
    "tritanopia": np.array(
        [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
         [0.004733, 0.691367, 0.303900]]
    ),
}  # fmt: skip


def lab(colour: str, vision: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a #rrggbb colour as seen with the given vision."""
    srgb = np.array([int(colour[i : i + 2], 16) for i in (1, 3, 5)]) / 255
    linear = np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)
    linear = np.clip(vision @ linear, 0, 1)
    xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722],
                    [0.0193, 0.1192, 0.9505]]) @ linear / np.array([0.95047, 1, 1.08883])  # fmt: skip
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def closest(colours: list[str]) -> float:
    """The smallest colour difference (ΔE76) between two of the colours, over every vision."""
    return min(
        float(np.linalg.norm(lab(a, m) - lab(b, m)))
        for m in VISION.values()
        for a, b in itertools.combinations(colours, 2)
    )


def test_each_shown_cycle_gets_a_clearly_distinct_colour_in_every_vision() -> None:
    colours = cv.colours([1, 2, 3, 4, 5])
    assert list(colours) == [1, 2, 3, 4, 5]
    assert closest(list(colours.values())) > 15
    # The check tells near colours apart: Streamlit's default palette (two blues) fails it.
    assert closest(["#0068c9", "#83c9ff", "#ff2b2b", "#ffabab", "#29b09d"]) < 15


def test_colours_follow_the_cycle_order(store: Store, ws: Workspace) -> None:
    third_cycle(store, ws)
    view = cv.cycles(store, ws.campaign, 2, 3, also=[1])
    assert isinstance(view, cv.CyclesView)
    assert view.colours == dict(zip((1, 2, 3), cv.PALETTE, strict=False))


def test_variants_of_a_cycle(store: Store, ws: Workspace) -> None:
    choice = cv.variant_choice(store, ws.campaign, 2)
    assert choice.blocked is None
    assert choice.names == tuple(compare_variants.load_variants(store, ws.campaign, 2))
    view = cv.variants(choice, choice.names[0], choice.names[1])
    assert view.blocked is None and view.comparison is not None
    assert view.comparison.variants == choice.names[:2]
    assert view.rate_metric == "ctr"
    assert [r.variant for r in view.rates] == [
        r.variant for r in compare_variants.variant_rates(choice.groups, "ctr")
    ]
    same = cv.variants(choice, choice.names[0], choice.names[0])
    assert same.blocked is cv.Blocked.SAME_VARIANT and same.comparison is None


def test_a_cycle_with_one_variant_has_nothing_to_split(store: Store, ws: Workspace) -> None:
    tiktok = Alias("spring_sale_meta", "tiktok")  # one source, no ad sets
    search = store.create_campaign("TikTok only", aliases=(tiktok,))
    make_cycle(store, search, 1, Phase.CAMPAIGN, date(2026, 3, 1), date(2026, 3, 14))
    choice = cv.variant_choice(store, search, 1)
    assert choice.blocked is cv.Blocked.NO_VARIANTS
    assert len(choice.names) < 2


def test_learning_offer_open_and_closed(store: Store) -> None:
    ws = build(store)
    view = cv.cycles(store, ws.campaign, 1, 2)
    assert isinstance(view, cv.CyclesView)
    offer = cv.learning_offer(store, view.comparison)
    assert offer.suggestions and not offer.closed


def test_learning_offer_into_a_closed_cycle_says_it_is_closed(store: Store) -> None:
    ws = build(store, second=Phase.CLOSED)
    view = cv.cycles(store, ws.campaign, 1, 2)
    assert isinstance(view, cv.CyclesView)
    assert cv.learning_offer(store, view.comparison) == cv.LearningOffer((), True)
