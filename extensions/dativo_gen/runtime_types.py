"""How the Dativo runtime stores a field's type, and the asset schema entry that survives it.

The runtime's Parquet writer and schema validator know string, integer (int64),
float/double (float64), boolean and timestamp/datetime/date (timestamp[us]); every other
type name, `bigint` included, becomes a string column. So the asset's `type` is the name
the runtime maps to the same meaning, and the person's own name stays beside it as ODCS
`physicalType`, which the runtime ignores.
"""

from __future__ import annotations

from datetime import datetime
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


# The text forms the runtime's validator parses as a timestamp, date or datetime
# (schema_validator.py); any other text fails a strict run.
TIMESTAMP_TEXT_FORMATS = (
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%dT%H:%M:%S.%f",
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%dT%H:%M:%S.%fZ",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m-%dT%H:%M:%S%z",
)
# Why a column is inferred as a string field although it holds numbers or times.
DECIMAL_VALUES = "the runtime's strict validator does not take decimal (Python Decimal) values as double"
MONEY_VALUES = "money values arrive as text with a currency sign, which no number type takes"
ZONED_FRACTION_VALUES = "the runtime's validator cannot parse timestamps with both fractional seconds and a zone offset"
BIT_VALUES = "bit values arrive as raw bytes, which the runtime's validator does not take as boolean"
NON_ISO_TIME_VALUES = (
    "the runtime's validator reads dates and timestamps only as ISO text: 2024-05-01, "
    "2024-05-01 13:45:00, or 2024-05-01T13:45:00 with a fraction (.123) or a zone (Z, +02:00), "
    "not both"
)


SHORT_BOOLEAN_VALUES = "the runtime's validator reads booleans as true/false, yes/no, on/off or 1/0, not t/f"
# The words the runtime's validator takes as a boolean, in any case.
BOOLEAN_TEXT_WORDS = frozenset({"true", "1", "yes", "on", "false", "0", "no", "off"})


def reads_as_boolean(text: str) -> bool:
    return text.lower() in BOOLEAN_TEXT_WORDS


def reads_as_timestamp(text: str) -> bool:
    for text_format in TIMESTAMP_TEXT_FORMATS:
        try:
            datetime.strptime(text, text_format)
        except ValueError:
            continue
        return True
    return False


def kept_as_text(columns: list[str], reason: str) -> str:
    """The one note for all columns inferred as strings for the same reason."""
    return f"{', '.join(columns)}: string field{'s' if len(columns) > 1 else ''}, because {reason}"
