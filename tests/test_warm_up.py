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
