"""hooks/schema_check.py: jsonschema's verdicts on our schemas, refusals of what it cannot check, and the
messages people have always seen.

Every generated document the other tests read is held to jsonschema too (conftest.generated_files).
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import EXAMPLE_ANSWERS, assert_schema_verdicts_agree, generate, generated_files, schema_oracle
from hooks import schema_check
from hooks.staged_checks import ASSET_SCHEMA, JOB_SCHEMA, validation_errors


@pytest.fixture(scope="module")
def spec_documents(tmp_path_factory) -> dict[str, Any]:
    """The spec session's asset and job, by schema file name."""
    workspace = tmp_path_factory.mktemp("spec")
    answers = generate(workspace, yaml.safe_load(EXAMPLE_ANSWERS.read_text()))
    asset, job = generated_files(workspace, answers)
    return {ASSET_SCHEMA: asset, JOB_SCHEMA: job}


def at(path: str, value: Any) -> Callable[[Any], None]:
    """A change that sets the value at a dotted path (list positions as numbers)."""

    def change(document: Any) -> None:
        *parents, last = [int(key) if key.isdigit() else key for key in path.split(".")]
        for key in parents:
            document = document[key]
        document[last] = value

    return change


def without(path: str) -> Callable[[Any], None]:
    def change(document: Any) -> None:
        *parents, last = path.split(".")
        for key in parents:
            document = document[key]
        del document[last]

    return change


# (schema, change to the spec session's document): every keyword our schemas use, failing and passing.
CASES = [
    # type: bool is neither integer nor number; an integer is a number without a fraction, 30.0 too
    (ASSET_SCHEMA, at("name", 5)),
    (ASSET_SCHEMA, at("tags", "stripe")),
    (ASSET_SCHEMA, at("compliance.retention_days", True)),
    (ASSET_SCHEMA, at("compliance.retention_days", 30.0)),
    (ASSET_SCHEMA, at("compliance.retention_days", 30.5)),
    (ASSET_SCHEMA, at("compliance.retention_days", float("inf"))),
    (ASSET_SCHEMA, at("compliance.retention_days", float("nan"))),
    (ASSET_SCHEMA, at("version", datetime.date(2024, 1, 1))),  # what YAML makes of an unquoted date
    (JOB_SCHEMA, at("logging.redaction", "yes")),
    (JOB_SCHEMA, at("source", [])),
    (JOB_SCHEMA, lambda job: job.clear() or job.update(tenant_id=None)),
    # enum, const
    (ASSET_SCHEMA, at("status", "live")),
    (ASSET_SCHEMA, at("schema.1.type", "varchar")),
    (JOB_SCHEMA, at("environment", "qa")),
    (JOB_SCHEMA, at("logging.level", 1)),
    (ASSET_SCHEMA, at("apiVersion", "v3.0.1")),
    (ASSET_SCHEMA, at("kind", ["DataContract"])),
    # pattern (anchored at both ends), minLength
    (ASSET_SCHEMA, at("id", "not-a-uuid")),
    (ASSET_SCHEMA, at("id", "xd8b78f2f-c9f8-5d5f-bafd-f29f32506a8f")),
    (ASSET_SCHEMA, at("version", "1.a")),
    (ASSET_SCHEMA, at("version", "1.0.2")),
    (ASSET_SCHEMA, at("team.owner", "data-team")),
    (ASSET_SCHEMA, at("schema.0.name", "1abc")),
    (ASSET_SCHEMA, at("name", "a" * 129)),
    (JOB_SCHEMA, at("asset_path", "/app/assets/orders.json")),
    (ASSET_SCHEMA, at("object", "")),
    (JOB_SCHEMA, at("target.branch", "")),
    # minimum
    (ASSET_SCHEMA, at("compliance.retention_days", 0)),
    (JOB_SCHEMA, at("source.incremental.lookback_days", -1)),
    (JOB_SCHEMA, at("source.incremental.lookback_days", 0)),
    # minItems (source.objects' in an allOf beside its $ref), uniqueItems, items
    (ASSET_SCHEMA, at("schema", [])),
    (JOB_SCHEMA, at("source.objects", [])),
    (JOB_SCHEMA, at("source.tables", [])),
    (ASSET_SCHEMA, at("compliance.classification", ["PII", "PII"])),
    (ASSET_SCHEMA, at("compliance.classification", ["PII", "SENSITIVE"])),
    (ASSET_SCHEMA, at("tags", ["stripe", ""])),
    (ASSET_SCHEMA, at("schema.0.required", "yes")),
    (JOB_SCHEMA, at("target.partitioning", ["ingest_date", 1])),
    # minProperties, required, properties, additionalProperties (false, or a schema)
    (JOB_SCHEMA, at("source.incremental", {})),
    (JOB_SCHEMA, without("logging")),
    (ASSET_SCHEMA, without("team.owner")),
    (ASSET_SCHEMA, at("colour", "blue")),
    (ASSET_SCHEMA, at("team.colour", "blue")),
    (ASSET_SCHEMA, at("schema.0.format", "uuid")),
    (ASSET_SCHEMA, lambda asset: asset.update({1: "one"})),  # YAML keys need not be text
    (JOB_SCHEMA, at("source.tables", [{"name": "orders", "object": "orders", "where": "x"}])),
    (JOB_SCHEMA, at("source.connection", {"host": "db", "port": 5432, "ssl": True, "options": {"a": "b"}, 7: 1.5})),
    # anyOf of a connection value, allOf of the storage the writer reads
    (JOB_SCHEMA, at("source.connection", {"host": None})),
    (JOB_SCHEMA, at("source.connection", {"hosts": ["a", "b"]})),
    (JOB_SCHEMA, at("target.connection.s3.region", {"name": {"deeper": [1]}})),
    (JOB_SCHEMA, without("target.connection.s3.bucket")),
    (JOB_SCHEMA, at("target.connection.s3.bucket", "")),
    (JOB_SCHEMA, at("target.connection.minio", {"bucket": 5})),
    (JOB_SCHEMA, at("target.connection.other", {"bucket": 5})),
    (JOB_SCHEMA, at("target.connection", "s3://lake")),
]


