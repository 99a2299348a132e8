"""Validators that re-ask at the prompt and stop scripted runs with one clean message.

Copier turns a failed validator or choice of a --data, --data-file or --defaults answer
into a Python traceback (it wraps every validator error in a ValueError). So when an
answer was not typed at a prompt, the validator here records the problem and lets the
answer through, and the extension's context hook raises it as a UserMessageError at
Copier's next render, outside the validator. Copier prints that as one message and
exits 1. Nothing is written by then: Copier asks every question before it writes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import yaml
from copier.errors import UserMessageError
from jinja2 import pass_context

from .fields import parse_list
from .limits import listed, shown, size_problem


def answered_without_prompt(context: Mapping[str, Any], question: str) -> bool:
    """Whether the answer came from --data/--data-file, a default or the answers file under --defaults."""
    conf = context["_copier_conf"]
    return question in conf["data"] or bool(conf["defaults"])


def scripted_list(value: Any) -> list[str]:
    """A multiselect answer from --data ('[a, b]') or --data-file (a YAML list)."""
    if isinstance(value, str):
        try:
            value = yaml.safe_load(value)
        except yaml.YAMLError:
            return []
    return parse_list(value) if isinstance(value, list) else []


def oversized(question: str, values: tuple[Any, ...]) -> str:
    """The first of a validator's arguments that is too big to check, as a message, or ''."""
    for value in values:
        if problem := size_problem(value):
            return f"{question}: {problem}"
    return ""


class AnswerProblems:
    """Problems found in answers nobody can be re-asked for, until the hook raises them."""

    def __init__(self) -> None:
        self.pending: list[str] = []

    def validator(self, check: Callable[..., str]) -> Callable[..., str]:
        """A validator global: check(question, *args) -> message, deferred when nobody is asked."""

        @pass_context
        def validate(context: Any, question: str, *args: Any) -> str:
            # Measured first: a check formats or walks the value, which an alias bomb makes endless.
            message = oversized(question, args) or check(question, *args)
            if message and answered_without_prompt(context, question):
                self.pending.append(message)
                return ""
            return message

        return validate

    def choices(self, list_choices: Callable[..., list[str]]) -> Callable[..., list[str]]:
        """Multiselect choices: a scripted pick outside them is recorded, not left to Copier's traceback."""

        @pass_context
        def choices(context: Any, question: str, *args: Any) -> list[str]:
            names = list_choices(*args)
            given = scripted_list(context["_copier_conf"]["data"].get(question))
            known = set(names)
            unknown = [name for name in given if name not in known]
            if unknown:
                allowed = listed(names) or "none: the schema has no fields"
                self.pending.append(f"{question}: {listed(map(shown, unknown))} not among the fields; use {allowed}")
                return names + unknown
            return names

        return choices

    def raise_pending(self) -> None:
        if self.pending:
            raise UserMessageError(f"dativo-gen: {self.pending[0]}")
