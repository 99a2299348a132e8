"""Validators that re-ask at the prompt and stop scripted runs with one clean message.

Copier turns a failed validator or choice of a --data, --data-file or --defaults answer
into a Python traceback (it wraps every validator error in a ValueError). So when an
answer was not typed at a prompt, the validator here records the problem and lets the
answer through, and the extension's context hook raises it as a UserMessageError at
Copier's next render, outside the validator. Copier prints that as one message and
exits 1. Nothing is written by then: Copier asks every question before it writes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from copier.errors import UserMessageError
from jinja2 import pass_context

from .limits import size_problem

# Copier shows a failed validator on the prompt's one-line toolbar, after this prefix; the
# terminal cuts the rest of the line. The message there is the check's first part, the
# part that says what is wrong (the help says what is allowed).
COPIER_PROMPT_PREFIX = "Validation error for question '{}': "
PROMPT_WIDTH = 80
# "tenant_id: ", "fields[1]: ", "source_connection.password: ": the question the prompt names.
_QUESTION_HEAD = re.compile(r"(?P<key>\w+)(?:\[\d+\])?(?:\.(?P<setting>[\w.]+))?: ")
# Where the detail starts: after what is wrong come what to use, an example, a reason.
_DETAIL = re.compile(r"; | \(|, e\.g\. ")
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
# The answer the message starts with; the prompt shows it right above.
_LEADING_ANSWER = re.compile(rf"(?:{_QUOTED.pattern}|-?[0-9][0-9.]*)(?:\.\.\.)? ")


def prompt_message(question: str, message: str, width: int = PROMPT_WIDTH) -> str:
    """A check's message as the prompt shows it: what is wrong, without the question, on one line.

    The question's name (Copier prints it) and the detail go; the answer goes too, or is
    shortened, when the line would not fit otherwise."""
    text = message
    if (head := _QUESTION_HEAD.match(text)) and head["key"] == question:
        text = (f"{head['setting']}: " if head["setting"] else "") + text[head.end() :]
    text = _DETAIL.split(text, maxsplit=1)[0]
    room = width - len(COPIER_PROMPT_PREFIX.format(question))
    if len(text) > room and (answer := _LEADING_ANSWER.match(text)):
        text = text[answer.end() :]
    while len(text) > room and (longest := max(_QUOTED.findall(text), key=len, default="")) and len(longest) > 8:
        text = text.replace(longest, longest[:5] + "..." + longest[0], 1)
    return text


def answered_without_prompt(context: Mapping[str, Any], question: str) -> bool:
    """Whether the answer came from --data/--data-file, a default or the answers file under --defaults."""
    conf = context["_copier_conf"]
    return question in conf["data"] or bool(conf["defaults"])


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
            return prompt_message(question, message) if message else ""

        return validate

    def missing_answer(self, context: Mapping[str, Any], question: str, choices: Any) -> bool:
        """Whether a question without a default goes unanswered under --defaults; then recorded as a
        problem naming the choices, which the hook raises before Copier's "Question ... is required"."""
        conf = context.get("_copier_conf")
        if not conf or not conf["defaults"] or question in conf["data"]:
            return False
        # label -> {value, validator}: the enabled values
        names = ", ".join(choice["value"] for choice in choices.values() if not choice.get("validator"))
        self.pending.append(f"{question}: no answer under --defaults; add --data {question}=NAME, one of {names}")
        return True

    def raise_pending(self) -> None:
        if self.pending:
            raise UserMessageError(f"dativo-gen: {self.pending[0]}")
