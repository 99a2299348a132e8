"""The only way answers reach generated YAML: through PyYAML's emitter, never as raw text."""

from __future__ import annotations

from typing import Any

import yaml

_WIDTH = 2**31 - 1  # never fold long values over several lines


class _Dumper(yaml.SafeDumper):
    """Block style with indented lists (`  - name: id`), as the Dativo examples are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Double quotes keep line breaks, tabs and other control characters escaped on one line.
    single_line_safe = value.isprintable() and "\x85" not in value
    style = None if single_line_safe else '"'
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
