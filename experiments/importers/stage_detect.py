"""Stage 2 of an import: the header line, and the platform or saved mapping it is (pipeline.py).

The candidates are every registry entry and saved mapping, or the one the analyst named (an
override then only needs the date and campaign columns). The first line among the file's head
whose labels a candidate's dialect knows is the header. Where that header is the same for every
metric of the export (Meta Business Suite's "Date","Primary"), the title line above it decides
the metric and the source name of the rows (titles.py): what the file is, read in one place.
"""

from __future__ import annotations

from collections.abc import Sequence

from experiments.import_models import SavedMapping
from experiments.importers import decoding, refusals, registry, snapshot, tables, titles
from experiments.importers.pipeline import Decoded, Detected, Identify
from experiments.importers.registry import CAMPAIGN, DATE, PLATFORMS, Dialect, Platform


def matcher(
    name: str, platform: str | None, mappings: Sequence[SavedMapping]
) -> tuple[Identify, list[Platform], bool]:
    """Return how a header is recognised, the candidates, and whether one was named."""
    saved = [registry.mapping_platform(m) for m in mappings]
    candidates = saved + list(PLATFORMS.values())
    override = platform is not None
    if override:
        candidates = [p for p in candidates if p.key == platform]
        if not candidates:
            known = ", ".join(list(PLATFORMS) + [m.key for m in mappings])
            raise decoding.fail(
                name, f"'{platform}' is no platform or saved mapping", f"choose one of: {known}"
            )

    def identify(labels: list[str]) -> tuple[Platform, Dialect] | None:
        for p in candidates:
            for d in p.dialects:
                targets = {d.columns.get(label) for label in labels}
                targets |= {CAMPAIGN} if d.named else set()
                if d.matches(labels) or (override and {DATE, CAMPAIGN} <= targets):
                    return p, d
        return None

    return identify, candidates, override


def detect(
    decoded: Decoded,
    identify: Identify,
    candidates: list[Platform],
    override: bool,
    table_choice: str | None = None,
) -> Detected:
    """Return the header and its platform, with the dialect its title line makes of it; raise
    UnknownExport for a header no candidate knows (with what a mapping form needs), or
    ImportFormatError for a layout or a title that is refused. Of a file with several tables a
    platform knows, ``table_choice`` (number or title) picks one; without it such a file raises
    SeveralTables."""
    name, text = decoded.name, decoded.text
    try:
        header = tables.find_header(text, identify)
    except tables.UnknownHeader as e:
        lacks = refusals.lacking(name, e.header, candidates, override)
        if override and lacks is not None:
            raise lacks from None  # a named platform gets no mapping form
        raise refusals.unknown(name, text, e.header, lacks) from None
    assert header.match is not None
    # A chart whose title is not read is refused before any question of which table to import
    # (Meta's reach download holds a Facebook and an Instagram table, both refused).
    titles.resolve(name, text, header, *header.match)
    header, known, chosen, searched = snapshot.choose(name, text, header, identify, table_choice)
    assert header.match is not None
    plat, dialect = header.match
    refusals.refused_layout(name, header.line, plat)
    dialect = titles.resolve(name, text, header, plat, dialect)
    return Detected(decoded, header, plat, dialect, known, chosen, searched)
