"""List and mapping answers: typed as one line, scripted as before, recorded as typed, old files updated."""

from __future__ import annotations

import pytest

from conftest import EXAMPLE_ANSWERS, copy_cli, git, load_yaml, run_cli
from dativo_gen.list_answers import (
    ListAnswerError,
    mapping_text,
    parse_list,
    parse_mapping,
    record_answer,
    text_or_yaml,
)
from spec_example import ANSWERS_FILE, ASSET_FILE, JOB_FILE

# The commit before list answers were typed as text: its answers files hold YAML lists.
LISTS_AS_YAML = "6e9e5d0"


@pytest.mark.parametrize(
    ("value", "items"),
    [
        ("stripe, customers", ["stripe", "customers"]),
        ("stripe,customers, ", ["stripe", "customers"]),
        ("[stripe, customers]", ["stripe", "customers"]),  # --data as YAML, as before
        (["stripe", "customers"], ["stripe", "customers"]),  # --data-file or an older answers file
        ("", []),
        (None, []),
        ("id:integer!, email", ["id:integer!", "email"]),
    ],
)
def test_a_list_answer_reads_every_way_it_is_given(value, items):
    assert parse_list(value) == items


def test_a_broken_yaml_list_is_one_message():
    with pytest.raises(ListAnswerError, match=r"'\[stripe' is not valid YAML"):
        parse_list("[stripe")


@pytest.mark.parametrize(
    ("value", "settings"),
    [
        ("host=${PGHOST}, port=${PGPORT}", {"host": "${PGHOST}", "port": "${PGPORT}"}),
        ("host=db.internal, port=5432, ssl=false", {"host": "db.internal", "port": 5432, "ssl": False}),
        ("url=postgres://db/x?a=b", {"url": "postgres://db/x?a=b"}),  # the first = splits
        ("{host: db, port: 5432}", {"host": "db", "port": 5432}),  # flow YAML, as before
        ({"host": "db"}, {"host": "db"}),
        ("db.internal", "db.internal"),  # no mapping: the check says so
    ],
)
def test_a_mapping_answer_reads_every_way_it_is_given(value, settings):
    assert parse_mapping(value) == settings


@pytest.mark.parametrize(
    "mapping",
    [
        {"host": "${PGHOST}", "port": "${PGPORT}", "database": "${PGDATABASE}"},
        {"host": "db", "port": 5432, "ssl": True},
        {"port": "5432"},  # a number written as text stays text: flow YAML
        {"options": "a, b"},  # a comma inside a value: flow YAML
        {"password": None},
    ],
)
def test_a_mapping_is_shown_in_a_form_that_reads_back_the_same(mapping):
    assert parse_mapping(mapping_text(mapping)) == mapping


def test_the_recipe_connection_is_pre_filled_as_key_value_pairs():
    mapping = {"host": "${PGHOST}", "port": "${PGPORT}", "database": "${PGDATABASE}"}
    assert mapping_text(mapping) == "host=${PGHOST}, port=${PGPORT}, database=${PGDATABASE}"


@pytest.mark.parametrize(
    ("value", "recorded"),
    [
        (["stripe", "customers"], "stripe, customers"),
        ("[stripe, customers]", "stripe, customers"),
        ("stripe,customers", "stripe,customers"),  # typed text stays as typed
        (["a,b.csv"], ["a,b.csv"]),  # a comma inside an item: the list stays
        ([{"name": "id", "description": "key"}], [{"name": "id", "description": "key"}]),
        ({"host": "db", "port": 5432}, "host=db, port=5432"),
        ("[oops", "[oops"),
    ],
)
def test_the_answers_file_records_the_one_line_form_when_it_says_the_same(value, recorded):
    assert record_answer(value) == recorded


def test_only_a_structure_is_read_as_yaml():
    assert (text_or_yaml(["a"]), text_or_yaml({"a": 1}), text_or_yaml(None)) == ("yaml", "yaml", "yaml")
    assert (text_or_yaml("a, b"), text_or_yaml("[a, b]")) == ("str", "str")


def copy(workspace, *args: str, ref: str = "HEAD") -> None:
    result = copy_cli(workspace, *args, ref=ref)
    assert result.returncode == 0, result.stderr


