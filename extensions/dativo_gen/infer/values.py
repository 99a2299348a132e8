"""The type of one sampled value, and the narrowest type that holds all values of a column."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from ..runtime_types import reads_as_boolean, reads_as_timestamp

INT32 = range(-(2**31), 2**31)
INT64 = range(-(2**63), 2**63)
# Past 19 digits no number fits 64 bits; int() of a longer text is slow, and past 4,300 digits refused.
MAX_INTEGER_DIGITS = 20
PAST_64_BITS = 2**64
BOOLEAN_WORDS = frozenset({"true", "false", "t", "f", "yes", "no"})
INTEGER_TEXT = re.compile(r"^[+-]?(0|[1-9][0-9]*)$")  # a leading zero (zip codes, ids) stays text
DOUBLE_TEXT = re.compile(r"^[+-]?((0|[1-9][0-9]*)(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?$")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y")
TIMESTAMP_FORMATS = (
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
)
# Cheap shape checks before the parsers, which are slow on text that is plainly not a date.
DATE_SHAPE = re.compile(r"^[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}$")
TIMESTAMP_SHAPE = re.compile(r"^[0-9]{1,4}[-/.][0-9]{1,2}[-/.][0-9]{1,4}[T ][0-9]{1,2}:[0-9]{2}")

# Values that look like a date, a timestamp or a boolean in a form the runtime cannot read as
# one: string fields, with a note (see columns.py).
TIME_TEXT = "time_text"
BOOLEAN_TEXT = "boolean_text"
# Widening order for numbers, dates and booleans; any other mix is a string.
NUMERIC = ("integer", "bigint", "double")
TEMPORAL = ("date", "timestamp", TIME_TEXT)
BOOLEAN = ("boolean", BOOLEAN_TEXT)


def _parses(text: str, formats: tuple[str, ...]) -> bool:
    for fmt in formats:
        try:
            datetime.strptime(text, fmt)
        except ValueError:
            continue
        return True
    return False


def bounded_int(text: str) -> int:
    """The number an integer text holds, or one past 64 bits when it is too long to fit anyway."""
    return int(text) if len(text.lstrip("+-")) <= MAX_INTEGER_DIGITS else PAST_64_BITS


def _integer_type(number: int) -> str:
    if number in INT32:
        return "integer"
    return "bigint" if number in INT64 else "string"


def _temporal_text_type(text: str) -> str:
    for shape, parse_iso, formats, kind in (
        (DATE_SHAPE, date.fromisoformat, DATE_FORMATS, "date"),
        (TIMESTAMP_SHAPE, datetime.fromisoformat, TIMESTAMP_FORMATS, "timestamp"),
    ):
        if shape.match(text):
            if not (_parses_iso(parse_iso, text) or _parses(text, formats)):
                return "string"
            return kind if reads_as_timestamp(text) else TIME_TEXT
    return "string"


def _parses_iso(parse_iso: Any, text: str) -> bool:
    try:
        parse_iso(text)
    except ValueError:
        return False
    return True


def text_type(text: str) -> str:
    """The type of a value read as text (a CSV cell, a JSON string)."""
    text = text.strip()
    if text.lower() in BOOLEAN_WORDS:
        return "boolean" if reads_as_boolean(text) else BOOLEAN_TEXT
    if INTEGER_TEXT.match(text):
        return _integer_type(bounded_int(text))
    if DOUBLE_TEXT.match(text):
        return "double"
    return _temporal_text_type(text)


def json_type(value: Any) -> str:
    """The type of a JSON scalar; strings may still hold dates and timestamps."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return _integer_type(value)
    if isinstance(value, float):
        return "double"
    if isinstance(value, str):
        return _temporal_text_type(value.strip())
    return "string"


def widen(current: str | None, seen: str) -> str:
    """The narrowest type holding values of both types: integer+double is double, date+timestamp
    is timestamp, anything else mixed is string."""
    if current is None or current == seen:
        return seen
    for family in (NUMERIC, TEMPORAL, BOOLEAN):
        if current in family and seen in family:
            return max(current, seen, key=family.index)
    return "string"
