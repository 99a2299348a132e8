"""Hostile and broken input ends in one `dativo-gen:` line, never a traceback or a hang.

Each case runs Copier's real command line in-process (an exception that would print a
traceback escapes into the test) against a workspace that already holds a job, and the
workspace must come out byte for byte as it went in. The limits are in limits.py and
the README ("When an answer is wrong").
"""

from __future__ import annotations

import hashlib
import marshal
import shutil
import time
from pathlib import Path

import pytest
import yaml
from test_bad_answers import existing_workspace  # noqa: F401 - the fixture, shared

from conftest import copy_cli, copy_template, generate, generated_files, run_copier, snapshot
from dativo_gen.limits import SHOWN_CHARS

COPY = ["copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD"]
# Ten levels of ten aliases each: 10^10 items from a few hundred bytes of YAML.
ALIAS_BOMB = (
    "[&a [x, x, x, x, x, x, x, x, x, x], "
    + ", ".join(
        f"&{name} [{', '.join([f'*{previous}'] * 10)}]" for previous, name in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "]"
)
FIFTY_MB = 50 * 1024 * 1024


def refusal(workspace: Path, *args: str) -> str:
    """Run Copier on an existing workspace; it must refuse with one line and change nothing."""
    before = snapshot(workspace)
    status, stderr = run_copier(*args)
    lines = stderr.strip().splitlines()
    assert status == 1, stderr[:2000]
    assert "Traceback" not in stderr
    assert len(lines) == 1, stderr[:2000]
    assert lines[0].startswith("dativo-gen: ")
    assert snapshot(workspace) == before
    return lines[0]


def refused_copy(workspace: Path, template: Path, key: str, value: str, source: str = "stripe") -> str:
    """The one line a copy from this source with this answer is refused with."""
    data = ["--data", f"source_connector={source}", "--data", f"{key}={value}"]
    return refusal(workspace, *COPY, *data, str(template), str(workspace))


@pytest.fixture
def job_workspace(existing_workspace, tmp_path) -> Path:  # noqa: F811 - the imported fixture
    workspace = tmp_path / "workspace"
    shutil.copytree(existing_workspace, workspace)
    return workspace


def answers_file_of(workspace: Path) -> str:
    (answers,) = (workspace / ".copier-answers").rglob("*.yml")
    return str(answers.relative_to(workspace))


# --- names too long for the file system ------------------------------------------


@pytest.mark.parametrize("key", ["tenant_id", "job_name"])
def test_a_name_past_the_file_system_limit_is_refused_before_any_file_is_looked_for(
    key, job_workspace, committed_template
):
    value = "a" * 300  # 255 bytes is the longest file name
    line = refused_copy(job_workspace, committed_template, key, value)
    shown_value = line.removeprefix(f"dativo-gen: {key}: ").partition(" is not a valid name;")[0]
    assert shown_value.startswith("'aaaa") and shown_value.endswith("aaaa'")
    assert "..." in shown_value and len(shown_value) <= SHOWN_CHARS


def test_an_update_to_a_name_past_the_file_system_limit_is_refused(job_workspace, committed_template):
    line = refusal(
        job_workspace,
        "update",
        "--vcs-ref",
        "HEAD",
        "--trust",
        "--defaults",
        "--quiet",
        "-a",
        answers_file_of(job_workspace),
        "--data",
        f"tenant_id={'b' * 300}",
        str(job_workspace),
    )
    assert line.startswith("dativo-gen: tenant_id: 'bbbb")


# --- values too big or too deep to check -----------------------------------------


@pytest.mark.parametrize(
    ("key", "source"),
    [("tags", "stripe"), ("fields", "csv"), ("objects", "stripe"), ("partitioning", "stripe")],
)
def test_an_alias_bomb_in_the_data_file_is_refused(key, source, job_workspace, committed_template, tmp_path):
    data_file = tmp_path / "answers.yml"
    data_file.write_text(f"source_connector: {source}\n{key}: {ALIAS_BOMB}\n", encoding="utf-8")
    started = time.monotonic()

    line = refusal(job_workspace, *COPY, "--data-file", str(data_file), str(committed_template), str(job_workspace))

    assert line == f"dativo-gen: {key}: more than 100,000 values (a YAML alias counts each time it is used)"
    assert time.monotonic() - started < 10, "refused, not walked: walking it would take hours"


def test_a_value_that_contains_itself_is_refused(job_workspace, committed_template, tmp_path):
    data_file = tmp_path / "answers.yml"
    data_file.write_text("source_connector: stripe\ntags: &loop [a, *loop]\n", encoding="utf-8")
    line = refusal(job_workspace, *COPY, "--data-file", str(data_file), str(committed_template), str(job_workspace))
    assert line == "dativo-gen: tags: the value contains itself (a YAML alias to an enclosing node)"


def test_a_value_nested_too_deep_is_refused(job_workspace, committed_template, tmp_path):
    data_file = tmp_path / "answers.yml"
    data_file.write_text("source_connector: stripe\ntags: " + "[" * 50 + "]" * 50 + "\n", encoding="utf-8")
    line = refusal(job_workspace, *COPY, "--data-file", str(data_file), str(committed_template), str(job_workspace))
    assert line == "dativo-gen: tags: lists and mappings nested more than 8 deep"


def test_a_50_mb_value_in_the_data_file_is_refused_and_not_echoed(job_workspace, committed_template, tmp_path):
    # As lines of a block scalar, which Copier's YAML reader (pure Python) parses in linear
    # time; that parse, before the template is even loaded, is most of this test's time.
    line_text = "id_" + "x" * 60 + ",\n"
    data_file = tmp_path / "answers.yml"
    with data_file.open("w", encoding="utf-8") as file:
        file.write("source_connector: csv\nfields: |\n")
        file.writelines("  " + line_text for _ in range(FIFTY_MB // len(line_text)))

    line = refusal(job_workspace, *COPY, "--data-file", str(data_file), str(committed_template), str(job_workspace))

    assert line.startswith("dativo-gen: fields: a text of 5")
    assert line.endswith("characters is too long; at most 1,000,000")


def test_a_50_mb_value_on_the_command_line_is_refused_at_once(job_workspace, committed_template):
    started = time.monotonic()
    line = refusal(
        job_workspace,
        *COPY,
        "--data",
        "source_connector=csv",
        "--data",
        "fields=" + "x" * FIFTY_MB,
        str(committed_template),
        str(job_workspace),
    )
    assert line == f"dativo-gen: fields: a text of {FIFTY_MB:,} characters is too long; at most 1,000,000"
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("tags", "[" * 100_000 + "]" * 100_000, "nests lists or mappings too deep to read"),
        ("tags", "[" + "9" * 5000 + "]", "holds a number too long to read"),
        ("retention_days", "9" * 5000, "is far too large a number"),
    ],
    ids=["100k deep", "5000-digit number in a list", "5000-digit number"],
)
def test_a_command_line_value_too_deep_or_too_long_to_parse_is_one_message(
    key, value, problem, job_workspace, committed_template
):
    line = refused_copy(job_workspace, committed_template, key, value)
    assert line.startswith(f"dativo-gen: {key}: '")
    assert line.endswith(problem)
    assert len(line) < 200


def test_a_long_bad_value_is_shown_by_its_head_only(job_workspace, committed_template):
    line = refusal(
        job_workspace,
        *COPY,
        "--data",
        "source_connector=csv",
        "--data",
        "fields=" + "x" * 900_000,
        str(committed_template),
        str(job_workspace),
    )
    shown_value = line.removeprefix("dativo-gen: fields[0]: ").partition(" is not a valid field name;")[0]
    assert shown_value.startswith("'xxxx") and "..." in shown_value and len(shown_value) <= SHOWN_CHARS


def test_an_alias_bomb_in_the_registry_is_refused(job_workspace, tmp_path):
    template = copy_template(tmp_path / "template")
    registry = template / "registry" / "connectors.yaml"
    data = yaml.safe_load(registry.read_text(encoding="utf-8"))
    data["connectors"]["stripe"]["objects_supported"] = "BOMB"
    text = yaml.safe_dump(data, sort_keys=False)
    registry.write_text(text.replace("objects_supported: BOMB", f"objects_supported: {ALIAS_BOMB}"), encoding="utf-8")

    line = refusal(job_workspace, *COPY, "--data", "source_connector=stripe", str(template), str(job_workspace))

    assert line.startswith("dativo-gen: ")
    assert line.endswith(
        "registry/connectors.yaml: more than 200,000 values (a YAML alias counts each time it is used)"
    )


# --- samples ------------------------------------------------------------------------


def test_a_json_sample_nested_100k_deep_is_one_message(job_workspace, committed_template, tmp_path):
    sample = tmp_path / "deep.json"
    sample.write_text('{"a": ' * 100_000 + "1" + "}" * 100_000, encoding="utf-8")
    line = refused_copy(job_workspace, committed_template, "sample_path", str(sample), source="csv")
    assert line == "dativo-gen: sample_path: sample deep.json nests lists or objects too deep to read"


def test_a_json_sample_nested_past_the_limit_is_one_message(job_workspace, committed_template, tmp_path):
    sample = tmp_path / "nested.jsonl"
    sample.write_text('{"a": ' * 40 + "1" + "}" * 40 + "\n", encoding="utf-8")
    line = refused_copy(job_workspace, committed_template, "sample_path", str(sample), source="csv")
    assert line == "dativo-gen: sample_path: record 1 of nested.jsonl: objects nested more than 32 deep"


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("numbers.jsonl", '{"id": 1, "huge": %s}\n{"id": 2, "huge": 7}\n' % ("9" * 5000)),
        ("numbers.csv", "id,huge\n1,%s\n2,7\n" % ("9" * 5000)),
    ],
)
def test_a_5000_digit_number_in_a_sample_is_a_string_field(name, text, workspace, tmp_path):
    sample = tmp_path / name
    sample.write_text(text, encoding="utf-8")
    answers = generate(workspace, {"source_connector": "csv", "sample_path": str(sample)})
    asset, _ = generated_files(workspace, answers)
    # Past 64 bits no integer type holds it.
    assert [(field["name"], field["type"]) for field in asset["schema"]] == [("id", "integer"), ("huge", "string")]


