"""Overview: every campaign with its position in the loop; the empty state on a new database."""

from __future__ import annotations

import streamlit as st

from experiments import overview
from experiments.demo import load_demo
from experiments.i18n import fmt_date
from experiments.models import Alias
from views.common import attempt, flash, lang, store, tr

s = store()
st.title(tr("overview.title"))

if s.is_empty():
    st.info(tr("overview.empty"), icon=":material/rocket_launch:")
    left, right = st.columns(2)
    with left:
        st.subheader(tr("overview.demo_heading"))
        st.caption(tr("overview.demo_help"))
        if st.button(tr("overview.load_demo"), key="load_demo", type="primary"):
            with st.spinner(tr("overview.loading_demo")):
                if attempt(lambda: load_demo(s)) is not None:
                    flash(tr("overview.demo_loaded"))
                    st.rerun()
    with right:
        st.subheader(tr("overview.create_heading"))
        with st.form("create_campaign"):
            name = st.text_input(tr("campaign.name"), key="new_campaign_name")
            channels = st.text_input(tr("campaign.channels_help"), key="new_campaign_channels")
            alias = st.text_input(tr("campaign.alias_help"), key="new_campaign_alias")
            if st.form_submit_button(tr("overview.create_campaign")):
                created = attempt(
                    lambda: s.create_campaign(
                        name,
                        channels=tuple(channels.split(",")),
                        aliases=(Alias(alias.strip()),) if alias.strip() else (),
                    )
                )
                if created is not None:
                    flash(tr("overview.campaign_created", name=created.name))
                    st.rerun()
    st.stop()

rows = overview.campaign_rows(s)
st.subheader(tr("overview.campaigns"))
for row in rows:
    with st.container(border=True):
        head, phase, window = st.columns([3, 2, 2])
        head.markdown(f"**{tr('overview.campaign')}**")
        head.text(row["name"])
        if row["channels"]:
            head.caption(", ".join(row["channels"]))
        if row["cycle"]:
            phase.metric(tr("overview.cycle_n", n=row["cycle"]), tr(f"phase.{row['phase']}"))
            window.caption(tr("overview.window"))
            window.text(f"{fmt_date(row['start'], lang())} – {fmt_date(row['end'], lang())}")
        else:
            phase.caption(tr("overview.no_cycle"))
        if row["brief_missing"]:
            missing = ", ".join(tr(f"brief.{m}") for m in row["brief_missing"])
            st.warning(tr("overview.brief_incomplete", missing=missing), icon=":material/warning:")