@pytest.mark.parametrize(("schema_name", "change"), CASES)
def test_the_verdict_is_jsonschemas(spec_documents, schema_name, change):
    document = copy.deepcopy(spec_documents[schema_name])
    change(document)
    assert_schema_verdicts_agree(document, schema_name)


def test_the_spec_session_passes_and_the_table_has_failures_of_every_keyword(spec_documents):
    assert validation_errors(spec_documents[ASSET_SCHEMA], ASSET_SCHEMA, "asset") == []
    assert validation_errors(spec_documents[JOB_SCHEMA], JOB_SCHEMA, "job") == []
    failed = set()
    for schema_name, change in CASES:
        document = copy.deepcopy(spec_documents[schema_name])
        change(document)
        failed |= {error.validator for error in schema_oracle(schema_name).iter_errors(document)}
    assert failed >= schema_check.KEYWORDS - {"$ref", "allOf", "properties", "items"}


# What the semantics of a few keywords rest on, each against jsonschema on a schema of its own.
SMALL_SCHEMAS = [
    ({"pattern": "b"}, ["abc", "ac", 5]),  # search, not match; only text is matched
    ({"type": "integer"}, [1, 1.0, 1.5, True, "1"]),
    ({"type": "number"}, [1, 1.5, False, None]),
    ({"type": ["string", "null"]}, ["x", None, 0]),
    ({"enum": [1, "a", None]}, [1, 1.0, True, "a", None, "b"]),
    ({"const": False}, [False, 0, None]),
    ({"uniqueItems": True}, [[1, 1.0], [1, True], [[1], [1]], [{"a": 1}, {"a": True}], "not a list"]),
    ({"minimum": 2}, [2, 1.5, "1", True]),
    ({"minLength": 2}, ["ab", "é", "🙂🙂", 5]),
    ({"minProperties": 1, "required": ["a"]}, [{"a": 1}, {}, {"b": 1}, ["a"]]),
]


@pytest.mark.parametrize(("schema", "values"), SMALL_SCHEMAS)
def test_keyword_semantics_are_jsonschemas(schema, values):
    document = {"$id": "https://dativo-gen.local/schemas/small.schema.json", **schema}
    ours = schema_check.Schemas({"small.schema.json": document})
    for value in values:
        expected = jsonschema.Draft7Validator(document).is_valid(value)
        assert (ours.first_problem(value, "small.schema.json") is None) == expected, value


def test_the_end_of_a_pattern_is_the_end_of_the_text(spec_documents):
    """$ ends the text as in ECMA-262, so a final newline fails; Python's $, and so jsonschema, lets
    it through: the one place the checker is stricter than its oracle."""
    asset = copy.deepcopy(spec_documents[ASSET_SCHEMA])
    asset["name"] = "orders\n"
    assert validation_errors(asset, ASSET_SCHEMA, "asset") == [
        "asset: $.name: 'orders\\n' must match pattern ^[A-Za-z_][A-Za-z0-9_]{0,127}$"
    ]
    assert schema_oracle(ASSET_SCHEMA).is_valid(asset)


