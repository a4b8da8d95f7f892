"""``serve [--port N] [--team [--address HOST]]``: the dashboard, in local or team mode.

Local mode must listen on 127.0.0.1 however the app is started, so the address is passed on the
command line, which outranks .streamlit/config.toml and STREAMLIT_* environment variables. Team
mode (everyone signs in; experiments/team.py) may listen elsewhere, and starts only when an
active admin can sign in, so nobody is locked out of their own team's tracker; the first admin
may come from the configuration (experiments/team.py, ``first_admin``).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from experiments.cli import Context
from experiments.errors import Conflict, InvalidInput
from experiments.team import make_first_admin, provider_configured

ROOT = Path(__file__).resolve().parents[2]
LOCAL_ADDRESS = "127.0.0.1"


def register(sub: Any) -> None:
    """Add this command to the command line."""
    p = sub.add_parser("serve", help="start the dashboard (local mode: this machine only)")
    p.add_argument("--port", type=int, default=8501, help="port (default 8501)")
    p.add_argument("--team", action="store_true",
                   help="team mode: everyone signs in and sees their role's pages")  # fmt: skip
    p.add_argument("--address", default=LOCAL_ADDRESS,
                   help="team mode only: the address to listen on (default 127.0.0.1, e.g. "
                   "behind a reverse proxy that adds HTTPS)")  # fmt: skip
    p.set_defaults(handler=serve)


def command(
    db_target: str, port: int, team: bool = False, address: str = LOCAL_ADDRESS
) -> tuple[list[str], dict[str, str]]:
    """Return the streamlit command line and environment that serve the dashboard."""
    # views.launch loads what the pages need before the server listens, then runs
    # Streamlit's own ``run`` command on dashboard.py with these options.
    argv = [
        sys.executable, "-m", "views.launch",
        "--server.address", address, "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
    ]  # fmt: skip
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    mode = "team" if team else "local"
    return argv, {**os.environ, "TRACKER_DB": db_target, "PYTHONPATH": path, "TRACKER_MODE": mode}


def serve(args: argparse.Namespace, ctx: Context) -> int:
    """Run the command: migrate the database, then replace this process with the server."""
    if not args.team and args.address != LOCAL_ADDRESS:
        raise InvalidInput(
            f"local mode listens on {LOCAL_ADDRESS} only, where nobody signs in; add --team to "
            "serve a team (everyone then signs in)"
        )
    # Creates or migrates the database before the server opens it; in team mode, the first
    # admin named in the configuration is added when the team has no active admin yet.
    if args.team and (admin := make_first_admin(ctx.store)) is not None:
        ctx.print(f"added {admin.username} as the first admin, named by the configuration")
    if args.team and not ctx.store.admins_who_can_sign_in(provider_configured()):
        raise Conflict(
            "team mode needs an active admin with a password, or nobody could manage the team; "
            "run: python -m experiments user add NAME --role admin, then "
            "python -m experiments user password NAME"
        )
    ctx.store  # noqa: B018
    ctx.close()
    argv, env = command(ctx.db_target, args.port, args.team, args.address)
    where = "team mode, sign-in required" if args.team else "this machine only"
    ctx.print(f"Launch & Learn on http://{args.address}:{args.port} ({where})")
    sys.stdout.flush()
    os.execve(sys.executable, argv, env)
    return 0  # not reached: execve does not return
