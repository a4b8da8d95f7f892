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

# (script, title key, icon); only pages that work are listed.
PAGES = [
    ("views/overview.py", "nav.overview", ":material/dashboard:"),
    ("views/goals.py", "nav.goals", ":material/flag:"),
    ("views/campaigns.py", "nav.campaigns", ":material/campaign:"),
    ("views/cycle.py", "nav.cycle", ":material/autorenew:"),
    ("views/learnings.py", "nav.learnings", ":material/lightbulb:"),
    ("views/timeline.py", "nav.timeline", ":material/calendar_month:"),
    ("views/compare.py", "nav.compare", ":material/compare_arrows:"),
    ("views/imports.py", "nav.import", ":material/upload_file:"),
]

pages = [
    st.Page(str(ROOT / path), title=tr(title), icon=icon, default=(i == 0))
    for i, (path, title, icon) in enumerate(PAGES)
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
