"""Answer checks: each returns '' when the answer is fine, else a message naming the problem.

copier.yml calls them from `validator:` so a person is re-asked at the prompt.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from .fields import IDENTIFIER, FieldError, parse_list
from .registry import Connector

# Table names may carry a schema (public.orders).
TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*){0,2}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
VERSION = re.compile(r"^[0-9]+(\.[0-9]+){0,2}$")


def _check_pattern(question: str, value: Any, pattern: re.Pattern[str], problem: str) -> str:
    if isinstance(value, str) and pattern.match(value):
        return ""
    return f"{question}: {value!r} {problem}"


def check_identifier(question: str, value: Any) -> str:
    return _check_pattern(
        question,
        value,
        IDENTIFIER,
        "is not a valid name; use letters, digits and underscores, "
        "starting with a letter or underscore, at most 128 characters",
    )


def check_table_name(question: str, value: Any) -> str:
    return _check_pattern(
        question, value, TABLE_NAME, "is not a table name; use name or schema.name (letters, digits, _)"
    )


def check_version(question: str, value: Any) -> str:
    return _check_pattern(question, value, VERSION, "is not a version; use numbers like 1.0 or 2.1.3")


def check_email(question: str, value: Any) -> str:
    return _check_pattern(question, value, EMAIL, "is not an email address")


def check_not_empty(question: str, value: Any) -> str:
    if isinstance(value, str) and value.strip():
        return ""
    return f"{question}: give a value"


def check_whole_number(question: str, value: Any, low: int, high: int) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return ""
    return f"{question}: {value!r} must be a whole number from {low} to {high}"


def check_relative_dir(question: str, value: Any) -> str:
    """Output folders stay inside the workspace."""
    text = str(value or "")
    path = PurePosixPath(text)
    if not text.strip() or path.is_absolute() or ".." in path.parts or "\\" in text:
        return f"{question}: {text!r} must be a folder inside the workspace (relative, no '..')"
    return ""


def cloud_refusal(connector: Connector, deployment_mode: str) -> str:
    """Why a connector cannot be used in this deployment mode, or ''."""
    if deployment_mode == "cloud" and not connector.allowed_in_cloud:
        return (
            f"{connector.name} is not allowed in cloud mode (allowed_in_cloud: false in the registry); "
            "pick another connector or answer deployment_mode=self_hosted"
        )
    return ""


def check_connection(question: str, value: Any) -> str:
    """A connection is a mapping of settings to plain values or ${ENV} references."""
    if isinstance(value, dict) and all(
        isinstance(key, str) and (isinstance(item, (str, int, float, bool, dict)) or item is None)
        for key, item in value.items()
    ):
        return ""
    return f"{question}: {value!r} is not a mapping of settings, e.g. {{host: '${{PGHOST}}', port: 5432}}"


def check_connector(connector: Connector, role: str, deployment_mode: str) -> str:
    if role not in connector.roles:
        return f"{connector.name} cannot be used as a {role} (roles: {', '.join(connector.roles)})"
    return cloud_refusal(connector, deployment_mode)


def check_string_list(question: str, value: Any, at_least: int = 0) -> str:
    """A list answer: a YAML list of plain values or one comma-separated string."""
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(i, (dict, list)) for i in value)):
        return f"{question}: {value!r} is not a list of names; write a, b or [a, b]"
    if len(parse_list(value)) < at_least:
        return f"{question}: give at least {at_least} value{'s' if at_least > 1 else ''}"
    return ""


def check_objects(connector: Connector, value: Any) -> str:
    objects = parse_list(value)
    if not objects:
        return "objects: name at least one object to sync"
    unknown = [name for name in objects if name not in connector.objects_supported]
    if unknown:
        return (
            f"objects: {', '.join(map(repr, unknown))} not supported by {connector.name}; "
            f"use one or more of {', '.join(connector.objects_supported)}"
        )
    return ""


def check_schema(build_fields: Any) -> str:
    """Run the schema builder; report the first problem, or an empty schema."""
    try:
        fields = build_fields()
    except FieldError as error:
        return str(error)
    if not fields:
        return "fields: the schema is empty; add fields (name:type, ! for required) or keep starter fields"
    return ""


def check_cursor_field(value: Any, field_names: list[str]) -> str:
    problem = check_identifier("cursor_field", value)
    if problem or not field_names or value in field_names:
        return problem
    return f"cursor_field: {value!r} is not a field of the schema; use one of {', '.join(field_names)}"
