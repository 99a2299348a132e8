"""The schema builder: every accepted spelling of `fields`, starters, PII/SENSITIVE."""

from __future__ import annotations

import pytest

from conftest import generate, generated_files
from dativo_gen.fields import FieldError, merge_starters, parse_fields
from dativo_gen.suggest import suggest_classification

SPEC_FIELDS = [
    {"name": "email", "type": "string", "required": False},
    {"name": "created", "type": "timestamp", "required": True},
    {"name": "balance", "type": "double", "required": False},
]


@pytest.mark.parametrize(
    "spelling",
    [
        "email, created:timestamp!, balance:double",
        ["email", "created:timestamp!", "balance:double"],
        [
            {"name": "email"},
            {"name": "created", "type": "timestamp", "required": True},
            {"name": "balance", "type": "double", "required": False},
        ],
        {"email": "string", "created": "timestamp!", "balance": "double"},
        {"email, created": "timestamp!", "balance": "double"},
    ],
    ids=["comma-string", "strings", "mappings", "name-to-type", "yaml-read-typed-colon-space"],
)
def test_every_spelling_of_fields_parses_alike(spelling):
    assert parse_fields(spelling) == SPEC_FIELDS


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("id, amount:varchar", "fields[1]: unknown type 'varchar' for 'amount'; use one of string, integer"),
        ("id, ID:bigint", "fields[1]: duplicate field name 'ID' (also fields[0])"),
        ([{"type": "string"}], "fields[0]: a field needs a name"),
        ([{"name": "x", "required": "maybe"}], "fields[0]: required must be true or false"),
        ([42], "fields[0]: expected 'name:type' or a mapping"),
        ("id, first name", "fields[1]: 'first name' is not a valid field name"),
        ("id, 2nd_line", "fields[1]: '2nd_line' is not a valid field name"),
    ],
)
def test_malformed_fields_are_named_precisely(value, message):
    with pytest.raises(FieldError) as raised:
        parse_fields(value)
    assert str(raised.value).startswith(message)


def test_a_user_field_replaces_a_starter_at_the_user_position():
    starters = [
        {"name": "id", "type": "string", "required": True},
        {"name": "created", "type": "timestamp", "required": True},
    ]
    merged = merge_starters(starters, SPEC_FIELDS)
    assert [f["name"] for f in merged] == ["id", "email", "created", "balance"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("email", "PII"),
        ("customerEmail", "PII"),
        ("phone_number", "PII"),
        ("first_name", "PII"),
        ("last_name", "PII"),
        ("date_of_birth", "PII"),
        ("ip_address", "PII"),
        ("postal_code", "PII"),
        ("salary", "SENSITIVE"),
        ("ssn", "SENSITIVE"),
        ("credit_card_number", "SENSITIVE"),
        ("password_hash", "SENSITIVE"),
        ("tax_id", "SENSITIVE"),
        ("id", ""),
        ("created", ""),
        ("balance", ""),
        ("commission_pct", ""),
        ("name", ""),
        ("tax_amount", ""),
        ("access_token", "SENSITIVE"),
        ("token_type", ""),
        ("health_score", ""),
        ("updated_at", ""),
        ("shipping", ""),
    ],
)
def test_classification_heuristic(name, expected):
    assert suggest_classification(name) == expected


def test_generated_schema_classifies_from_the_heuristic(workspace):
    answers = generate(
        workspace,
        {"source_connector": "stripe", "fields": "email, phone_number, salary:double, balance:double"},
    )
    assert answers["pii_fields"] == "email, phone_number"
    assert answers["sensitive_fields"] == "salary"
    asset, _ = generated_files(workspace, answers)
    assert {f["name"]: f.get("classification") for f in asset["schema"]} == {
        "id": None,
        "created": None,
        "email": "PII",
        "phone_number": "PII",
        "salary": "SENSITIVE",
        "balance": None,
    }
    assert asset["compliance"]["classification"] == ["PII", "SENSITIVE"]


def test_person_overrides_the_suggested_classification(workspace):
    answers = generate(
        workspace,
        {
            "source_connector": "stripe",
            "fields": "email, balance:double",
            "pii_fields": [],
            "sensitive_fields": ["balance"],
        },
    )
    asset, _ = generated_files(workspace, answers)
    assert {f["name"]: f.get("classification") for f in asset["schema"]} == {
        "id": None,
        "created": None,
        "email": None,
        "balance": "SENSITIVE",
    }
    assert asset["compliance"]["classification"] == ["SENSITIVE"]


def test_explicit_classification_in_a_mapping_becomes_the_default(workspace):
    answers = generate(
        workspace,
        {"source_connector": "stripe", "fields": [{"name": "notes", "classification": "sensitive"}]},
    )
    assert answers["sensitive_fields"] == "notes"  # recorded as a person types it


def test_no_starter_fields_keeps_only_the_user_fields(workspace):
    answers = generate(
        workspace,
        {"source_connector": "postgres", "starter_fields": False, "fields": "order_id:bigint!, updated_at:timestamp!"},
    )
    asset, _ = generated_files(workspace, answers)
    assert [f["name"] for f in asset["schema"]] == ["order_id", "updated_at"]


def test_database_starters_are_id_and_cursor(workspace):
    answers = generate(workspace, {"source_connector": "mysql", "fields": "total:double"})
    asset, _ = generated_files(workspace, answers)
    assert asset["schema"] == [
        {"name": "id", "type": "integer", "physicalType": "bigint", "required": True},
        {"name": "updated_at", "type": "timestamp", "required": True},
        {"name": "total", "type": "double", "required": False},
    ]
