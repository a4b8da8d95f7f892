"""``serve [--port N]``: the dashboard on this machine only (local mode).

Local mode must listen on 127.0.0.1 however the app is started, so the address is passed on the
command line, which outranks .streamlit/config.toml and STREAMLIT_* environment variables.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from experiments.cli import Context

ROOT = Path(__file__).resolve().parents[2]
LOCAL_ADDRESS = "127.0.0.1"


def register(sub: Any) -> None:
    """Add this command to the command line."""
    p = sub.add_parser("serve", help="start the dashboard on this machine only (127.0.0.1)")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.set_defaults(handler=serve)


def command(db_target: str, port: int) -> tuple[list[str], dict[str, str]]:
    """Return the streamlit command line and environment that serve the dashboard locally."""
    # views.launch loads what the pages need before the server listens, then runs
    # Streamlit's own ``run`` command on dashboard.py with these options.
    argv = [
        sys.executable, "-m", "views.launch",
        "--server.address", LOCAL_ADDRESS, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return argv, {**os.environ, "TRACKER_DB": db_target, "PYTHONPATH": path}


def serve(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command: migrate the database, then replace this process with the server."""
    ctx.store  # noqa: B018 — creates or migrates the database before the server opens it
    ctx.close()
    argv, env = command(ctx.db_target, args.port)
    ctx.print(f"Launch & Learn on http://{LOCAL_ADDRESS}:{args.port} (this machine only)")
    sys.stdout.flush()
    os.execve(sys.executable, argv, env)
    return 0  # not reached: execve does not return
