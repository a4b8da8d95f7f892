"""After the first page is drawn, the process loads in the background what other pages need."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.apptest import DASHBOARD

# A fresh interpreter: in the test process every module is long imported.
SCRIPT = f"""
import sys, threading
from streamlit.testing.v1 import AppTest
at = AppTest.from_file({str(DASHBOARD)!r}, default_timeout=120)
at.run()
assert not at.exception, at.exception
[t.join(120) for t in threading.enumerate() if t.name == "warm-up"]
print("after the warm-up:", "scipy.stats" in sys.modules, "openpyxl" in sys.modules)
"""


def test_the_first_run_starts_loading_the_slow_modules(demo_db: Path) -> None:
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True,
                         cwd=DASHBOARD.parent, timeout=300, check=True).stdout  # fmt: skip
    # The overview itself loads neither; the comparison and the XLSX export need them later.
    assert "after the warm-up: True True" in out


# A fresh interpreter again: the server's launcher loads and rehearses before it listens.
LAUNCH = """
import logging, sys
logging.basicConfig(level=logging.WARNING)
from experiments import warm
warm.preload()
warm.rehearse()
print("loaded:", all(name in sys.modules for name in warm.MODULES))
"""


def test_the_launcher_loads_every_page_module_and_its_rehearsal_runs_cleanly() -> None:
    done = subprocess.run([sys.executable, "-c", LAUNCH], capture_output=True, text=True,
                          cwd=DASHBOARD.parent, timeout=300, check=True)  # fmt: skip
    assert "loaded: True" in done.stdout
    # The rehearsal swallows its own failure so the server still starts; here it must not fail.
    assert "warm-up skipped" not in done.stderr, done.stderr


def test_serve_starts_the_launcher_with_local_options() -> None:
    from experiments.commands.serve import command

    argv, env = command("some.duckdb", 8765)
    assert argv[1:3] == ["-m", "views.launch"]
    assert argv[argv.index("--server.address") + 1] == "127.0.0.1"
    assert argv[argv.index("--server.port") + 1] == "8765"
    assert env["TRACKER_DB"] == "some.duckdb"


# A fresh interpreter: what the launcher primes must be what the pages find. With the
# computations broken after priming, the overview, goals and compare pages still render their
# goals, charts and comparison, so they were taken from what was kept, not computed again.
PRIMED = f"""
import logging, sys
logging.basicConfig(level=logging.WARNING)
from experiments import charts, compare_view, goals, overview
from experiments.db import default_target
from views import shared
shared.prime(default_target())
def broken(*args, **kwargs):
    raise RuntimeError("computed again after priming")
goals.progress = overview.spend_rows = charts.goal_chart = compare_view.cycles = broken
from streamlit.testing.v1 import AppTest
for page in (None, "views/goals.py", "views/compare.py"):
    at = AppTest.from_file({str(DASHBOARD)!r}, default_timeout=120)
    if page:
        at.switch_page(page)
    at.run()
    assert not at.exception, (page, [e.value for e in at.exception])
    assert not at.error, (page, [e.value for e in at.error])
    print(page, "charts:", len(at.get("plotly_chart")), "images:", len(at.get("image")))
"""


def test_what_the_launcher_primes_is_what_the_first_pages_use(demo_db: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PRIMED], capture_output=True, text=True,
                          cwd=DASHBOARD.parent, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    assert "priming skipped" not in done.stderr, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("None charts:")
    assert "images: 0" not in lines[0]  # the overview's sparklines
    assert lines[1] == "views/goals.py charts: 1 images: 0"  # the first goal's chart
    assert lines[2].startswith("views/compare.py charts:")
    assert "charts: 0" not in lines[2]  # the comparison's forest
