"""Check scripted answers (--data, --data-file) before Copier asks or writes anything.

Copier turns a failed validator or choice in a scripted run into a Python traceback.
The extension's context hook runs this on the first render with the answers given on
the command line, using the same rules as the prompts, and stops with one readable
message instead.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NamedTuple

from . import suggest
from .checks import check_asset_format, check_connector, check_identifier
from .limits import ANSWER_LIMITS, SHOWN_CHARS, shown, size_problem
from .list_answers import yaml_text_problem
from .registry import Registry
from .schema_source import sample_supplies_fields, schema_source_problems

CONNECTOR_ROLES = {"source_connector": "source", "target_connector": "target"}
MAX_SHOWN_PROBLEMS = 20
# What Copier's int() takes: optional sign, digits, underscores between digits.
WHOLE_NUMBER = re.compile(r"[+-]?[0-9](_?[0-9])*")
MAX_NUMBER_DIGITS = 18  # every int answer is far below; int() of a long text is slow, past 4,300 refused
# The answers copier.yml's _answers_file is made of.
PATH_NAME_KEYS = ("tenant_id", "job_name")
# What Copier reads as yes or no; anything else it silently takes as yes.
BOOLEAN_WORDS = frozenset("y yes t true on 1 n no f false off 0".split())


class Question(NamedTuple):
    type: str
    # The values of a fixed `choices` list or mapping; () when none or rendered from the registry.
    choices: tuple[Any, ...]
    # A list or mapping typed as one line at the prompt (`type: "{{ text_or_yaml(...) }}"`,
    # see list_answers.py); a scripted text is still checked as YAML, as before.
    typed_as_text: bool = False


def _question(spec: Mapping[str, Any]) -> Question:
    type_name = str(spec.get("type", "str"))
    as_text = "text_or_yaml(" in type_name
    return Question("yaml" if as_text else type_name, _fixed_choices(spec.get("choices")), as_text)


def _fixed_choices(choices: Any) -> tuple[Any, ...]:
    if isinstance(choices, dict):
        return tuple(choices.values())
    return tuple(choices) if isinstance(choices, list) else ()


def read_questions(config: Mapping[str, Any]) -> dict[str, Question]:
    """The questions of copier.yml's content (keys without a leading underscore)."""
    return {key: _question(spec or {}) for key, spec in config.items() if not key.startswith("_")}


def _value_problem(value: Any, question: Question) -> str:
    """What Copier's cast of a scripted value would trip over, or ''."""
    if value is None:
        return "" if question.type in ("yaml", "json") else "give a value"
    if question.type == "bool" and isinstance(value, str) and value.strip().lower() not in BOOLEAN_WORDS:
        return f"{shown(value)} is neither yes nor no; use true/false, yes/no or 1/0"
    if question.type == "int" and not _is_whole_number(value):
        return f"{shown(value)} is not a whole number"
    if question.type == "int" and _too_large(value):
        return f"{shown(value)} is far too large a number"
    if question.type == "yaml" and isinstance(value, str) and (problem := yaml_text_problem(value)):
        return problem
    if question.choices and value not in question.choices:
        return f"{shown(value)} is not one of {', '.join(map(str, question.choices))}"
    return ""


def _is_whole_number(value: Any) -> bool:
    if isinstance(value, int):
        return not isinstance(value, bool)
    return isinstance(value, str) and bool(WHOLE_NUMBER.fullmatch(value.strip()))


def _too_large(value: Any) -> bool:
    if isinstance(value, int):
        return value.bit_length() > 60
    return len(value.strip().lstrip("+-").replace("_", "")) > MAX_NUMBER_DIGITS


def value_problems(data: dict[str, Any], questions: Mapping[str, Question]) -> list[str]:
    problems = []
    for key, value in data.items():
        if key in questions and (problem := _value_problem(value, questions[key])):
            problems.append(f"{key}: {problem}")
    return problems


def unknown_key_problems(data: dict[str, Any], questions: Mapping[str, Question]) -> list[str]:
    """Copier ignores answers to questions it does not have; a typo would go unnoticed."""
    problems = []
    # Copier's own keys (_commit, _src_path, ...) travel in the same dict during updates.
    unknown = sorted((key for key in set(data) - set(questions) if not str(key).startswith("_")), key=str)
    for key in unknown:
        import difflib  # a typo's path only: loading it costs every run

        close = difflib.get_close_matches(str(key), questions, n=1) if len(str(key)) <= SHOWN_CHARS else []
        hint = f"; did you mean {shown(close[0])}?" if close else "; see the answer keys in the README"
        problems.append(f"{shown_key(key)}: not a question of this template{hint}")
    return problems


def missing_fields_problems(registry: Registry, data: dict[str, Any], defaults: bool) -> list[str]:
    """With --defaults nobody is asked for fields, and some connectors have no starter fields."""
    source = data.get("source_connector")
    if not defaults or "fields" in data or source not in registry.connectors or sample_supplies_fields(data):
        return []
    if suggest.starter_fields(registry.get(source)):
        return []
    return [
        f"fields: {source} has no starter fields, so give the schema, "
        "e.g. --data 'fields=id:integer!, email, updated_at:timestamp'"
    ]


def size_problems(data: Mapping[str, Any]) -> list[str]:
    """Answers too big to check at all; nothing else may format or walk them."""
    if len(data) > ANSWER_LIMITS.items:
        return [f"{len(data):,} answers; at most {ANSWER_LIMITS.items:,}"]
    return [f"{shown_key(key)}: {problem}" for key, value in data.items() if (problem := size_problem(value))]


def shown_key(key: Any) -> str:
    return key if isinstance(key, str) and len(key) <= SHOWN_CHARS else shown(key)


def path_name_problems(data: Mapping[str, Any]) -> list[str]:
    """Answers that name the answers file are checked before that file is looked for."""
    return [problem for key in PATH_NAME_KEYS if key in data and (problem := check_identifier(key, data[key]))]


def scripted_answer_problems(
    registry: Registry, data: dict[str, Any], questions: Mapping[str, Question], defaults: bool = False
) -> list[str]:
    mode = data.get("deployment_mode", "self_hosted")
    problems = path_name_problems(data) + unknown_key_problems(data, questions) + value_problems(data, questions)
    problems += missing_fields_problems(registry, data, defaults) + schema_source_problems(registry, data)
    if problem := check_asset_format("asset_format", data.get("asset_format")):
        problems.append(problem)
    for question, role in CONNECTOR_ROLES.items():
        name = data.get(question)
        if name is None:
            continue
        if name not in registry.connectors:
            choices = ", ".join(registry.names_with_role(role))
            problems.append(f"{question}: unknown connector {shown(name)}; use one of {choices}")
        elif problem := check_connector(registry.get(name), role, mode):
            problems.append(f"{question}: {problem}")
    return problems


def problems_message(problems: list[str]) -> str:
    if len(problems) == 1:
        return f"dativo-gen: {problems[0]}"
    shown_problems = problems[:MAX_SHOWN_PROBLEMS]
    if len(problems) > MAX_SHOWN_PROBLEMS:
        shown_problems.append(f"... and {len(problems) - MAX_SHOWN_PROBLEMS:,} more")
    return "dativo-gen: these answers cannot be used:\n" + "\n".join(f"  {problem}" for problem in shown_problems)
