"""The extension's pieces on their own: serializer, compile cache, answer checks."""

from __future__ import annotations

import pytest
import yaml
from jinja2.sandbox import SandboxedEnvironment

from conftest import generate
from dativo_gen import checks
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


@pytest.mark.parametrize(
    ("check", "value", "message"),
    [
        (lambda v: checks.check_identifier("tenant_id", v), "a/b", "tenant_id: 'a/b' is not a valid name"),
        (lambda v: checks.check_identifier("asset_name", v), "9lives", "asset_name: '9lives' is not a valid name"),
        (lambda v: checks.check_version("asset_version", v), "v1", "asset_version: 'v1' is not a version"),
        (lambda v: checks.check_email("owner", v), "team", "owner: 'team' is not an email address"),
        (
            lambda v: checks.check_whole_number("retention_days", v, 1, 36500),
            0,
            "retention_days: 0 must be a whole number from 1 to 36500",
        ),
        (lambda v: checks.check_relative_dir("assets_dir", v), "../up", "assets_dir: '../up' must be a folder inside"),
        (lambda v: checks.check_relative_dir("jobs_dir", v), "/etc", "jobs_dir: '/etc' must be a folder inside"),
        (
            lambda v: checks.check_table_name("table_name", v),
            "drop table",
            "table_name: 'drop table' is not a table name",
        ),
    ],
)
def test_checks_name_the_question_and_the_value(check, value, message):
    assert check(value).startswith(message)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (lambda v: checks.check_identifier("tenant_id", v), "acme_corp"),
        (lambda v: checks.check_version("asset_version", v), "2.1.3"),
        (lambda v: checks.check_email("owner", v), "data-team@acme.com"),
        (lambda v: checks.check_relative_dir("assets_dir", v), "assets/stripe/v1.0"),
        (lambda v: checks.check_table_name("table_name", v), "public.orders"),
    ],
)
def test_checks_accept_good_values(check, value):
    assert check(value) == ""


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"asset_version": "v1"}, "asset_version: 'v1' is not a version"),
        ({"retention_days": 0}, "retention_days: 0 must be a whole number"),
        ({"lookback_days": -1}, "lookback_days: -1 must be a whole number"),
        ({"objects": "customers, refunds"}, "objects: 'refunds' not supported by stripe"),
        ({"assets_dir": "../elsewhere"}, "assets_dir: '../elsewhere' must be a folder inside the workspace"),
        ({"job_name": "nightly job"}, "job_name: 'nightly job' is not a valid name"),
        ({"tags": {"team": "billing"}}, "tags: {'team': 'billing'} is not a list of names"),
        ({"s3_bucket": " "}, "s3_bucket: give a value"),
        ({"source_connector": "csv", "fields": "id", "file_paths": []}, "file_paths: give at least 1 value"),
        (
            {"source_connector": "postgres", "source_connection": "host=db"},
            "source_connection: 'host=db' is not a mapping of settings",
        ),
    ],
)
def test_a_bad_answer_stops_generation_with_its_check_message(workspace, answers, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        generate(workspace, {"source_connector": "stripe", **answers})
    assert not workspace.exists()
