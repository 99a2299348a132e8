"""List and mapping answers as a person types them: `stripe, customers`, `host=${PGHOST}, port=5432`.

Copier pre-fills a `type: yaml` prompt with the YAML dump of its default (`[stripe,
customers]`, or a comma text with a `...` end-of-document line on update), and appending
`, sales` to that is not YAML. These questions are therefore text while a person types
(copier.yml's `type: "{{ text_or_yaml('tags') }}"`) and YAML only when the answer already
is a structure: a list in a --data-file or in an answers file written before. A text in
YAML flow form (`[a, b]`, `{host: db}`), as --data gave it before, is read as YAML here.

The answers file records the one-line text (record_answer), so that an update pre-fills
the prompt with it; structures that have no exact text form (fields with descriptions)
stay structures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import yaml

from .limits import shown, size_problem

FLOW_STARTS = ("[", "{")


class ListAnswerError(ValueError):
    """A list or mapping answer that cannot be read; the message says why."""


def text_or_yaml(value: Any) -> str:
    """The Copier type of a list or mapping question for the answer at hand: a structure stays YAML."""
    return "yaml" if isinstance(value, (list, dict)) or value is None else "str"


def is_flow_text(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(FLOW_STARTS)


def yaml_text_problem(text: str) -> str:
    """Why a text cannot be read as YAML, or ''. The checks of scripted `type: yaml` answers."""
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        return f"{shown(text)} is not valid YAML ({str(error).splitlines()[0]})"
    except RecursionError:
        return f"{shown(text)} nests lists or mappings too deep to read"
    except ValueError:  # PyYAML's int() of a number past Python's 4,300-digit limit
        return f"{shown(text)} holds a number too long to read"
    return size_problem(loaded)


def structured(value: Any) -> Any:
    """A text in YAML flow form read as YAML; any other value as it is."""
    if not is_flow_text(value):
        return value
    if problem := yaml_text_problem(value):
        raise ListAnswerError(problem)
    return yaml.safe_load(value)


def parse_list(value: Any) -> list[str]:
    """A list answer as a person gives it: `a, b`, `[a, b]` or a YAML list."""
    value = structured(value)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, (list, tuple)):
        # Items of a real list are kept exactly as given; only blank ones are dropped.
        return [str(item) for item in value if str(item).strip()]
    return [str(value).strip()]


def list_text(items: Any) -> str:
    """The one-line form of a list: `stripe, customers` (empty for none)."""
    return ", ".join(str(item) for item in items or [])


def _setting_value(text: str) -> Any:
    """`5432` is a number, `false` a boolean, `${PGHOST}` and anything else the text itself."""
    text = text.strip()
    try:
        value = yaml.safe_load(text) if text else ""
    except (yaml.YAMLError, ValueError, RecursionError):
        return text
    return value if isinstance(value, (str, int, float, bool)) else text


def parse_mapping(value: Any) -> Any:
    """A mapping answer: `host=${PGHOST}, port=5432`, `{host: db}` or a YAML mapping.

    Returns a dict, or the value itself when it is no mapping (the check says so)."""
    value = structured(value)
    if not isinstance(value, str):
        return value
    settings: dict[str, Any] = {}
    for part in value.split(","):
        if not part.strip():
            continue
        key, equals, text = part.partition("=")
        if not equals:
            return value
        settings[key.strip()] = _setting_value(text)
    return settings


def mapping_text(mapping: Any) -> str:
    """`host=${PGHOST}, port=${PGPORT}`; flow YAML when a value has no exact text form."""
    mapping = dict(mapping or {})
    parts = [f"{key}={_text_of(value)}" for key, value in mapping.items()]
    text = ", ".join(parts)
    if parse_mapping(text) == mapping and all("=" not in str(key) for key in mapping):
        return text
    return yaml.safe_dump(mapping, default_flow_style=True, sort_keys=False, width=2**31 - 1).strip()


def _text_of(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _text_safe_item(item: Any) -> bool:
    text = str(item)
    return (
        isinstance(item, (str, int, float))
        and not isinstance(item, bool)
        and text.strip() == text
        and bool(text)
        and "," not in text
        and "\n" not in text
    )


def record_answer(value: Any) -> Any:
    """What the answers file keeps: the one-line text of a list or flat mapping, when it says the same.

    A list from --data-file or a `[a, b]` text becomes `a, b`, which an update pre-fills as it is."""
    try:
        read = structured(value)
    except ListAnswerError:
        return value
    if isinstance(read, list) and all(_text_safe_item(item) for item in read):
        text = list_text(read)
        return text if not is_flow_text(text) else value
    if isinstance(read, dict) and read:
        text = mapping_text(read)
        return text if not is_flow_text(text) else value
    return value


def recorded_answers(answers: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The answers for the answers file, the list and mapping questions among `keys` as text."""
    recorded = dict(answers)
    for key in keys:
        if key in recorded:
            recorded[key] = record_answer(recorded[key])
    return recorded