def loaded(schema: dict[str, Any], *others: dict[str, Any]) -> schema_check.Schemas:
    documents = {"t.schema.json": {"$id": "https://dativo-gen.local/schemas/t.schema.json", **schema}}
    documents |= {f"{index}.schema.json": other for index, other in enumerate(others)}
    return schema_check.Schemas(documents)


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        ({"properties": {"a": {"type": "string", "maxLength": 3}}}, "t.schema.json#/properties/a: "),
        ({"$defs": {"b": {"format": "email"}}}, "t.schema.json#/$defs/b: "),
        ({"anyOf": [{"oneOf": []}]}, "t.schema.json#/anyOf/0: "),
        ({"items": {"type": "strin"}}, "t.schema.json#/items: unknown type ['strin']"),
        ({"items": [{"type": "string"}]}, "t.schema.json#/items: a schema must be an object"),
        ({"items": {"$ref": "#", "minItems": 1}}, "t.schema.json#/items: draft-07 ignores keywords beside $ref"),
        ({"items": {"$ref": "#/$defs/missing"}}, "#/items: $ref #/$defs/missing names no schema of hooks/schemas/"),
        ({"items": {"$ref": "other.schema.json#/$defs/a"}}, "$ref other.schema.json#/$defs/a names no schema"),
        ({"items": {"$ref": "#/required"}, "required": ["a"]}, "$ref #/required names no schema"),
        ({"$defs": {"a": {"$ref": "#/$defs"}}}, "$ref #/$defs names no schema"),
    ],
)
def test_a_schema_the_checker_cannot_check_is_refused_when_it_loads(schema, message):
    with pytest.raises(schema_check.SchemaError) as refused:
        loaded(schema)
    assert message in str(refused.value)


def test_the_unknown_keyword_is_named():
    with pytest.raises(schema_check.SchemaError, match=r"does not check maxLength, multipleOf$"):
        loaded({"properties": {"a": {"maxLength": 3, "multipleOf": 2, "title": "an annotation"}}})


def test_refs_name_other_files_by_their_id():
    shared = {"$id": "https://dativo-gen.local/schemas/shared.schema.json", "$defs": {"n": {"type": "integer"}}}
    schemas = loaded({"properties": {"a": {"$ref": "shared.schema.json#/$defs/n"}}}, shared)
    assert str(schemas.first_problem({"a": "x"}, "t.schema.json")) == "$.a: 'x' must be integer"


@pytest.mark.parametrize(
    ("schema_name", "change", "message"),
    [
        (JOB_SCHEMA, at("environment", "qa"), "$.environment: 'qa' must be one of ['dev', 'staging', 'prod']"),
        (JOB_SCHEMA, without("logging"), "$: must contain ['logging'] properties"),
        (
            JOB_SCHEMA,
            at("source.incremental.lookback_days", -1),
            "$.source.incremental.lookback_days: -1 must be bigger than or equal to 0",
        ),
        (ASSET_SCHEMA, at("compliance.retention_days", True), "$.compliance.retention_days: True must be integer"),
        (
            ASSET_SCHEMA,
            at("schema.0.name", "1abc"),
            "$.schema[0].name: '1abc' must match pattern ^[A-Za-z_][A-Za-z0-9_]{0,127}$",
        ),
        (ASSET_SCHEMA, at("apiVersion", "v3.0.1"), "$.apiVersion: 'v3.0.1' must be same as const definition: v3.0.2"),
        (ASSET_SCHEMA, at("team.colour", "blue"), "$.team: must not contain {'colour'} properties"),
        (
            ASSET_SCHEMA,
            at("compliance.classification", ["PII", "PII"]),
            "$.compliance.classification: must contain unique items",
        ),
        (ASSET_SCHEMA, at("schema", []), "$.schema: must contain at least 1 items"),
        (JOB_SCHEMA, at("source.incremental", {}), "$.source.incremental: must contain at least 1 properties"),
        (
            JOB_SCHEMA,
            at("target.connection.s3.bucket", ""),
            "$.target.connection.s3.bucket: '' must be longer than or equal to 1 characters",
        ),
        (
            JOB_SCHEMA,
            at("source.connection", {"host": None}),
            "$.source.connection.host: None cannot be validated by any definition",
        ),
        (JOB_SCHEMA, at("source", []), "$.source: must be object"),
    ],
)
def test_the_message_names_the_path_the_value_and_the_problem(spec_documents, schema_name, change, message):
    document = copy.deepcopy(spec_documents[schema_name])
    change(document)
    assert validation_errors(document, schema_name, "jobs/acme/orders.yaml") == [f"jobs/acme/orders.yaml: {message}"]
