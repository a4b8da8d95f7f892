"""Team: the members, their roles and passwords (admins only; the store refuses anyone else)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from experiments.backup import backup_now
from experiments.db import default_target
from experiments.i18n import fmt_number
from experiments.models import Role
from experiments.safe_text import escape_markdown
from experiments.team import team_mode
from views.common import attempt, done, lang, reported, store, tr

s = store()
st.title(tr("team.title"))
st.caption(tr("team.intro_team" if team_mode() else "team.intro_local"))

ROLES = list(Role)


def role_label(role: Role) -> str:
    return tr(f"team.role.{role}")


with reported():
    members = s.users()
    if members:
        st.dataframe(
            pd.DataFrame([{tr("team.username"): u.username, tr("team.name"): u.display_name,
                           tr("team.role"): role_label(u.role),
                           tr("team.active"): tr("team.yes") if u.active else tr("team.no")}
                          for u in members]),
            hide_index=True,
        )  # fmt: skip
    else:
        st.info(tr("team.none_yet"), icon=":material/group_add:")

    with st.expander(tr("team.add"), expanded=not members), st.form("team_add"):
        a, b = st.columns(2)
        username = a.text_input(tr("team.username"), help=tr("team.username_help"))
        name = b.text_input(tr("team.name"))
        role = a.selectbox(tr("team.role"), ROLES, format_func=role_label, key="team_add_role")
        password = b.text_input(tr("team.password"), type="password",
                                help=tr("team.password_help"))  # fmt: skip
        if st.form_submit_button(tr("team.add_submit"), type="primary"):
            added = attempt(lambda: s.add_user(username, name, role, password or None))
            if added is not None:
                done(tr("team.added", name=added.username))

    if members:
        st.subheader(tr("team.change"))
        by_name = {u.username: u for u in members}
        picked = by_name[st.selectbox(tr("team.member"), list(by_name), key="team_member")]
        left, mid, right = st.columns(3)
        new_role = left.selectbox(tr("team.role"), ROLES, index=ROLES.index(picked.role),
                                  format_func=role_label,
                                  key=f"team_role_{picked.username}")  # fmt: skip
        if left.button(tr("team.role_submit"), key="team_role_submit"):
            if attempt(lambda: s.set_role(picked.username, new_role)) is not None:
                done(tr("team.role_saved", name=picked.username, role=role_label(new_role)))
        secret = mid.text_input(tr("team.password"), type="password",
                                key=f"team_password_{picked.username}",
                                help=tr("team.password_help"))  # fmt: skip
        if mid.button(tr("team.password_submit"), key="team_password_submit"):
            if attempt(lambda: s.set_password(picked.username, secret)) is not None:
                done(tr("team.password_saved", name=picked.username))
        label = "team.deactivate" if picked.active else "team.reactivate"
        if right.button(tr(label), key="team_active_submit"):
            if attempt(lambda: s.set_active(picked.username, not picked.active)) is not None:
                done(tr(f"{label}_done", name=picked.username))

st.subheader(tr("team.backup"))
st.caption(tr("team.backup_intro"))
if st.button(tr("team.backup_submit"), key="team_backup", icon=":material/backup:"):
    made = attempt(lambda: backup_now(s, default_target()))
    if made is not None:
        folder, manifest = made
        done(tr("team.backup_done", rows=fmt_number(manifest.rows, lang()),
                tables=len(manifest.tables), folder=escape_markdown(str(folder))))  # fmt: skip
