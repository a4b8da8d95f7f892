"""Campaigns: create and edit a campaign with its whole brief; see what the brief still lacks."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import streamlit as st

from experiments import loop, money
from experiments.campaigns import aliases_text, parse_aliases
from experiments.i18n import fmt_date, fmt_money, fmt_number
from experiments.models import Campaign, CampaignStatus, RelationshipFocus, new_id
from experiments.reports import build_report, report_file_name
from experiments.safe_text import escape_markdown
from experiments.store import Area
from views.common import attempt, can, enum_label, flash, lang, store, tr, tr_count

s = store()
L = lang()
NEW = "new"
STAKEHOLDERS = ["Sales", "HR", "PR", "Management", "Customer service", "Works council"]
CHANNELS = ["Meta", "Instagram", "Facebook", "LinkedIn", "TikTok", "Google Ads", "YouTube",
            "Newsletter", "Website", "Trade fair"]  # fmt: skip
FIELDS = ("name", "status", "audience", "goals", "focus", "budget", "hours", "competition",
          "success", "channels", "stakeholders", "aliases")  # fmt: skip


def fill(campaign: Campaign | None) -> None:
    """Put a campaign's brief into the form's widgets (empty for a new campaign)."""
    c = campaign or Campaign(new_id(), "")
    values = (c.name, c.status, c.audience, list(c.goal_ids), c.relationship_focus, c.budget,
              c.people_hours, c.competitive_context, c.success_measure, list(c.channels),
              list(c.stakeholders), aliases_text(c.aliases))  # fmt: skip
    st.session_state.update({f"brief_{k}": v for k, v in zip(FIELDS, values, strict=True)})
    # The campaign as the form shows it: a save refuses what someone changed since.
    st.session_state["_brief_seen"] = campaign


def brief_form(campaign: Campaign | None) -> Campaign | None:
    """Draw the brief form; return the edited campaign when it is submitted."""
    goals = {g.id: g.name for g in s.goals()}
    known = {str(k): None for k in (*CHANNELS, *(campaign.channels if campaign else ()))}
    people = {str(k): None for k in (*STAKEHOLDERS, *(campaign.stakeholders if campaign else ()))}
    with st.form("brief"):
        a, b = st.columns([3, 1])
        name = a.text_input(tr("campaigns.name"), key="brief_name")
        statuses: list[CampaignStatus] = list(CampaignStatus)
        status = b.selectbox(tr("campaigns.status"), statuses, key="brief_status",
                             format_func=lambda v: enum_label(v, "campaign_status"))  # fmt: skip
        st.markdown(f"**{tr('campaigns.essentials')}**")
        audience = st.text_area(tr("campaigns.audience"), key="brief_audience",
                                placeholder=tr("campaigns.audience_hint"))  # fmt: skip
        goal_ids = st.multiselect(tr("campaigns.goals"), list(goals), key="brief_goals",
                                  format_func=lambda g: goals.get(g, "?"),
                                  placeholder=tr("campaigns.goals_hint") if goals
                                  else tr("campaigns.no_goals"))  # fmt: skip
        success = st.text_area(tr("campaigns.success"), key="brief_success",
                               placeholder=tr("campaigns.success_hint"))  # fmt: skip
        st.markdown(f"**{tr('campaigns.context')}**")
        focus = st.radio(
            tr("campaigns.focus"),
            [None, *RelationshipFocus],
            key="brief_focus",
            horizontal=True,
            format_func=lambda v: tr(f"campaigns.focus.{v or 'none'}"),
        )
        a, b = st.columns(2)
        # A new campaign has no account currency yet (it is set once the campaign exists, or
        # the first import that names one decides): its label names no currency rather than
        # guess the workspace default, which the first import may overrule.
        if campaign is None:
            budget_label, explain = tr("campaigns.budget_new"), tr("campaigns.budget_new_help")
        else:
            code = money.account_currency(s, campaign.id)
            budget_label, explain = tr("campaigns.budget", code=code), None
        budget = a.number_input(budget_label, min_value=0.0, step=500.0, key="brief_budget",
                                help=explain)  # fmt: skip
        hours = b.number_input(tr("campaigns.hours"), min_value=0.0, step=10.0, key="brief_hours")
        competition = st.text_area(tr("campaigns.competition"), key="brief_competition")
        a, b = st.columns(2)
        channels = a.multiselect(
            tr("campaigns.channels"),
            list(known),
            key="brief_channels",
            accept_new_options=True,
            placeholder=tr("cycle.choose"),
        )
        stakeholders = b.multiselect(
            tr("campaigns.stakeholders"),
            list(people),
            key="brief_stakeholders",
            accept_new_options=True,
            placeholder=tr("cycle.choose"),
        )
        aliases = st.text_area(
            tr("campaigns.aliases"),
            key="brief_aliases",
            help=tr("campaigns.aliases_help"),
            placeholder="meta: Spring Sale 2026\ngoogle_ads: SPRING_SALE",
        )
        label = tr("campaigns.save") if campaign else tr("campaigns.create")
        if not st.form_submit_button(label, type="primary"):
            return None
    base = campaign or Campaign(new_id(), "")
    return replace(
        base, name=name, status=CampaignStatus(status), audience=audience,
        goal_ids=tuple(goal_ids), relationship_focus=focus, budget=budget, people_hours=hours,
        competitive_context=competition, success_measure=success, channels=tuple(channels),
        stakeholders=tuple(stakeholders), aliases=parse_aliases(aliases),
    )  # fmt: skip


def summary(campaign: Campaign) -> None:
    """Show where the campaign stands: its cycles, its spend plan, its open criticism."""
    cycles = s.cycles(campaign.id)
    current = loop.current_cycle(s, campaign.id)
    code = money.account_currency(s, campaign.id)
    a, b, c = st.columns(3)
    a.metric(tr("campaigns.cycles"), fmt_number(len(cycles), L))
    if current is not None:
        b.metric(tr("overview.cycle_n", n=current.number), enum_label(current.phase, "phase"))
        c.metric(tr("campaigns.budget", code=code), fmt_money(campaign.budget, L, code))
        st.caption(tr("cycle.window", start=fmt_date(current.start, L),
                      end=fmt_date(current.end, L)))  # fmt: skip
    label = tr("campaigns.open_cycle") if current else tr("campaigns.plan_cycle")
    go, download = st.columns([1, 1])
    again, name = s.fresh, campaign.name
    download.download_button(
        tr("report.download"), key="campaign_report", icon=":material/download:",
        data=lambda: build_report(again(), name, lang=L),
        file_name=report_file_name(name, None, None), mime="text/html", on_click="ignore",
    )  # fmt: skip
    if go.button(label, key="to_cycle", icon=":material/autorenew:"):
        st.session_state["cycle_focus"] = str(current.id) if current else None
        st.session_state["cycle_campaign"] = str(campaign.id)
        st.session_state.pop("cycle_number", None)
        st.switch_page("views/cycle.py")
    criticism = [(c.feedback, c.cycle_number) for c in s.open_criticism()
                 if c.campaign_id == campaign.id]  # fmt: skip
    if criticism:
        st.warning(tr_count("campaigns.open_criticism", len(criticism)), icon=":material/report:")
        for f, n in criticism:
            st.text(f"• {tr('overview.cycle_n', n=n)}: {f.text}")


def currency_section(campaign: Campaign) -> None:
    """Show the account currency the campaign's money is in; a marketer may set it."""
    code = s.account_currency(campaign.id)
    st.caption(tr("campaigns.currency_now", code=code or money.DEFAULT_CURRENCY))
    if not can(Area.CAMPAIGN):
        return
    with st.form("currency_form"):
        typed = st.text_input(tr("campaigns.currency"), value=code or "", key="campaign_currency",
                              help=tr("campaigns.currency_help"))  # fmt: skip
        if not st.form_submit_button(tr("campaigns.currency_save")):
            return
    now_in = attempt(partial(money.set_account_currency, s, campaign, typed))
    if now_in is not None:
        flash(tr("campaigns.currency_saved", name=escape_markdown(campaign.name), code=now_in))
        st.rerun()


