"""Fields from the head of a JSON array or JSON Lines file; nested objects are flattened."""

from __future__ import annotations

import json
from typing import Any

from .columns import Columns
from .result import Inference, InferenceError
from .values import bounded_int, json_type

SEPARATOR = "."  # address.city; the field name becomes address_city
# Objects inside objects; deeper nesting is refused rather than walked (limits: README).
MAX_NESTING = 32
# Integers are only typed, so a 5,000-digit one needs no exact value (and int() refuses it).
_DECODER = json.JSONDecoder(parse_int=bounded_int)


def _array_records(text: str, truncated: bool, max_rows: int) -> list[Any]:
    """Decode the array's items one by one, so only the head of a large array is parsed."""
    decoder = _DECODER
    position = text.index("[") + 1
    records: list[Any] = []
    while len(records) < max_rows:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            break
        try:
            record, position = decoder.raw_decode(text, position)
        except json.JSONDecodeError as error:
            if truncated:
                break  # the item the byte limit cut in two
            raise InferenceError(f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}") from None
        records.append(record)
    return records


def _line_records(text: str, truncated: bool, max_rows: int) -> list[Any]:
    records: list[Any] = []
    for number, line in enumerate(text.splitlines(), 1):
        if len(records) >= max_rows:
            break
        if not line.strip():
            continue
        try:
            records.append(_DECODER.decode(line))
        except json.JSONDecodeError as error:
            if truncated and number == len(text.splitlines()):
                break
            raise InferenceError(f"line {number} is not valid JSON: {error.msg}") from None
    return records


def _records(text: str, truncated: bool, max_rows: int) -> tuple[list[Any], str]:
    if text.lstrip().startswith("["):
        return _array_records(text, truncated, max_rows), "JSON array"
    first_line = next(line for line in text.splitlines() if line.strip())
    try:
        _DECODER.decode(first_line)
    except json.JSONDecodeError:
        # Not one record per line: one object spread over several lines.
        try:
            return [_DECODER.decode(text)], "JSON object"
        except json.JSONDecodeError as error:
            raise InferenceError(f"not valid JSON at line {error.lineno}: {error.msg}") from None
    return _line_records(text, truncated, max_rows), "JSON Lines"


def _flatten(record: dict[str, Any], prefix: str, row: dict[str, str | None], lists: set[str], depth: int = 1) -> None:
    if depth > MAX_NESTING:
        raise InferenceError(f"objects nested more than {MAX_NESTING} deep")
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            _flatten(value, f"{name}{SEPARATOR}", row, lists, depth + 1)
        elif isinstance(value, list):
            lists.add(name)
            row[name] = "string" if value else None
        else:
            row[name] = None if value is None or value == {} else json_type(value)


def infer_json(text: str, truncated: bool, max_rows: int, shown_as: str) -> Inference:
    try:
        records, form = _records(text, truncated, max_rows)
    except RecursionError:
        raise InferenceError(f"sample {shown_as} nests lists or objects too deep to read") from None
    if not records:
        raise InferenceError(f"sample {shown_as} holds no records")
    columns, lists = Columns(), set()
    for index, record in enumerate(records, 1):
        if not isinstance(record, dict):
            raise InferenceError(f"record {index} of {shown_as} is a {type(record).__name__}, expected an object")
        row: dict[str, str | None] = {}
        try:
            _flatten(record, "", row, lists)
        except InferenceError as error:
            raise InferenceError(f"record {index} of {shown_as}: {error}") from None
        columns.add_row(row)
    fields, notes = columns.fields()
    nested = sorted({name.split(SEPARATOR)[0] for name in columns.columns if SEPARATOR in name})
    if nested:
        notes.insert(0, f"nested objects flattened into parent_child fields: {', '.join(nested)}")
    if lists:
        notes.append(f"lists kept as one string field: {', '.join(sorted(lists))}")
    described = f"{form}, {len(records)} records read" + (" from the head of the file" if truncated else "")
    return Inference(fields=fields, origin=f"sample {shown_as} ({described})", notes=notes)
