"""The extension's pieces on their own: serializer, compile cache, answer checks."""

from __future__ import annotations

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

from dativo_gen.compile_cache import reuse_compiled_strings
from dativo_gen.yaml_out import yaml_block, yaml_value

AWKWARD_VALUES = [
    "plain",
    "yes",
    "no",
    "on",
    "null",
    "~",
    "1.0",
    "0o17",
    "1e3",
    "",
    " leading space",
    "colon: inside",
    "# not a comment",
    "- dash",
    "{braces}",
    "[brackets]",
    "&anchor",
    "*alias",
    "!tag",
    "| pipe",
    "> fold",
    "%percent",
    "@at",
    "`tick`",
    "quote ' and \" both",
    "line\nbreak",
    "tab\there",
    "ünïcødé ✓",
    "${PGHOST}",
]


@pytest.mark.parametrize("value", AWKWARD_VALUES)
def test_yaml_value_round_trips_inline(value):
    text = f"key: {yaml_value(value)}\n"
    assert len(text.splitlines()) == 1
    assert yaml.safe_load(text) == {"key": value}


def test_yaml_block_round_trips_nested_values():
    value = {"list": AWKWARD_VALUES, "nested": {"n": 1, "t": True, "none": None, "empty": {}}}
    text = "top:\n" + yaml_block(value) + "\n"
    assert yaml.safe_load(text) == {"top": value}


def test_yaml_block_indents_lists_like_the_dativo_examples():
    assert yaml_block({"schema": [{"name": "id"}]}) == "  schema:\n    - name: id"


@pytest.mark.parametrize("keep_trailing_newline", [True, False])
def test_compile_cache_renders_exactly_like_jinja(keep_trailing_newline):
    sources = ["plain", "plain\n", "{{ x }}", "{{ x }}\n", "{% if x %}a{% endif %}", "{# c #}b", "", "a {b} c"]
    plain = SandboxedEnvironment(keep_trailing_newline=keep_trailing_newline)
    cached = SandboxedEnvironment(keep_trailing_newline=keep_trailing_newline)
    reuse_compiled_strings(cached)
    for source in sources:
        assert cached.from_string(source).render(x=1) == plain.from_string(source).render(x=1)
        assert cached.from_string(source) is cached.from_string(source)


def test_compiled_strings_are_kept_on_disk_for_the_next_run(tmp_path, monkeypatch):
    monkeypatch.setenv("DATIVO_GEN_CACHE_DIR", str(tmp_path))
    rendered = []
    for _ in range(2):  # two environments, as two runs of the template have
        environment = SandboxedEnvironment(keep_trailing_newline=True)
        reuse_compiled_strings(environment)
        rendered.append(environment.from_string("{{ x | upper }}-{{ y }}").render(x="a", y=1))
    assert rendered == ["A-1", "A-1"]
    assert len(list((tmp_path / "jinja").rglob("*.cache"))) == 1
