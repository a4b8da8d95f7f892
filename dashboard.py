"""Launch & Learn dashboard: page setup, language, and navigation. No logic lives here."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from experiments.errors import DatabaseTrouble  # noqa: E402
from experiments.i18n import LANGS  # noqa: E402
from experiments.models import Role  # noqa: E402
from experiments.team import pages_for, team_mode  # noqa: E402
from views.common import (  # noqa: E402
    keep_lang_in_url,
    lang,
    log_unexpected_error,
    relabel_selects,
    show_flash,
    show_trouble,
    stop_on_database_trouble,
    tr,
    warm_up,
)
from views.sign_in import sign_in_form, sign_out_button, signed_in  # noqa: E402

# The icon is a file of ours: a Material icon as page icon made the browser fetch it from a font
# service outside this machine.
st.set_page_config(page_title="Launch & Learn", page_icon=str(ROOT / "assets" / "icon.png"),
                   layout="wide")  # fmt: skip

lang()  # sets the default language from the browser before the switch is drawn
st.sidebar.selectbox(
    tr("nav.language"),
    LANGS,
    key="lang",
    format_func=lambda code: {"en": "English", "de": "Deutsch"}[code],
    on_change=relabel_selects,
)
keep_lang_in_url()
# A database that cannot be opened (in use, too new, damaged, not ours) is the only page shown.
stop_on_database_trouble()

# key: (title key, icon); views/<key>.py. Each role sees its own pages (experiments/team.py).
PAGES = {
    "overview": ("nav.overview", ":material/dashboard:"),
    "mywork": ("nav.mywork", ":material/checklist:"),
    "goals": ("nav.goals", ":material/flag:"),
    "campaigns": ("nav.campaigns", ":material/campaign:"),
    "cycle": ("nav.cycle", ":material/autorenew:"),
    "learnings": ("nav.learnings", ":material/lightbulb:"),
    "timeline": ("nav.timeline", ":material/calendar_month:"),
    "compare": ("nav.compare", ":material/compare_arrows:"),
    "imports": ("nav.import", ":material/upload_file:"),
    "team": ("nav.team", ":material/group:"),
    "audit": ("nav.audit", ":material/history:"),
}

# In team mode nothing but the sign-in form is drawn until someone has signed in.
who = signed_in() if team_mode() else None
if team_mode():
    if who is None:
        # The form under every page's address, its navigation hidden: a shared link opens the
        # form (and, once signed in, the page it names), and the previous member's page links
        # are not left in the sidebar after signing out.
        forms = [st.Page(sign_in_form, title=tr("sign_in.title"), url_path=key, default=i == 0)
                 for i, key in enumerate(PAGES)]  # fmt: skip
        st.navigation(forms, position="hidden").run()
        st.stop()
    sign_out_button(who)


role = who.actor.role if who is not None else Role.ADMIN  # local mode: the local admin
pages = [
    st.Page(
        str(ROOT / "views" / f"{key}.py"),
        title=tr(PAGES[key][0]),
        icon=PAGES[key][1],
        default=(i == 0),
    )
    for i, key in enumerate(pages_for(role))
]
page = st.navigation(pages)
show_flash()
try:
    page.run()
except DatabaseTrouble as e:  # damage found by a read: what to do, instead of a reference
    show_trouble(e)
except Exception:  # Streamlit's rerun and stop are BaseExceptions and pass through
    # Users see a reference, never a traceback (client.showErrorDetails is "none"); the admin
    # finds the traceback under the same reference in the server log.
    st.error(tr("error.unexpected", ref=log_unexpected_error()))
finally:
    # After the page is drawn (also when it stops or reruns), so the first answer does not wait.
    warm_up()
