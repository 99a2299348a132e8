"""Make Copier's many renders of question strings cheap (see reuse_compiled_strings)."""

from __future__ import annotations

import functools
from typing import Any

from jinja2 import Environment
from jinja2.runtime import new_context


class _PlainText:
    """Stands in for a compiled template whose source has no Jinja syntax at all."""

    def __init__(self, environment: Environment, text: str):
        self.environment = environment
        self.text = text

    def render(self, *args: Any, **kwargs: Any) -> str:
        # Jinja creates a context on every render and context hooks (our preflight check)
        # rely on that, so create one here too.
        new_context(self.environment, None, {}, dict(*args, **kwargs))
        return self.text


def _has_jinja_syntax(environment: Environment, source: str) -> bool:
    starts = (environment.variable_start_string, environment.block_start_string, environment.comment_start_string)
    return any(start in source for start in starts) or bool(
        environment.line_statement_prefix and environment.line_statement_prefix in source
    )


def reuse_compiled_strings(environment: Environment) -> None:
    """Compile each template string once per environment, and plain text never.

    Copier compiles every question's type, help, default, when, choices and validator at
    each render: about 350 compiles of some 110 distinct strings per copy, most of them
    without any Jinja in them, a fifth of the template's own run time.
    """
    compile_string = environment.from_string

    @functools.cache
    def compile_cached(source: str):
        if _has_jinja_syntax(environment, source):
            return compile_string(source)
        # Jinja drops one trailing newline unless told to keep it.
        keep = environment.keep_trailing_newline or not source.endswith("\n")
        return _PlainText(environment, source if keep else source[:-1])

    def from_string(source: Any, globals: Any = None, template_class: Any = None):
        if isinstance(source, str) and globals is None and template_class is None:
            return compile_cached(source)
        return compile_string(source, globals, template_class)

    environment.from_string = from_string