SCRIPTED_FORMS = {
    "data file lists": ["--data-file", str(EXAMPLE_ANSWERS)],
    "comma strings": [
        "--data-file",
        str(EXAMPLE_ANSWERS),
        *("--data", "fields=email, created:timestamp!, balance:double", "--data", "tags=stripe, customers"),
        *("--data", "pii_fields=email", "--data", "objects=customers", "--data", "partitioning=ingest_date"),
    ],
    "yaml flow strings": [
        "--data-file",
        str(EXAMPLE_ANSWERS),
        *("--data", "fields=[email, 'created:timestamp!', 'balance:double']", "--data", "tags=[stripe, customers]"),
        *("--data", "pii_fields=[email]", "--data", "objects=[customers]", "--data", "partitioning=[ingest_date]"),
    ],
}


def test_every_scripted_form_of_a_list_gives_the_same_files_and_the_one_line_record(tmp_path):
    outputs = {}
    for name, args in SCRIPTED_FORMS.items():
        workspace = tmp_path / name.replace(" ", "_")
        copy(workspace, *args)
        outputs[name] = (load_yaml(workspace / ASSET_FILE), load_yaml(workspace / JOB_FILE))
        answers = load_yaml(workspace / ANSWERS_FILE)
        assert {key: answers[key] for key in ("fields", "tags", "pii_fields", "objects", "partitioning")} == {
            "fields": "email, created:timestamp!, balance:double",
            "tags": "stripe, customers",
            "pii_fields": "email",
            "objects": "customers",
            "partitioning": "ingest_date",
        }, name
    first = outputs["data file lists"]
    assert all(output == first for output in outputs.values())
    assert first[0]["tags"] == ["stripe", "customers"]


def test_a_scripted_connection_as_key_value_pairs_or_yaml_gives_the_same_job(tmp_path):
    jobs = []
    for number, connection in enumerate(("host=db.internal, port=5432", "{host: db.internal, port: 5432}")):
        workspace = tmp_path / f"w{number}"
        data = ["--data", "source_connector=postgres", "--data", "schema_source=none"]
        copy(workspace, *data, "--data", f"source_connection={connection}")
        jobs.append(load_yaml(workspace / "jobs" / "acme" / "postgres_orders_to_iceberg.yaml"))
        answers = load_yaml(workspace / ".copier-answers" / "acme" / "postgres_orders_to_iceberg.yml")
        assert answers["source_connection"] == "host=db.internal, port=5432"
    assert jobs[0] == jobs[1]
    assert jobs[0]["source"]["connection"] == {"host": "db.internal", "port": 5432}


def test_the_default_connection_is_recorded_as_key_value_pairs(workspace):
    copy(workspace, "--data", "source_connector=postgres", "--data", "schema_source=none")
    answers = load_yaml(workspace / ".copier-answers" / "acme" / "postgres_orders_to_iceberg.yml")
    assert answers["source_connection"] == "host=${PGHOST}, port=${PGPORT}, database=${PGDATABASE}"
    job = load_yaml(workspace / "jobs" / "acme" / "postgres_orders_to_iceberg.yaml")
    assert job["source"]["connection"] == {"host": "${PGHOST}", "port": "${PGPORT}", "database": "${PGDATABASE}"}


def test_a_job_recorded_with_yaml_lists_updates_and_keeps_its_lists(workspace):
    """An answers file written before lists were typed as text still updates; its lists become text."""
    workspace.mkdir()
    git(workspace, "init", "-q")
    copy(
        workspace, "--data-file", str(EXAMPLE_ANSWERS), "--data", "tags=[stripe, customers, billing]", ref=LISTS_AS_YAML
    )
    old = load_yaml(workspace / ANSWERS_FILE)
    assert old["tags"] == ["stripe", "customers", "billing"] and old["fields"][0] == "email"
    asset_before = load_yaml(workspace / ASSET_FILE)
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "a job of the older template")

    update = ["update", "--trust", "--defaults", "--vcs-ref", "HEAD", "-a", ANSWERS_FILE, "--data", "retention_days=7"]
    result = run_cli(*update, str(workspace))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    answers = load_yaml(workspace / ANSWERS_FILE)
    assert (answers["tags"], answers["fields"]) == (
        "stripe, customers, billing",
        "email, created:timestamp!, balance:double",
    )
    asset = load_yaml(workspace / ASSET_FILE)
    assert asset["compliance"]["retention_days"] == 7
    assert (asset["tags"], asset["schema"]) == (asset_before["tags"], asset_before["schema"])
