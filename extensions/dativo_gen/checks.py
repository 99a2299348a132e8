"""Answer checks: each returns '' when the answer is fine, else a message naming the problem.

Every message starts with the question, shows the value and says what is allowed.
copier.yml calls them from `validator:` (see validation.py), so a person is re-asked at
the prompt and a scripted run stops with the message.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath
from typing import Any

from .fields import IDENTIFIER, IDENTIFIER_RULE, MAX_NAME_LENGTH, FieldError, parse_list
from .limits import listed, shown
from .list_answers import ListAnswerError, structured
from .registry import Connector

# Table names may carry a database and a schema (public.orders, sales.public.orders).
_TABLE_PART = rf"[A-Za-z_][A-Za-z0-9_$]{{0,{MAX_NAME_LENGTH - 1}}}"
TABLE_NAME = re.compile(rf"{_TABLE_PART}(\.{_TABLE_PART}){{0,2}}")
_DOMAIN_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
EMAIL = re.compile(rf"[A-Za-z0-9._%+'-]+@{_DOMAIN_LABEL}(?:\.{_DOMAIN_LABEL})+")
VERSION = re.compile(r"(0|[1-9][0-9]{0,5})(\.(0|[1-9][0-9]{0,5})){1,2}")
# Nessie branches follow git's ref rules, reduced to the safe part.
BRANCH = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*(/[A-Za-z0-9_][A-Za-z0-9_.\-]*)*")
MAX_TEXT_LENGTH = 2000
MAX_PATH_LENGTH = 1024
MAX_TAG_LENGTH = 256


def _check_pattern(question: str, value: Any, pattern: re.Pattern[str], problem: str) -> str:
    if isinstance(value, str) and pattern.fullmatch(value):
        return ""
    return f"{question}: {shown(value)} {problem}"


def has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp") for char in text)


def check_identifier(question: str, value: Any) -> str:
    return _check_pattern(question, value, IDENTIFIER, f"is not a valid name; {IDENTIFIER_RULE}")


def check_optional_name(question: str, value: Any) -> str:
    """A name that may stay empty, such as the domain the runtime puts in every object key."""
    if value == "":
        return ""
    return _check_pattern(question, value, IDENTIFIER, f"is not a valid name; {IDENTIFIER_RULE}, or leave it empty")


def check_table_name(question: str, value: Any) -> str:
    return _check_pattern(
        question,
        value,
        TABLE_NAME,
        f"is not a table name; use name or schema.name, each part letters, digits and _ "
        f"(at most {MAX_NAME_LENGTH} characters)",
    )


def check_version(question: str, value: Any) -> str:
    return _check_pattern(question, value, VERSION, "is not a version; use numbers like 1.0 or 2.1.3")


def check_email(question: str, value: Any) -> str:
    if isinstance(value, str) and len(value) > 254:
        return f"{question}: the email address is longer than 254 characters"
    return _check_pattern(question, value, EMAIL, "is not an email address; use one like data-team@acme.com")


def check_text(question: str, value: Any) -> str:
    """Free text (a description): anything printable or not, within a length."""
    if not isinstance(value, str):
        return f"{question}: {shown(value)} is not text"
    if len(value) > MAX_TEXT_LENGTH:
        return f"{question}: {len(value)} characters is too long; at most {MAX_TEXT_LENGTH}"
    return ""


def check_path_text(question: str, value: Any) -> str:
    """A file path or identifier the runtime reads or writes: one line, no control characters."""
    if not isinstance(value, str) or not value.strip():
        return f"{question}: give a path or identifier"
    if has_control_characters(value) or value != value.strip():
        return f"{question}: {shown(value)} must be one line; no control characters or surrounding spaces"
    if len(value) > MAX_PATH_LENGTH:
        return f"{question}: the path is longer than {MAX_PATH_LENGTH} characters"
    return ""


def check_branch(question: str, value: Any) -> str:
    if (
        isinstance(value, str)
        and BRANCH.fullmatch(value)
        and ".." not in value
        and not value.endswith((".", ".lock"))
        and len(value) <= 128
    ):
        return ""
    return (
        f"{question}: {shown(value)} is not a branch name; use letters, digits, _, -, . and / between parts, "
        "not starting with - or ., no '..', at most 128 characters"
    )


def check_whole_number(question: str, value: Any, low: int, high: int) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return ""
    return f"{question}: {shown(value)} is not from {low} to {high}; give a whole number in that range"


def cloud_refusal(connector: Connector, deployment_mode: str) -> str:
    """Why a connector cannot be used in this deployment mode, or ''."""
    if deployment_mode == "cloud" and not connector.allowed_in_cloud:
        return (
            f"{connector.name} is not allowed in cloud mode (allowed_in_cloud: false in the registry); "
            "pick another connector or answer deployment_mode=self_hosted"
        )
    return ""


def check_asset_format(question: str, value: Any) -> str:
    """Only the flat ODCS form runs: `dativo run` stops on an asset without a top-level schema."""
    if value == "legacy":
        return (
            f"{question}: 'legacy' cannot be used: `dativo run` refuses the nested asset form "
            "(it needs a top-level schema); use odcs"
        )
    return ""


def check_connector(connector: Connector, role: str, deployment_mode: str) -> str:
    if role not in connector.roles:
        return f"{connector.name} cannot be used as a {role} (roles: {', '.join(connector.roles)})"
    return cloud_refusal(connector, deployment_mode)


def _list_shape_problem(question: str, value: Any) -> str:
    try:
        value = structured(value)
    except ListAnswerError as error:
        return f"{question}: {error}"
    if isinstance(value, dict) or (isinstance(value, list) and any(isinstance(i, (dict, list)) for i in value)):
        return f"{question}: {shown(value)} is not a list; write a, b or [a, b]"
    return ""


def check_string_list(question: str, value: Any, at_least: int = 0) -> str:
    """A list answer: a YAML list of plain values or one comma-separated string."""
    if problem := _list_shape_problem(question, value):
        return problem
    if len(parse_list(value)) < at_least:
        return f"{question}: give at least {at_least} value{'s' if at_least > 1 else ''}"
    return ""


def check_tags(question: str, value: Any) -> str:
    if problem := check_string_list(question, value):
        return problem
    value = structured(value)
    if isinstance(value, list) and any(not str(tag).strip() for tag in value):
        return f"{question}: {shown(value)} has a blank tag"
    for index, tag in enumerate(parse_list(value)):
        if len(tag) > MAX_TAG_LENGTH:
            return f"{question}[{index}]: the tag is longer than {MAX_TAG_LENGTH} characters"
    return ""


def check_name_list(question: str, value: Any) -> str:
    """Column names (partitioning): each a valid name."""
    if problem := check_string_list(question, value):
        return problem
    for index, name in enumerate(parse_list(value)):
        if problem := check_identifier(f"{question}[{index}]", name):
            return problem
    return ""


def check_path_list(question: str, value: Any) -> str:
    if problem := check_string_list(question, value, 1):
        return problem
    for index, path in enumerate(parse_list(value)):
        if problem := check_path_text(f"{question}[{index}]", path):
            return problem
    return ""


def check_objects(question: str, connector: Connector, value: Any) -> str:
    if problem := _list_shape_problem(question, value):
        return problem
    objects = parse_list(value)
    if not objects:
        return f"{question}: name at least one object to sync; supported: {', '.join(connector.objects_supported)}"
    unknown = [name for name in objects if name not in connector.objects_supported]
    if unknown:
        return (
            f"{question}: {listed(map(shown, unknown))} not supported by {connector.name}; "
            f"use one or more of {', '.join(connector.objects_supported)}"
        )
    if len(set(objects)) < len(objects):
        twice = next(name for index, name in enumerate(objects) if name in objects[:index])
        return f"{question}: {shown(twice)} is named twice; name each object once"
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


def check_field_names(question: str, value: Any, field_names: list[str]) -> str:
    """Fields picked from the schema (PII, SENSITIVE): a list of its field names."""
    if problem := _list_shape_problem(question, value):
        return problem
    known = set(field_names)
    unknown = [name for name in parse_list(value) if name not in known]
    if unknown:
        allowed = listed(field_names) or "none: the schema has no fields"
        return f"{question}: {listed(map(shown, unknown))} not among the fields; use {allowed}"
    return ""


def check_cursor_field(question: str, value: Any, field_names: list[str]) -> str:
    problem = check_identifier(question, value)
    if problem or not field_names or value in field_names:
        return problem
    return f"{question}: {shown(value)} is not a field of the schema; use one of {listed(field_names)}"


def check_absolute_path(question: str, value: Any) -> str:
    """Where the runtime mounts the workspace: an absolute POSIX folder."""
    text = value if isinstance(value, str) else ""
    path = PurePosixPath(text)
    if not path.is_absolute() or ".." in path.parts or check_path_text(question, text) or " " in text:
        return (
            f"{question}: {shown(value)} must be an absolute folder; like /app (no '..', spaces or control characters)"
        )
    return ""
