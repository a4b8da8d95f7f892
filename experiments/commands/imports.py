"""``import FILE``: bring a platform export into the tracker (or check it with --dry-run)."""

from __future__ import annotations

import argparse
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

from experiments import link_suggestions
from experiments.cli import Context
from experiments.display import format_value, metric_name
from experiments.errors import InvalidInput
from experiments.i18n import t
from experiments.importers import decoding
from experiments.importers.registry import PLATFORMS
from experiments.metrics import METRICS, Aggregation

if TYPE_CHECKING:
    from experiments.importers.service import ImportSummary
    from experiments.link_suggestions import LinkSuggestions


def register(sub: Any) -> None:
    """Add the ``import`` command to the CLI's subcommands."""
    p = sub.add_parser("import", help="import a platform export (CSV, TSV, TXT or XLSX)")
    p.add_argument("file", help="the export exactly as downloaded")
    p.add_argument(
        "--platform",
        help=f"skip detection: {', '.join(PLATFORMS)} or generic:<saved mapping name>",
    )
    p.add_argument("--sheet", help="the workbook sheet to read (default: the first export found)")
    p.add_argument("--dry-run", action="store_true", help="check and summarise, write nothing")
    p.add_argument(
        "--table", metavar="N|TITLE",
        help="for a file with several tables a platform knows (a GA4 Reports snapshot): the one "
        "to import, by its number (1 = the first known table, in file order) or its title from "
        "the '#' lines above it; without it such a file is refused, naming its tables",
    )  # fmt: skip
    gap = p.add_mutually_exclusive_group()
    gap.add_argument(
        "--past-blank-lines", dest="blank_lines", action="store_const", const="past",
        help="when rows of the same table follow a blank line inside the data, import them too",
    )  # fmt: skip
    gap.add_argument(
        "--stop-at-blank-line", dest="blank_lines", action="store_const", const="stop",
        help="when rows of the same table follow a blank line, import only the rows above it",
    )  # fmt: skip
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=import_file)


def _read(path: Path) -> bytes:
    if not path.is_file():
        raise InvalidInput(f"{path}: no such file — check the path and the file name")
    # Refused before reading, with the message an upload that is too large gets.
    decoding.check_size(path.stat().st_size, path.name)
    return path.read_bytes()


def import_file(args: argparse.Namespace, ctx: Context) -> int:
    """Import (or check) one file and print its summary; return the exit code."""
    # Imported here: every command module is loaded for each CLI call, the reader only for this.
    from experiments.importers import service
    from experiments.importers.gaps import BlankLines

    path = Path(args.file)
    summary = service.run(
        ctx.store,
        _read(path),
        path.name,
        platform=args.platform,
        sheet=args.sheet,
        dry_run=args.dry_run,
        source=path,
        blank_lines=BlankLines(args.blank_lines or BlankLines.REFUSE),
        table=args.table,
    )
    found = link_suggestions.suggest(ctx.store, summary.platform, summary.unlinked)
    if args.json:
        document = summary.as_json()
        document["link_suggestions"] = [s.as_json() for s in found.links]
        document["link_ambiguous"] = [a.as_json() for a in found.ambiguous]
        ctx.print_json(document)
    else:
        _print(summary, ctx)
    for notice in summary.notices:
        ctx.warn(t(notice.key, "en", **notice.values))
    if summary.unlinked and not args.json:
        ctx.warn(t("import.warn.unlinked", "en", names=", ".join(summary.unlinked[:10])))
        _suggest(found, ctx)
    return 0


def _suggest(found: LinkSuggestions, ctx: Context) -> None:
    for s in found.links:
        ctx.warn(t(f"import.warn.link_suggestion.{s.matched}", "en", source=s.source,
                   campaign=s.campaign, platform=s.platform, command=s.command()))  # fmt: skip
    for a in found.ambiguous:
        ctx.warn(t("import.warn.link_ambiguous", "en", source=a.source,
                   campaigns=", ".join(a.campaigns), quoted=shlex.quote(a.source)))  # fmt: skip


def _print(s: ImportSummary, ctx: Context) -> None:
    if s.duplicate_of is not None:
        ctx.print(f"{s.file} was imported before (import {s.duplicate_of}); nothing written")
        return
    verb = "would import" if s.dry_run else f"imported as {s.import_id}:"
    ctx.print(
        f"{s.file} {verb} {s.rows} rows from {s.platform_title} "
        f"({s.date_min} – {s.date_max}; {s.encoding}, delimiter {s.delimiter!r})"
    )
    if s.table is not None:
        ctx.print(f"table {s.table.label('en')}, of {len(s.tables)} a platform knows in the file")
    ctx.print(
        f"new {s.new_rows}, replaced {s.replaced_rows}, unchanged {s.unchanged_rows}; skipped "
        + ", ".join(f"{n} {why}" for why, n in s.skipped.items())
    )
    # Reach is a mean per day (never added across days): its name says so.
    ctx.print("totals: " + ", ".join(
        f"{metric_name(m, 'en', METRICS[m].file_aggregation is Aggregation.DAILY_MEAN)} "
        f"{format_value(m, v, 'en', s.currency)}"
        for m, v in s.totals.items() if v is not None
    ))  # fmt: skip
    if s.dry_run:
        ctx.print("dry run: nothing written")
