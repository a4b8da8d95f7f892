"""Saved column mappings: how a generic export's header maps to the tracker's columns, kept
once so the next file with that header imports without the mapping form."""

from __future__ import annotations

import json
import uuid
from typing import Any

from experiments.errors import Conflict, InvalidInput
from experiments.import_models import ColumnRole, NumberStyle, SavedMapping
from experiments.metrics import BASE_METRICS
from experiments.store._base import Area, BaseStore, now, require_text


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _mapping(mid: uuid.UUID, name: str, header: str, columns: str, options: str,
             created: Any) -> SavedMapping:  # fmt: skip
    opts = json.loads(options)
    style, day_first = NumberStyle(opts["number_style"]), bool(opts["day_first"])
    return SavedMapping(mid, name, tuple(json.loads(header)), json.loads(columns), style,
                        day_first, created)  # fmt: skip


class MappingStore(BaseStore):
    def mappings(self) -> list[SavedMapping]:
        """Return the saved column mappings of generic exports, by name."""
        rows = self._all(
            "SELECT id, name, signature, mapping, options, created_at FROM column_mapping "
            "ORDER BY lower(name)"
        )
        return [_mapping(*r) for r in rows]

    def save_mapping(self, mapping: SavedMapping) -> SavedMapping:
        """Save a generic export's column mapping; return it as stored."""
        name = require_text(mapping.name, "the mapping name")
        targets = set(mapping.columns.values())
        if not {ColumnRole.DATE, ColumnRole.CAMPAIGN} <= targets or not targets & set(BASE_METRICS):
            raise InvalidInput(
                "a mapping needs a date column, a campaign column and at least one metric; "
                "choose them in the mapping form"
            )
        with self.write(Area.IMPORT):
            self._claim()
            for other in self.mappings():
                if other.name.lower() == name.lower():
                    raise Conflict(f"a mapping named '{other.name}' exists; choose another name")
                if other.signature() == mapping.signature():
                    raise Conflict(f"the mapping '{other.name}' already has this header")
            options = {"number_style": str(mapping.number_style), "day_first": mapping.day_first}
            self._exec(
                "INSERT INTO column_mapping VALUES (?, ?, ?, ?, ?, ?)",
                [mapping.id, name, _json(list(mapping.header)), _json(dict(mapping.columns)),
                 _json(options), now()],
            )  # fmt: skip
            stored = next(m for m in self.mappings() if m.id == mapping.id)
            self._audit("column_mapping", mapping.id, "create", after=stored)
        return stored
