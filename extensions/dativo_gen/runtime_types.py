"""How the Dativo runtime stores a field's type, and the asset schema entry that survives it.

The runtime's Parquet writer and schema validator know string, integer (int64),
float/double (float64), boolean and timestamp/datetime/date (timestamp[us]); every other
type name, `bigint` included, becomes a string column. So the asset's `type` is the name
the runtime maps to the same meaning, and the person's own name stays beside it as ODCS
`physicalType`, which the runtime ignores.
"""

from __future__ import annotations

from typing import Any

# Type names the runtime maps to a typed column (parquet_writer.py, schema_validator.py).
RUNTIME_TYPES = ("string", "integer", "float", "double", "boolean", "timestamp", "datetime", "date")
# Our field types the runtime knows under another name.
RUNTIME_NAME = {"bigint": "integer"}


def runtime_type(type_name: str) -> str:
    return RUNTIME_NAME.get(type_name, type_name)


def asset_field(field: dict[str, Any]) -> dict[str, Any]:
    """A schema entry for the asset: the runtime's type, the person's type as physicalType."""
    entry = {"name": field["name"], "type": runtime_type(field["type"])}
    if entry["type"] != field["type"]:
        entry["physicalType"] = field["type"]
    return entry | {key: value for key, value in field.items() if key not in entry and key != "type"}
