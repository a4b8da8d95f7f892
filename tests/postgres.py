"""A throw-away PostgreSQL cluster on 127.0.0.1 for the DuckLake-on-PostgreSQL cases.

The tests start it themselves from the installed server programs (``initdb``, ``pg_ctl``): no
service, no outside server. Each test gets a database of its own in it. Without PostgreSQL the
cases skip with the reason, unless TRACKER_REQUIRE_POSTGRES is set (``make test`` sets it, after
installing PostgreSQL), where they fail instead: nothing is skipped in CI.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

USER = "tracker"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    bin_dir: Path
    port: int
    _names: Iterator[int] = itertools.count(1)

    def dsn(self, dbname: str) -> str:
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user={USER}"

    def new_database(self) -> str:
        """Create an empty database in the cluster and return its name."""
        name = f"t{next(self._names)}"
        subprocess.run(
            [str(self.bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", USER, name],
            check=True, capture_output=True,
        )  # fmt: skip
        return name

    def lake_target(self, dbname: str | None = None) -> str:
        """Return the DuckLake target of a new (or the named) database of the cluster."""
        return f"ducklake:postgres:{self.dsn(dbname or self.new_database())}"


def _as_server_user(command: list[str]) -> list[str]:
    # PostgreSQL refuses to run as root; CI runs as root, so the server runs as its own account.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


class ClusterUnavailable(Exception):
    """PostgreSQL is not installed, or its cluster did not start; the text says which."""


@contextmanager
def running_cluster() -> Iterator[Cluster]:
    """Start a throw-away cluster on a free port of 127.0.0.1, yield it, stop and delete it."""
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise ClusterUnavailable("PostgreSQL is not installed")
    home = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres")
    data, port = home / "data", _free_port()
    started = False
    try:
        try:
            subprocess.run(
                _as_server_user([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                                 "-U", USER, "-E", "UTF8", "--no-sync"]),
                check=True, capture_output=True,
            )  # fmt: skip
            options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
            subprocess.run(
                _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                                 "-l", str(home / "log"), "-w", "start"]),
                check=True, capture_output=True,
            )  # fmt: skip
        except subprocess.CalledProcessError as e:
            detail = e.stderr.decode(errors="replace").strip()
            raise ClusterUnavailable(f"its test cluster did not start: {detail}") from e
        started = True
        yield Cluster(bin_dir, port)
    finally:
        if started:
            subprocess.run(
                _as_server_user([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate",
                                 "stop"]),
                capture_output=True,
            )  # fmt: skip
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres() -> Iterator[Cluster]:
    """A PostgreSQL cluster of this test session, on a free port of 127.0.0.1. Without one the
    DuckLake cases skip with the reason, or fail where TRACKER_REQUIRE_POSTGRES is set."""
    with ExitStack() as stack:
        try:
            cluster = stack.enter_context(running_cluster())
        except ClusterUnavailable as e:
            if os.environ.get("TRACKER_REQUIRE_POSTGRES"):
                pytest.fail(f"PostgreSQL is required here, but {e}")
            pytest.skip(f"DuckLake-on-PostgreSQL cases skipped: {e} (apt-get install postgresql)")
        yield cluster
