"""Stage 4 of an import: where the data rows start and end (see pipeline.py).

Title lines above the header, the account's summary row, totals rows and a second table below
a blank line are left out (tables.locate); an export whose only row says it has no data is
refused with what to do.
"""

from __future__ import annotations

from experiments.importers import refusals, tables
from experiments.importers.pipeline import Located, Mapped
from experiments.importers.registry import CAMPAIGN


def locate(mapped: Mapped) -> Located:
    """Return where the rows are; raise ImportFormatError for an export without data."""
    detected = mapped.detected
    name, text = detected.decoded.name, detected.decoded.text
    header, dialect = detected.header, detected.dialect
    campaign = next((c.index for c in mapped.columns if c.target == CAMPAIGN), None)
    refusals.no_data(text, name, header, dialect, campaign)
    found = tables.locate(text, name, header, dialect, campaign, detected.searched)
    return Located(mapped, found)
