"""The command line: ``python -m experiments [--db PATH] COMMAND …``.

Commands live in ``experiments/commands/``, one module per area, each with a ``register``
function; adding a command touches only its module. Read commands take ``--json`` and then print
exactly one JSON document. Errors are one ``error:`` line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NoReturn, TextIO

from experiments import commands
from experiments.db import Database, default_target
from experiments.errors import TrackerError
from experiments.store import Store, to_json
from experiments.store.sessions import SignIn


class _Parser(argparse.ArgumentParser):
    """An argument parser whose mistakes are one ``error:`` line, like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"error: {message} (see '{self.prog} --help')\n")


@dataclass
class Context:
    """What a command handler gets: the open store and where to write."""

    db_target: str
    # Who the command acts as: a team member's username (``--as``), else the local admin.
    acting_as: str | None = None
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    _db: Database | None = None
    _store: Store | None = None

    @property
    def store(self) -> Store:
        """Open (and migrate) the database on first use."""
        if self._store is None:
            self._db = Database.open(self.db_target)
            # Whoever runs the command can open the database file anyway, so naming a member
            # is enough to act as them: their role from the users table then decides what the
            # command may change, and the audit records their name. Without --as, the local
            # admin acts, as in local mode.
            session = SignIn(self._db).member(self.acting_as) if self.acting_as else None
            self._store = Store(self._db, session)
        return self._store

    def print(self, text: str = "") -> None:
        print(text, file=self.stdout)

    def print_json(self, document: Any) -> None:
        """Print exactly one JSON document."""
        self.stdout.write(json.dumps(json.loads(to_json(document)), indent=2, ensure_ascii=False))
        self.stdout.write("\n")

    def warn(self, text: str) -> None:
        print(f"warning: {text}", file=self.stderr)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = self._store = None


Handler = Callable[[argparse.Namespace, Context], int]


def iso_date(text: str) -> date:
    """Return the date an argument names as YYYY-MM-DD; argparse turns a refusal into error:."""
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not a date; write it as YYYY-MM-DD"
        ) from None


def build_parser() -> argparse.ArgumentParser:
    """Return the parser with every command module's commands registered."""
    parser = _Parser(
        prog="python -m experiments",
        description="Launch & Learn: the experiment tracker for marketing and social-media teams.",
    )
    parser.add_argument(
        "--db",
        default=None,
        help="database file (default: $TRACKER_DB, else data/tracker.duckdb)",
    )
    parser.add_argument(
        "--as",
        dest="acting_as",
        metavar="USERNAME",
        default=None,
        help="act as this team member (their role decides what may change; the audit names "
        "them); default: the local admin",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None,
         stderr: TextIO | None = None) -> int:  # fmt: skip
    """Run one command; return the process exit code."""
    args = build_parser().parse_args(argv)
    ctx = Context(args.db or default_target(), acting_as=args.acting_as)
    if stdout is not None:
        ctx.stdout = stdout
    if stderr is not None:
        ctx.stderr = stderr
    try:
        try:
            handler: Handler = args.handler
            return handler(args, ctx)
        finally:
            ctx.close()  # closing writes the log into the file, which can fail too
    except TrackerError as e:
        print(f"error: {e.for_cli()}", file=ctx.stderr)
        return e.exit_code
    except BrokenPipeError:
        # The reader stopped reading (``… | head``): what it did not read is not an error.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
