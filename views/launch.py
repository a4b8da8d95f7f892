"""Start the dashboard's server: ``python -m views.launch <streamlit options>`` (run by ``serve``).

Loads and rehearses what the pages compute (experiments.warm), then fills what the pages keep per
process for the served database (views.shared.prime), all before the server listens; then runs
Streamlit's own ``run`` command on dashboard.py in this process.
"""

from __future__ import annotations

import sys
from pathlib import Path

from streamlit.web import cli

from experiments import warm
from experiments.db import default_target

DASHBOARD = Path(__file__).resolve().parents[1] / "dashboard.py"


def main(options: list[str]) -> None:
    """Preload, rehearse and prime, then run Streamlit's ``run`` on the dashboard with
    ``options``."""
    warm.preload()
    warm.rehearse()
    from views import shared  # imports Streamlit's caching, as the pages will

    shared.prime(default_target())
    cli.main(["run", str(DASHBOARD), *options], prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
