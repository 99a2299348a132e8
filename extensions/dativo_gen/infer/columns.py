"""Collect sampled values per column and turn the columns into schema fields."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..limits import shown
from ..runtime_types import NON_ISO_TIME_VALUES, SHORT_BOOLEAN_VALUES, kept_as_text
from .values import BOOLEAN_TEXT, TIME_TEXT, widen

# Value types the runtime cannot read as what they look like, and why.
AS_TEXT = {TIME_TEXT: NON_ISO_TIME_VALUES, BOOLEAN_TEXT: SHORT_BOOLEAN_VALUES}
NOT_NAME_CHARACTERS = re.compile(r"[^A-Za-z0-9_]+")
MAX_NAME_LENGTH = 128


def field_name(raw: str, taken: set[str]) -> str:
    """A valid, unused field name for a source column: 'First Name' -> First_Name, '2nd' -> _2nd."""
    name = NOT_NAME_CHARACTERS.sub("_", raw.strip()).strip("_") or "column"
    if name[0].isdigit():
        name = f"_{name}"
    name = name[:MAX_NAME_LENGTH]
    candidate, number = name, 2
    while candidate.lower() in taken:
        suffix = f"_{number}"
        candidate, number = name[: MAX_NAME_LENGTH - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def named_fields(columns: Iterable[tuple[str, str, bool]]) -> tuple[list[dict[str, Any]], list[str]]:
    """Fields from (source column, type, required), and notes on the names that had to change."""
    taken: set[str] = set()
    fields, notes = [], []
    for raw, type_name, required in columns:
        name = field_name(raw, taken)
        if name != raw:
            notes.append(f"column {shown(raw)} is field {name}")
        fields.append({"name": name, "type": type_name, "required": required})
    return fields, notes


@dataclass
class Column:
    type: str | None = None
    values: int = 0


@dataclass
class Columns:
    """Columns in first-seen order; a column is required when every sampled row has a value."""

    columns: dict[str, Column] = field(default_factory=dict)
    rows: int = 0

    @classmethod
    def named(cls, names: list[str]) -> Columns:
        """Columns known before any row, such as a CSV header."""
        return cls(columns={name: Column() for name in names})

    def add_row(self, typed_values: dict[str, str | None]) -> None:
        """One row as column -> value type, None for an empty value."""
        self.rows += 1
        for name, value_type in typed_values.items():
            column = self.columns.setdefault(name, Column())
            if value_type is not None:
                column.type = widen(column.type, value_type)
                column.values += 1

    def fields(self) -> tuple[list[dict[str, Any]], list[str]]:
        """The schema fields, and notes on the names that had to change or dates kept as text."""
        fields, notes = named_fields(
            (raw, field_type(column.type), 0 < column.values == self.rows) for raw, column in self.columns.items()
        )
        for value_type, reason in AS_TEXT.items():
            names = [
                field["name"]
                for field, column in zip(fields, self.columns.values(), strict=True)
                if column.type == value_type
            ]
            if names:
                notes.append(kept_as_text(names, reason))
        return fields, notes


def field_type(value_type: str | None) -> str:
    return "string" if value_type is None or value_type in AS_TEXT else value_type
