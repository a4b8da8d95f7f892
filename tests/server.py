"""The dashboard's real server for browser tests and benchmarks, started as users start it.

``python -m experiments serve`` builds the command line (``serve.command``); this module only
picks a free loopback port and waits for Streamlit's health endpoint.
"""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from experiments.commands.serve import LOCAL_ADDRESS, ROOT, command


@dataclass
class Server:
    url: str
    db: Path | str
    process: subprocess.Popen[bytes]


def free_port() -> int:
    """Return a port nobody listens on at the moment, on the loopback address."""
    with socket.socket() as s:
        s.bind((LOCAL_ADDRESS, 0))
        return int(s.getsockname()[1])


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, limit: float = 180) -> None:
    """Poll the server's health endpoint until it answers; fail with its log if it exits.

    The limit only ends a start that never comes: a busy machine may take long to start one.
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"the server did not answer within {limit:.0f} s:\n{log.read_text()}")


def start_server(db: Path | str, log: Path, port: int | None = None, team: bool = False,
                 options: tuple[str, ...] = ()) -> Server:  # fmt: skip
    """Start the dashboard as ``experiments serve`` (``--team``) does, on ``db``, with further
    Streamlit ``options``, and wait until healthy."""
    port = port or free_port()
    argv, env = command(str(db), port, team=team)
    argv += list(options)
    # Tests change no source while the server runs: no file watcher threads.
    argv += ["--server.fileWatcherType", "none"]
    process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log.open("wb"),
                               stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://{LOCAL_ADDRESS}:{port}"
    wait_healthy(url, process, log)
    return Server(url, db, process)


def stop_server(srv: Server) -> None:
    """Stop a server started by start_server."""
    srv.process.terminate()
    srv.process.wait(timeout=60)
