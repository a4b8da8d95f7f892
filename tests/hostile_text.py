"""Hostile text for every free-text field, and a workspace that holds it everywhere.

Each text carries, next to the field's own name, every way we know to make a browser fetch an
address or run markup when the text is drawn as Markdown or as a Plotly label: a Markdown image
(inline and by reference), HTML tags, a javascript: link, Streamlit's colour and icon
directives, a formula, Plotly's tags and a style that points at the address. Every address
carries PIXEL_MARK, so whatever asks for one of them is found wherever it asks.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import partial

from experiments import loop
from experiments.importers import service
from experiments.models import (
    Alias,
    Comparator,
    Decision,
    FeedbackKind,
    FeedbackSource,
    Goal,
    Role,
    ScopeKind,
    new_id,
)
from experiments.store import Store

PIXEL_MARK = "hostile-pixel"
META_HEADER = ("Campaign name", "Ad set name", "Reporting starts", "Reporting ends",
               "Amount spent (EUR)", "Impressions", "Reach", "Link clicks", "Results",
               "Result indicator")  # fmt: skip


def hostile(base: str, field: str, lines: bool = True) -> str:
    """Return the hostile text of ``field``, pointing at ``base`` (an address such as
    http://127.0.0.1:PORT); with ``lines`` it also holds the line breaks that open new blocks."""
    url = f"{base}/{PIXEL_MARK}/{field}"
    text = (
        f'{field} ![{field}]({url}/md.png) <img src="{url}/img.png"> '
        f'<a href="{url}/a">a</a> [link](javascript:alert(1)) :red[red] :material/home: '
        f"$x^2$ `code` **bold** _it_ ~~gone~~ | a | b | &lt;b&gt; <b>b</b><br>"
        f'<span style="fill:url({url}/fill.svg#p);mask-image:url({url}/mask.png)">s</span> '
        f"\u202eRTL \U0001f680"
    )
    if lines:
        text += f"\n\n# {field}\n\n![{field}][{field}-ref]\n\n[{field}-ref]: {url}/ref.png"
    return text


@dataclass(frozen=True)
class Workspace:
    """What the hostile workspace holds that a test needs to find again."""

    campaign: str  # the campaign with two cycles, facts and variants
    new_campaign: str  # the campaign without a cycle
    new_campaign_id: str
    goal: str
    goal_id: str
    cycles: tuple[str, str]  # ids of cycle 1 (closed) and cycle 2 (open)
    file_name: str


def build(store: Store, base: str, today: date) -> Workspace:
    """Fill an empty database with hostile text in every free-text field; return its names."""
    h, line = partial(hostile, base), partial(hostile, base, lines=False)
    first = (today - timedelta(days=60), today - timedelta(days=33))
    second = (today - timedelta(days=32), today - timedelta(days=5))
    store.add_user("reviewer", h("user-display-name"), Role.VIEWER)
    channel_goal = store.add_goal(Goal(
        new_id(), h("goal2-name"), "clicks", Comparator.AT_LEAST, 100.0,
        period_start=first[0], period_end=second[1], scope_kind=ScopeKind.CHANNEL,
        scope_value=h("goal2-channel"), owner=h("goal2-owner"), objective=h("goal2-objective"),
    ))  # fmt: skip
    goal = store.add_goal(Goal(
        new_id(), h("goal-name"), "ctr", Comparator.AT_LEAST, 0.02, baseline=0.01,
        period_start=first[0], period_end=second[1] + timedelta(days=20),
        owner=h("goal-owner"), objective=h("goal-objective"),
    ))  # fmt: skip
    source = line("source-campaign")
    campaign = store.create_campaign(
        h("campaign-main"), audience=h("audience"), success_measure=h("success"),
        competitive_context=h("competition"), channels=(h("channel"),),
        stakeholders=(h("stakeholder"),), aliases=(Alias(source, "meta"),),
        goal_ids=(goal.id, channel_goal.id),
    )  # fmt: skip
    goal = store.update_goal(
        replace(goal, scope_kind=ScopeKind.CAMPAIGN, scope_value=str(campaign.id))
    )
    new = store.create_campaign(h("campaign-new"), audience=h("audience-new"))
    one, _ = loop.start_first_cycle(store, campaign.id, *first, h("cycle1-hypothesis"),
                                    h("cycle1-changes"), 5000.0)  # fmt: skip
    loop.save_plan(store, replace(store.cycle(one.id), went_live=h("cycle1-went-live"),
                                  channels=(h("cycle1-channel"),)))  # fmt: skip
    _story(store, one.id, goal.id, "cycle1", h)
    for _ in range(3):
        loop.advance(store, one.id)
    learnings = store.learnings(cycle_id=one.id)
    loop.decide(store, learnings[0].id, Decision.CARRY_FORWARD)
    loop.decide(store, learnings[1].id, Decision.DROP)
    two = loop.next_start(store, campaign.id, *second, hypothesis=h("cycle2-hypothesis"))
    loop.record_carried_result(store, learnings[0].id, two.id, True, h("applied-reason"))
    _story(store, two.id, goal.id, "cycle2", h)
    loop.advance(store, two.id)
    file_name = line("file-name") + ".csv"
    service.run(store, meta_export(source, line("variant-a"), line("variant-b"), first, second),
                file_name)  # fmt: skip
    return Workspace(campaign.name, new.name, str(new.id), goal.name, str(goal.id),
                     (str(one.id), str(two.id)), file_name)  # fmt: skip


def _story(
    store: Store, cid: uuid.UUID, goal_id: uuid.UUID, name: str, h: Callable[[str], str]
) -> None:
    """Write a cycle's feedback (its criticism left open), optimization and learnings."""
    loop.add_feedback(store, cid, FeedbackSource.COMMENTS, FeedbackKind.CRITICISM,
                      h(f"{name}-criticism"))  # fmt: skip
    loop.add_feedback(store, cid, FeedbackSource.SALES, FeedbackKind.REQUEST,
                      h(f"{name}-request"), goal_id=goal_id)  # fmt: skip
    kept = loop.add_learning(store, cid, h(f"{name}-learning-kept"), h(f"{name}-evidence"),
                             tags=(h(f"{name}-tag"), "plain"), confidence="high")  # fmt: skip
    loop.add_learning(store, cid, h(f"{name}-learning-other"), tags=(h(f"{name}-tag2"),))
    loop.add_optimization(store, cid, h(f"{name}-optimization"), h(f"{name}-why"),
                          learning_ids=(kept.id,), owner=h(f"{name}-owner"))  # fmt: skip


def meta_export(source: str, variant_a: str, variant_b: str,
                *windows: tuple[date, date]) -> bytes:  # fmt: skip
    """Return a Meta export of daily rows of two ad sets over the windows: the second ad set
    and the later window click clearly more, so the comparisons find clear changes."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(META_HEADER)
    for n, (start, end) in enumerate(windows):
        for i in range((end - start).days + 1):
            day = (start + timedelta(days=i)).isoformat()
            for variant, rate in ((variant_a, 0.010), (variant_b, 0.016)):
                impressions = 20_000 + 500 * (i % 7)
                clicks = round(impressions * rate * (1.3 if n else 1.0))
                writer.writerow([source, variant, day, day, f"{impressions * 0.006:.2f}",
                                 impressions, impressions // 2, clicks, clicks // 20,
                                 "actions:offsite_conversion.fb_pixel_purchase"])  # fmt: skip
    return out.getvalue().encode()
