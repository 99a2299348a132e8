"""How big an answer, a data file value or a template file may be, and how a bad value is shown.

YAML lets a few bytes stand for a huge value: an alias repeats a node without copying
it, so ten levels of `[*a, *a, ...]` parse in microseconds into 10^10 items that take
forever to check, print or serialise. Every value is therefore measured before anything
walks it, counting each alias where it appears but visiting the node it names once, and
refused past these limits (the README lists them). Messages show at most SHOWN_CHARS of
a bad value, however long it is.
"""

from __future__ import annotations

import reprlib
from typing import Any, NamedTuple

SHOWN_CHARS = 80
SHOWN_ITEMS = 10


# A NamedTuple: a dataclass would cost every run half a millisecond to create.
class Limits(NamedTuple):
    text: int  # characters in one string
    items: int  # entries of one list or mapping
    nodes: int  # values in the whole answer or file, aliases counted where they appear
    depth: int  # lists and mappings inside each other


# An answer: 10,000 fields typed as text or as mappings fit; a pasted 50 MB file does not.
ANSWER_LIMITS = Limits(text=1_000_000, items=10_000, nodes=100_000, depth=8)
# A template file (registry, recipe, copier.yml): far above what a real one holds.
TEMPLATE_FILE_LIMITS = Limits(text=100_000, items=10_000, nodes=200_000, depth=16)
TEMPLATE_FILE_BYTES = 4 * 1024 * 1024


class _Shown(reprlib.Repr):
    def __init__(self) -> None:
        super().__init__()
        self.maxstring = self.maxother = SHOWN_CHARS
        self.maxlist = self.maxtuple = self.maxset = self.maxfrozenset = SHOWN_ITEMS
        self.maxdict = 4
        self.maxlevel = 3

    def repr_int(self, value: int, level: int) -> str:
        # repr() of a huge number is slow, and past 4,300 digits refused.
        if value.bit_length() > 200:
            return f"<a number of about {int(value.bit_length() * 0.30103):,} digits>"
        return repr(value)


_SHOWN = _Shown()


def shown(value: Any) -> str:
    """A bad value as a message shows it: repr() of its head, at most SHOWN_CHARS characters."""
    return shown_text(_SHOWN.repr(value))


def shown_text(text: str) -> str:
    """A text as it is, when at most SHOWN_CHARS characters long; else its head."""
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 3] + "..."


def listed(names: Any, limit: int = SHOWN_ITEMS) -> str:
    """Names for a message, comma-separated; past `limit` only the first ones and a count."""
    names = list(names)
    head = ", ".join(shown_text(name) if isinstance(name, str) else shown(name) for name in names[:limit])
    return head if len(names) <= limit else f"{head} and {len(names) - limit:,} more"


class _TooBig(Exception):
    pass


def size_problem(value: Any, limits: Limits = ANSWER_LIMITS) -> str:
    """Why a value is too big to work with, or ''. Each distinct node is visited once."""
    measured: dict[int, tuple[int, int]] = {}  # id -> (values, levels), for nodes an alias reaches again
    open_nodes: set[int] = set()

    def measure(item: Any, depth: int) -> tuple[int, int]:
        """The values in item and how many levels of lists and mappings it has."""
        if isinstance(item, (str, bytes)):  # bytes: YAML's !!binary
            if len(item) > limits.text:
                raise _TooBig(f"a text of {len(item):,} characters is too long; at most {limits.text:,}")
            return 1, 0
        if not isinstance(item, (list, tuple, dict, set, frozenset)):
            return 1, 0
        key = id(item)
        if key in open_nodes:
            raise _TooBig("the value contains itself (a YAML alias to an enclosing node)")
        if key not in measured:
            if depth >= limits.depth:
                raise _TooBig(f"lists and mappings nested more than {limits.depth} deep")
            if len(item) > limits.items:
                raise _TooBig(f"{len(item):,} entries in one list or mapping; at most {limits.items:,}")
            open_nodes.add(key)
            values, levels = 1, 1
            children = [part for pair in item.items() for part in pair] if isinstance(item, dict) else item
            for child in children:
                child_values, child_levels = measure(child, depth + 1)
                values, levels = values + child_values, max(levels, child_levels + 1)
                if values > limits.nodes:
                    raise _TooBig(f"more than {limits.nodes:,} values (a YAML alias counts each time it is used)")
            open_nodes.discard(key)
            measured[key] = values, levels
        values, levels = measured[key]
        if depth + levels > limits.depth:
            raise _TooBig(f"lists and mappings nested more than {limits.depth} deep")
        return values, levels

    try:
        measure(value, 0)
    except _TooBig as problem:
        return str(problem)
    return ""
