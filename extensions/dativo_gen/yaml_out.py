"""The only way answers reach generated YAML: through PyYAML's emitter, never as raw text."""

from __future__ import annotations

import re
from typing import Any

import yaml

_WIDTH = 2**31 - 1  # never fold long values over several lines


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists (`  - name: id`), as the Dativo examples are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


# Words some YAML parser reads as null or a boolean: YAML 1.1 (PyYAML, Go's yaml.v2) or 1.2.
_NOT_TEXT_WORDS = frozenset(
    """~ null Null NULL true True TRUE false False FALSE yes Yes YES no No NO
    on On ON off Off OFF y Y n N""".split()
)
# Anything that starts like a number, in any parser's notation (1e3, 0o17, 0x1F, 1_000,
# 12:30, .5, .inf, 2024-01-01), is quoted: quoting text never changes it, missing one does.
_NUMBER_LIKE = re.compile(r"[-+]?(\.?[0-9][0-9A-Za-z_.:+-]*|\.(inf|Inf|INF|nan|NaN|NAN))")


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    if not value.isprintable() or "\x85" in value:
        # Double quotes keep line breaks, tabs and other control characters escaped on one line.
        style = '"'
    elif value in _NOT_TEXT_WORDS or _NUMBER_LIKE.fullmatch(value):
        style = "'"
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _dump(value: Any, flow: bool) -> str:
    text = yaml.dump(
        value,
        Dumper=_Dumper,
        default_flow_style=flow,
        sort_keys=False,
        allow_unicode=True,
        width=_WIDTH,
    )
    # A lone scalar document ends with an explicit end marker that we do not want inline.
    return text.removesuffix("\n...\n").rstrip("\n")


def yaml_value(value: Any) -> str:
    """One value on one line, quoted as YAML needs it: for `key: {{ value | yaml_value }}`."""
    return _dump(value, flow=True)


def yaml_block(value: Any, indent: int = 2) -> str:
    """A mapping or list as an indented block: for a line below `key:`."""
    pad = " " * indent
    return "\n".join(pad + line if line else line for line in _dump(value, flow=False).splitlines())
