"""Which connector choices Copier needs when it takes the answer without asking.

Copier renders every choice of a question (its label, value and validator, three renders
each) and parses the rendered list with pure-Python YAML, also when the answer comes from
--data or --defaults and no list is shown: with 2,000 connectors that is most of a run.
Without a prompt Copier only checks the answer against the choices, and the choice of a
known connector (with its validator, say a cloud refusal) gives the same result and the
same message alone as among all the others. So when every value Copier may take is a
known connector, only those choices are rendered; otherwise, or when the question is
asked (a prompt, `--ask`), all of them.
"""

from __future__ import annotations

import sys
from collections.abc import Collection, Mapping
from fnmatch import fnmatchcase
from typing import Any

from copier._main import Worker  # `from copier import Worker` warns: Copier keeps it internal


def running_worker() -> Worker | None:
    """The Copier Worker up the stack that is rendering (or loading the extension); Copier does not pass it on."""
    frame = sys._getframe(1)
    while frame is not None:
        worker = frame.f_locals.get("self")
        if isinstance(worker, Worker):
            return worker
        frame = frame.f_back
    return None


def asked_anyway(question: str) -> bool | None:
    """Whether the Copier run rendering this was told to ask the question (`--ask`); None when unknown.

    Copier does not put its ask patterns in the render context: they are read from the
    Worker that is asking.
    """
    worker = running_worker()
    return None if worker is None else any(fnmatchcase(question, pattern) for pattern in worker.ask)


def _values_copier_may_take(ctx: Mapping[str, Any], question: str, default: Any) -> list[Any] | None:
    """The answers Copier may take for the question without a prompt; None when it prompts."""
    conf = ctx["_copier_conf"]
    if question in conf["data"]:
        return [conf["data"][question]]
    if not conf["defaults"]:
        return None
    # With --defaults: the last answer (dropped when it no longer fits), else the user's
    # default, the settings' default or copier.yml's, in Copier's order.
    settings = conf["settings"]
    candidates = [ctx.get(question), conf["user_defaults"].get(question), settings.defaults.get(question), default]
    return [value for value in candidates if value is not None]


def answered_connectors(
    ctx: Mapping[str, Any], question: str, default: Any, names: Collection[str]
) -> list[str] | None:
    """The connector names the question's choices need, None for all of them."""
    values = _values_copier_may_take(ctx, question, default)
    if not values or not all(isinstance(value, str) and value in names for value in values):
        return None
    if asked_anyway(question) is not False:
        return None
    return sorted(set(values))
