"""Creating a database and importing a file load neither the statistics nor the pages.

An import of a million rows takes about two seconds; a CLI that loaded the statistics
(scipy, statsmodels) or the pages' libraries for every command spent more than that before
reading a byte (bench/RESULTS.md, "Import"). Each case runs one command in a fresh interpreter
and lists the heavy modules it loaded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
# charset_normalizer only for a file that is not UTF-8 (tests/test_import_encodings.py).
HEAVY = ("scipy", "statsmodels", "plotly", "streamlit", "openpyxl", "charset_normalizer")

RUN = """
import contextlib, io, sys
from experiments.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
    code = main(sys.argv[1:])
heavy = [m for m in {heavy!r} if m in sys.modules]
print(code, ",".join(heavy))
"""


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["init"], id="init"),
        pytest.param(["import", str(FIXTURES / "meta_en.csv")], id="import a Meta CSV"),
        pytest.param(
            ["import", str(FIXTURES / "google_ads_de_period.csv")],
            id="import a German Google Ads period report",
        ),
    ],
)
def test_init_and_import_load_no_statistics_and_no_pages(
    command: list[str], tmp_path: Path
) -> None:
    db = tmp_path / "t.duckdb"
    done = subprocess.run(
        [sys.executable, "-c", RUN.format(heavy=HEAVY), "--db", str(db), *command],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    code, _, heavy = done.stdout.strip().splitlines()[-1].partition(" ")
    assert code == "0"
    assert heavy.strip() == "", f"{command[0]} loaded {heavy}"
