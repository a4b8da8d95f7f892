"""Audit: every change in words, who made it and when (admins; the store records it all)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
import streamlit as st

from experiments import audit_words
from experiments.i18n import fmt_date
from views.common import lang, reported, store, tr

s = store()
st.title(tr("audit.title"))
st.caption(tr("audit.intro"))

with reported():
    left, right = st.columns(2)
    today = datetime.now(UTC).date()
    since = left.date_input(tr("audit.since"), value=today - timedelta(days=30), key="audit_since",
                            max_value=today, format="YYYY-MM-DD")  # fmt: skip
    kinds = ["", *s.audit_entities()]
    kind = right.selectbox(tr("audit.kind"), kinds, key="audit_kind",
                           format_func=lambda k: k or tr("audit.kind_all"))  # fmt: skip
    start = datetime.combine(since if isinstance(since, date) else today, time())
    rows = audit_words.happenings(s, lang(), kind or None, start, limit=1000)
    if rows:
        st.dataframe(
            pd.DataFrame([{tr("audit.when"): fmt_date(h.happened_at, lang()),
                           tr("audit.who"): h.who, tr("audit.what"): h.text} for h in rows]),
            hide_index=True, width="stretch",
        )  # fmt: skip
    else:
        st.info(tr("audit.none"), icon=":material/history:")
