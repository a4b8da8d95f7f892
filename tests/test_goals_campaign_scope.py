"""One rule names a campaign (id or name, any case) for goals, reports and the overview; a goal
scoped to a campaign is kept by id and linked to that campaign's brief."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from experiments import goals, overview, reports
from experiments.campaigns import find_campaign, resolve_campaign
from experiments.errors import NotFound
from experiments.goal_board import worst_first
from experiments.goals import Status
from experiments.models import Comparator, Goal, ScopeKind, new_id
from experiments.store import Store
from tests.factories import make_campaign


def scoped_goal(key: str, name: str = "Leads from the sale") -> Goal:
    return Goal(new_id(), name, "leads", Comparator.AT_LEAST, 100.0,
                scope_kind=ScopeKind.CAMPAIGN, scope_value=key)  # fmt: skip


@pytest.mark.parametrize("key", ["Spring Sale", "spring sale", "  SPRING SALE "])
def test_a_campaign_is_found_by_its_name_in_any_case(store: Store, key: str) -> None:
    campaign = make_campaign(store, "Spring Sale")
    make_campaign(store, "Community Care")
    assert resolve_campaign(store, key).id == campaign.id


def test_a_campaign_is_found_by_its_id_as_text_or_uuid(store: Store) -> None:
    make_campaign(store, "Community Care")
    campaign = make_campaign(store, "Spring Sale")
    assert resolve_campaign(store, str(campaign.id)).id == campaign.id
    assert resolve_campaign(store, str(campaign.id).upper()).id == campaign.id
    assert resolve_campaign(store, campaign.id).id == campaign.id


def test_an_unknown_campaign_is_refused_naming_the_known_ones(store: Store) -> None:
    make_campaign(store, "Spring Sale")
    with pytest.raises(NotFound) as err:
        resolve_campaign(store, "Autumn")
    assert str(err.value) == "no campaign named 'Autumn' (known campaigns: Spring Sale)"
    assert find_campaign(store, "Autumn") is None
    assert find_campaign(store, None) is None
    assert find_campaign(store, " ") is None


def test_a_goal_scoped_by_name_is_stored_by_id_and_linked_to_the_brief(store: Store) -> None:
    campaign = make_campaign(store, "Spring Sale")
    g = store.add_goal(scoped_goal("spring SALE"))
    assert g.scope_value == str(campaign.id)
    assert store.campaign(campaign.id).goal_ids == (g.id,)
    # Saving again does not link it twice.
    store.update_goal(replace(g, target=120.0))
    assert store.campaign(campaign.id).goal_ids == (g.id,)


def test_a_goal_rescoped_to_another_campaign_is_linked_to_that_brief(store: Store) -> None:
    sale = make_campaign(store, "Spring Sale")
    care = make_campaign(store, "Community Care")
    g = store.add_goal(scoped_goal(str(sale.id)))
    store.update_goal(replace(g, scope_value=str(care.id)))
    assert store.campaign(care.id).goal_ids == (g.id,)


def test_a_goal_naming_a_campaign_before_it_exists_is_adopted_when_it_is_created(
    store: Store,
) -> None:
    g = store.add_goal(scoped_goal("Spring Sale"))
    assert g.scope_value == "Spring Sale"
    campaign = make_campaign(store, "spring sale")
    assert store.goal(g.id).scope_value == str(campaign.id)
    assert store.campaign(campaign.id).goal_ids == (g.id,)
    # Renamed, the campaign keeps its goal.
    store.update_campaign(replace(store.campaign(campaign.id), name="Spring Sale 2026"))
    assert goals.scope_campaign(store, store.goal(g.id)).id == campaign.id  # type: ignore[union-attr]


def test_report_overview_and_progress_resolve_the_same_campaign(store: Store) -> None:
    sale = make_campaign(store, "Spring Sale")
    make_campaign(store, "Community Care")
    g = store.add_goal(scoped_goal(str(sale.id)))
    (p,) = goals.progress(store, date(2026, 3, 10))
    assert p.campaign is not None and p.campaign.id == sale.id
    assert overview.scope_label(p, {}, "en") == "Campaign: Spring Sale"
    covered = reports.report_goals(store, store.campaign_by_name("Community Care"), date.today())
    assert covered == []
    covered = reports.report_goals(store, sale, date.today())
    assert [x.goal.id for x in covered] == [g.id]


def test_a_goal_scoped_to_an_unknown_campaign_has_no_data(store: Store) -> None:
    g = store.add_goal(scoped_goal("Not there yet"))
    (p,) = goals.progress(store, date(2026, 3, 10))
    assert (p.goal.id, p.campaign, p.status) == (g.id, None, Status.NO_DATA)
    assert goals.contributions(store, p) == ()


def test_goals_are_listed_worst_first_then_by_name(store: Store) -> None:
    made = {}
    for name, status in [("b", Status.ACHIEVED), ("a", Status.ON_TRACK), ("c", Status.NO_DATA),
                         ("d", Status.AT_RISK), ("e", Status.OFF_TRACK), ("f", Status.AT_RISK)]:  # fmt: skip
        g = Goal(new_id(), name, "leads", Comparator.AT_LEAST, 1.0)
        made[name] = goals.Progress(g, goals.Kind.TOTAL, date(2026, 3, 1), None, None, None,
                                    None, status, None)  # fmt: skip
    ordered = worst_first(list(made.values()))
    assert [p.goal.name for p in ordered] == ["e", "d", "f", "c", "a", "b"]