st.title(tr("campaigns.title"))
campaigns = {str(c.id): c for c in s.campaigns()}
if "_campaign_pick_next" in st.session_state:
    st.session_state["campaign_pick"] = st.session_state.pop("_campaign_pick_next")
if st.session_state.get("campaign_pick") not in (NEW, *campaigns):
    st.session_state["campaign_pick"] = next(iter(campaigns), NEW)
if not campaigns and not can(Area.CAMPAIGN):
    st.info(tr("campaigns.none_to_read"), icon=":material/campaign:")
    st.stop()
choice = st.selectbox(
    tr("campaigns.pick"), [NEW, *campaigns] if can(Area.CAMPAIGN) else list(campaigns),
    key="campaign_pick",
    format_func=lambda i: tr("campaigns.new") if i == NEW else campaigns[i].name,
)  # fmt: skip
campaign = campaigns.get(choice)
if st.session_state.get("_brief_for") != choice:
    fill(campaign)
    st.session_state["_brief_for"] = choice

if campaign is not None:
    missing = campaign.missing_essentials()
    if missing:
        names = ", ".join(tr(f"brief.{m}") for m in missing)
        st.warning(tr("overview.brief_incomplete", missing=names), icon=":material/warning:")
    else:
        st.success(tr("campaigns.brief_complete"), icon=":material/task_alt:")
    summary(campaign)
    currency_section(campaign)

if not can(Area.CAMPAIGN):  # a viewer or an analyst reads the brief; the store would refuse
    st.stop()
edited = brief_form(campaign)
if edited is not None:
    seen = st.session_state.get("_brief_seen")
    save = partial(s.update_campaign, edited, seen) if campaign else partial(s.add_campaign, edited)
    stored = attempt(save)
    if stored is not None:
        st.session_state["_campaign_pick_next"] = str(stored.id)
        st.session_state["_brief_for"] = None
        flash(tr("campaigns.saved", name=escape_markdown(stored.name)))
        st.rerun()
