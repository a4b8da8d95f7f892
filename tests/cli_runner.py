"""Run the command line inside the test process, as a person's shell would see it."""

from __future__ import annotations

import contextlib
import io

from experiments.cli import main
from experiments.sql_params import bind_by_literals
from experiments.store.facts import append_unordered


def run_cli(*argv: str) -> tuple[int, str, str]:
    """Return (exit code, stdout, stderr) of ``python -m experiments ARGV``; argparse's own
    errors leave through SystemExit and are caught like the shell would. Values go into the
    statements as literals and imports append rows in any order, as in ``python -m
    experiments`` (sql_params.py, store/facts.py)."""
    out, err = io.StringIO(), io.StringIO()
    bind_by_literals(True)
    append_unordered(True)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(argv), stdout=out, stderr=err)
        except SystemExit as e:
            code = int(e.code or 0)
        finally:
            bind_by_literals(False)
            append_unordered(False)
    return code, out.getvalue(), err.getvalue()
