"""My work: what waits for the signed-in person (in local mode: everything nobody owns yet)."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd
import streamlit as st

from experiments.i18n import fmt_date
from experiments.mywork import my_work
from experiments.safe_text import escape_markdown
from views.common import lang, reported, store, tr

s = store()
st.title(tr("mywork.title"))

with reported():
    work = my_work(s, datetime.now(UTC).date(), lang())
    if work.with_unassigned:
        st.caption(tr("mywork.intro_local"))
    else:
        st.caption(tr("mywork.intro", name=escape_markdown(work.name)))
    if work.overdue:
        st.warning(tr("mywork.overdue", count=work.overdue), icon=":material/alarm:")
    if not work.items:
        st.info(tr("mywork.none"), icon=":material/task_alt:")
    else:
        # Every text people typed goes into dataframe cells: shown as text, never as Markdown.
        st.dataframe(
            pd.DataFrame([{
                tr("mywork.reason"): tr(f"mywork.reason.{i.reason}", by=i.by),
                tr("mywork.campaign"): i.campaign,
                tr("mywork.cycle"): i.cycle_number,
                tr("mywork.text"): i.text,
                tr("mywork.owner"): i.assignee or tr("mywork.nobody"),
                tr("mywork.due"): fmt_date(i.due, lang()) if i.due else "",
                tr("mywork.late"): "⚠" if i.overdue else "",
                tr("mywork.comment"): i.comment,
            } for i in work.items]),
            hide_index=True, width="stretch",
        )  # fmt: skip