# --- the user cache -------------------------------------------------------------------


def _sealed(content: bytes) -> bytes:
    return hashlib.sha256(content).digest() + content


CORRUPTIONS = {
    "garbage": lambda entry: b"\x00not a cache entry\xff" * 4,
    "cut short": lambda entry: entry[: len(entry) // 2],
    "empty": lambda entry: b"",
    "one bit flipped": lambda entry: entry[:-1] + bytes([entry[-1] ^ 1]),
    "old format": lambda entry: entry[32:],
    # Written whole and intact, but not what the reader expects: a string, not code or data.
    "wrong kind": lambda entry: _sealed(marshal.dumps("not what was cached")),
}


def copy_in_new_process(template: Path, destination: Path) -> None:
    """A run that loads the extension itself: this process may have imported its code already."""
    result = copy_cli(destination, "--data", "source_connector=stripe", template=template)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("corruption", CORRUPTIONS)
def test_damaged_cache_entries_are_ignored_and_rebuilt(corruption, committed_template, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DATIVO_GEN_CACHE_DIR", str(cache))
    copy_in_new_process(committed_template, tmp_path / "clean")
    entries = sorted(path for path in cache.rglob("*") if path.is_file())
    kinds = {path.relative_to(cache).parts[0] for path in entries}
    assert {"python", "jinja", "parsed"} <= kinds  # the schema checker compiles nothing to keep
    for entry in entries:
        entry.write_bytes(CORRUPTIONS[corruption](entry.read_bytes()))

    for run in ("first", "second"):  # the second run reads what the first rewrote
        copy_in_new_process(committed_template, tmp_path / run)
        assert snapshot(tmp_path / run) == snapshot(tmp_path / "clean")
    for entry in sorted(path for path in cache.rglob("*") if path.is_file()):
        assert entry.read_bytes() != CORRUPTIONS[corruption](b"x" * 64) or corruption == "one bit flipped"


# --- messages ---------------------------------------------------------------------------


def test_a_newline_in_a_connection_variable_keeps_the_message_on_one_line(workspace, monkeypatch, capsys):
    monkeypatch.setenv("PGHOST", "127.0.0.1\nsecond line")
    monkeypatch.setenv("PGPORT", "1")
    for name in ("PGDATABASE", "PGUSER", "PGPASSWORD"):
        monkeypatch.setenv(name, "x")
    generate(workspace, {"source_connector": "postgres", "table_name": "orders"})
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("dativo-gen: cannot read table orders at 127.0.0.1 second line:1: ")
    assert lines[0].endswith("; falling back to typed or starter fields")
