"""Learnings library: every learning of every campaign, filtered and searched, with its record."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from experiments.i18n import fmt_number
from experiments.models import Decision, Outcome
from experiments.store import LibraryFilter
from views.common import enum_label, lang, store, tr

s = store()
L = lang()

st.title(tr("library.title"))
st.caption(tr("library.intro"))
campaigns = {c.id: c.name for c in s.campaigns()}
facets = s.learning_facets()
tags, channels = list(facets.tags), list(facets.channels)

search = st.text_input(tr("library.search"), key="lib_search", icon=":material/search:",
                       placeholder=tr("library.search_hint"))  # fmt: skip


def pick(
    col: Any, label: str, options: list[Any], key: str, fmt: Callable[[Any], str]
) -> tuple[Any, ...]:
    """Return what the person picked in one filter; nothing picked means no filter."""
    return tuple(col.multiselect(tr(label), options, key=key, format_func=fmt,
                                 placeholder=tr("library.any")))  # fmt: skip


a, b, c, d, e = st.columns(5)
chosen = LibraryFilter(
    campaign_ids=pick(a, "library.campaign", list(campaigns), "lib_campaign",
                      lambda i: campaigns[i]),
    tags=pick(b, "library.tag", tags, "lib_tag", str),
    channels=pick(c, "library.channel", channels, "lib_channel", str),
    decisions=pick(d, "library.decision", list(Decision), "lib_decision",
                   lambda v: enum_label(v, "decision")),
    outcomes=pick(e, "library.outcome", list(Outcome), "lib_outcome",
                  lambda v: enum_label(v, "outcome")),
    text=search,
)  # fmt: skip
rows = s.learning_library(chosen)
total = len(s.learning_library())
st.caption(tr("library.count", shown=fmt_number(len(rows), L), total=fmt_number(total, L)))
if rows.empty:
    st.info(tr("library.none") if total else tr("library.empty"), icon=":material/lightbulb:")
    st.stop()

# Shown as dataframe cells: the team's own words stay text, never Markdown.
table = rows.assign(
    decision=rows["decision"].map(lambda v: enum_label(v, "decision")),
    outcome=rows["outcome"].map(
        lambda v: enum_label(v if isinstance(v, str) else "none", "outcome")
    ),
    tags=rows["tags"].map(lambda v: ", ".join(v)),
    carried_into=rows["carried_into"].map(lambda v: "" if pd.isna(v) else str(int(v))),
    confidence=rows["confidence"].map(
        lambda v: tr(f"loop.confidence.{v if isinstance(v, str) else 'none'}")
    ),
    channels=rows["channels"].map(lambda v: ", ".join(v)),
)
columns = {
    "campaign": st.column_config.TextColumn(tr("library.campaign")),
    "cycle": st.column_config.NumberColumn(tr("library.cycle"), format="%d"),
    "statement": st.column_config.TextColumn(tr("library.statement"), width="large"),
    "decision": st.column_config.TextColumn(tr("library.decision")),
    "outcome": st.column_config.TextColumn(tr("library.outcome")),
    "confidence": st.column_config.TextColumn(tr("library.confidence")),
    "times_carried": st.column_config.NumberColumn(tr("library.times_carried"), format="%d×"),
    "confirmed": st.column_config.NumberColumn(tr("library.confirmed"), format="%d"),
    "contradicted": st.column_config.NumberColumn(tr("library.contradicted"), format="%d"),
    "tags": st.column_config.TextColumn(tr("library.tag")),
    "channels": st.column_config.TextColumn(tr("library.channel")),
    "carried_into": st.column_config.TextColumn(tr("library.carried_into")),
    "evidence": st.column_config.TextColumn(tr("library.evidence"), width="medium"),
}
# Rows taller than 4rem make the grid wrap long text instead of cutting it off.
ROW_HEIGHT = 84
st.dataframe(table, key="lib_table", hide_index=True, column_order=list(columns),
             column_config=columns, row_height=ROW_HEIGHT,
             height=min(ROW_HEIGHT * len(table) + 40, 720))  # fmt: skip
