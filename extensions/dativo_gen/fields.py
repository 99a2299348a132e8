"""The schema builder: parse the `fields` answer, merge starter fields, classify."""

from __future__ import annotations

import re
from typing import Any

from .classification import name_words
from .limits import shown
from .list_answers import ListAnswerError, structured
from .list_answers import parse_list as parse_list  # re-exported: list answers are read there

# Names that become columns, paths or identifiers: letters, digits and _, no leading digit,
# which rules out '/', '\\', '..', a leading '.' or '-', spaces and control characters.
# 63 characters is PostgreSQL's identifier limit, the shortest among the targets.
MAX_NAME_LENGTH = 63
IDENTIFIER = re.compile(rf"^[A-Za-z_][A-Za-z0-9_]{{0,{MAX_NAME_LENGTH - 1}}}$")
IDENTIFIER_RULE = (
    f"use letters, digits and underscores, starting with a letter or underscore, at most {MAX_NAME_LENGTH} characters"
)
FIELD_TYPES = ("string", "integer", "bigint", "double", "boolean", "date", "timestamp")
CLASSIFICATIONS = ("PII", "SENSITIVE")


class FieldError(ValueError):
    """A `fields` entry that cannot be used; the message says which and why."""


def _field_from_text(text: str) -> dict[str, Any]:
    """'created:timestamp!' -> created, timestamp, required. The type defaults to string."""
    text = text.strip()
    required = text.endswith("!")
    name, _, type_name = text.rstrip("!").partition(":")
    return {"name": name.strip(), "type": type_name.strip().lower() or "string", "required": required}


def field_text(field: dict[str, Any]) -> str:
    """The short form a person types: created:timestamp!, email (string is the default type)."""
    typed = field["name"] if field["type"] == "string" else f"{field['name']}:{field['type']}"
    return f"{typed}!" if field["required"] else typed


def _field_from_mapping(entry: dict[str, Any]) -> dict[str, Any]:
    field = {
        "name": str(entry.get("name", "")).strip(),
        "type": str(entry.get("type") or "string").strip().lower(),
        "required": entry.get("required", False),
    }
    if entry.get("classification"):
        field["classification"] = str(entry["classification"]).upper()
    if entry.get("description"):
        field["description"] = str(entry["description"])
    return field


def _raw_entries(value: Any) -> list[Any]:
    try:
        value = structured(value)
    except ListAnswerError as error:
        raise FieldError(f"fields: {error}") from None
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [item for item in value.split(",") if item.strip()]
    if isinstance(value, dict):
        # {email: string, created: timestamp!} is accepted as name -> type; YAML also reads
        # a typed "email, created: timestamp" as {"email, created": "timestamp"}.
        text = ", ".join(f"{name}:{type_name or ''}" for name, type_name in value.items())
        return _raw_entries(text)
    if isinstance(value, list):
        return value
    raise FieldError(f"fields: expected a list of fields, got {type(value).__name__} {shown(value)}")


def check_field(index: int, field: dict[str, Any]) -> dict[str, Any]:
    where = f"fields[{index}]"
    if not field["name"]:
        raise FieldError(f"{where}: a field needs a name")
    if not IDENTIFIER.fullmatch(field["name"]):
        raise FieldError(f"{where}: {shown(field['name'])} is not a valid field name; {IDENTIFIER_RULE}")
    if field["type"] not in FIELD_TYPES:
        raise FieldError(
            f"{where}: unknown type {shown(field['type'])} for {shown(field['name'])}; "
            f"use one of {', '.join(FIELD_TYPES)}"
        )
    if not isinstance(field["required"], bool):
        raise FieldError(f"{where}: required must be true or false, got {shown(field['required'])}")
    if field.get("classification", CLASSIFICATIONS[0]) not in CLASSIFICATIONS:
        raise FieldError(f"{where}: classification {shown(field['classification'])} must be PII or SENSITIVE")
    return field


def parse_fields(value: Any) -> list[dict[str, Any]]:
    """Every accepted spelling of `fields` becomes a list of {name, type, required[, classification]}."""
    fields = []
    for index, entry in enumerate(_raw_entries(value)):
        if isinstance(entry, dict):
            field = _field_from_mapping(entry)
        elif isinstance(entry, str):
            field = _field_from_text(entry)
        else:
            raise FieldError(f"fields[{index}]: expected 'name:type' or a mapping, got {shown(entry)}")
        fields.append(check_field(index, field))
    seen: dict[str, int] = {}
    for index, field in enumerate(fields):
        key = field["name"].lower()
        if key in seen:
            raise FieldError(f"fields[{index}]: duplicate field name {shown(field['name'])} (also fields[{seen[key]}])")
        seen[key] = index
    return fields


CREATION_WORDS = frozenset({"created", "create", "creation"})


def is_creation_timestamp(field: dict[str, Any]) -> bool:
    """created, createdAt, createdate, created_at, creation_time: when the record was made."""
    words = name_words(field["name"])
    return field.get("type") in ("timestamp", "date") and bool(words) and words[0] in CREATION_WORDS


def merge_starters(starters: list[dict[str, Any]], fields: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Starter fields first; a user field with a starter's name replaces it at the user's position.

    A creation timestamp of the user's own (createdAt, created_at) replaces the starter's, so a
    schema never starts with two clocks for the same instant.
    """
    user_names = {field["name"].lower() for field in fields}
    user_creation = any(is_creation_timestamp(field) for field in fields)
    kept = [
        starter
        for starter in starters
        if starter["name"].lower() not in user_names and not (user_creation and is_creation_timestamp(starter))
    ]
    return [dict(field) for field in kept + fields]


def classify(fields: list[dict[str, Any]], pii: list[str], sensitive: list[str]) -> list[dict[str, Any]]:
    """Set each field's classification from the PII and SENSITIVE answers (PII wins)."""
    pii, sensitive = set(pii), set(sensitive)  # a lookup per field, whatever the number of fields
    classified = []
    for field in fields:
        field = {key: value for key, value in field.items() if key != "classification"}
        if field["name"] in pii:
            field["classification"] = "PII"
        elif field["name"] in sensitive:
            field["classification"] = "SENSITIVE"
        classified.append(field)
    return classified


def classifications(fields: list[dict[str, Any]]) -> list[str]:
    return sorted({field["classification"] for field in fields if field.get("classification")})
