"""Generic exports: what the analyst chose in the mapping form becomes a saved mapping."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from experiments.errors import InvalidInput
from experiments.import_models import NumberStyle, SavedMapping
from experiments.importers.registry import (
    CAMPAIGN,
    DATE,
    DERIVED,
    JOINED_ROLES,
    ROLES,
    mapping_targets,
)
from experiments.metrics import BASE_METRICS
from experiments.models import new_id

KEEP = ""  # not mapped: the column is kept in the facts' extra values
IGNORE = DERIVED  # not kept at all


def target_choices() -> tuple[str, ...]:
    """Return every choice of the mapping form: keep, ignore, the roles, then each base metric."""
    return (KEEP, IGNORE) + mapping_targets()


def build_mapping(
    name: str,
    header: Sequence[str],
    choices: Mapping[str, str],
    number_style: NumberStyle,
    day_first: bool,
) -> SavedMapping:
    """Return the mapping the form describes; refuse one the import could not use."""
    columns = {label: target for label, target in choices.items() if target != KEEP}
    chosen = list(columns.values())
    for role, what in ((DATE, "the date"), (CAMPAIGN, "the campaign")):
        if chosen.count(role) != 1:
            raise InvalidInput(f"choose exactly one column as {what} (now {chosen.count(role)})")
    if not set(chosen) & set(BASE_METRICS):
        raise InvalidInput("choose at least one column as a metric (spend, clicks, …)")
    repeated = sorted(
        {t for t in chosen if chosen.count(t) > 1 and t not in (*JOINED_ROLES, IGNORE)}
    )
    if repeated:
        raise InvalidInput(f"each metric can come from one column only: {', '.join(repeated)}")
    unknown = set(chosen) - set(ROLES) - set(BASE_METRICS) - {IGNORE}
    if unknown:
        raise InvalidInput(f"unknown targets: {', '.join(sorted(unknown))}")
    return SavedMapping(new_id(), name.strip(), tuple(header), columns, number_style, day_first)
