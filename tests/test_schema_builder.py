"""The schema builder: every accepted spelling of `fields`, starters, PII/SENSITIVE."""

from __future__ import annotations

import pytest

from conftest import generate, generated_files
from dativo_gen.classification import suggest_classification
from dativo_gen.fields import FieldError, is_creation_timestamp, merge_starters, parse_fields

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


# What the spec's generator catches, and more: PII for names, addresses, emails, phones
# (mobile spellings too), birth dates, SSNs and IP addresses; SENSITIVE for money, cards,
# account numbers, tax ids and credentials.
MUST_BE_PII = """email customerEmail email_address EmailAddress phone phone_number homePhone mobile
    mobilephone mobile_phone cellphone cell first_name firstname FirstName last_name lastname
    customer_name name full_name display_name contact_name nickname username user_name surname
    address billing_address address_line1 street date_of_birth dob birthdate birthday ssn
    social_security_number ip ip_address ipaddress IPAddress client_ip postal_code zip passport_number""".split()
MUST_BE_SENSITIVE = """salary base_salary balance account_balance credit_limit creditlimit credit_score
    iban card_number cardnumber card_last4 credit_card_number account_number accountnumber acct_no
    bank_account_number tax_id taxid vat_number tax_number password_hash access_token api_key
    bank_name""".split()
# Names of things, not people, and plain business fields: no suggestion.
MUST_NOT_MATCH = """id created createdAt createdate updated_at filename file_name fileName object_name
    table_name schema_name column_name hostname host_name dealname deal_name company_name companyName
    classname cardinality tax_amount token_type health_score shipping commission_pct amount currency
    status description account_id lifecyclestage website numberofemployees domain industry
    jobtitle pipeline dealstage archived""".split()


@pytest.mark.parametrize("name", MUST_BE_PII)
def test_personal_data_names_are_suggested_as_pii(name):
    assert suggest_classification(name) == "PII"


@pytest.mark.parametrize("name", MUST_BE_SENSITIVE)
def test_sensitive_names_are_suggested_as_sensitive(name):
    assert suggest_classification(name) == "SENSITIVE"


@pytest.mark.parametrize("name", MUST_NOT_MATCH)
def test_names_of_things_and_business_fields_are_not_suggested(name):
    assert suggest_classification(name) == ""


def test_generated_schema_classifies_from_the_heuristic(workspace):
    answers = generate(
        workspace,
        {"source_connector": "stripe", "fields": "email, phone_number, salary:double, balance:double, total:double"},
    )
    assert answers["pii_fields"] == "email, phone_number"
    assert answers["sensitive_fields"] == "salary, balance"
    asset, _ = generated_files(workspace, answers)
    assert {f["name"]: f.get("classification") for f in asset["schema"]} == {
        "id": None,
        "created": None,
        "email": "PII",
        "phone_number": "PII",
        "salary": "SENSITIVE",
        "balance": "SENSITIVE",
        "total": None,
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


def test_a_creation_timestamp_of_the_users_own_replaces_the_starters():
    starters = [
        {"name": "id", "type": "string", "required": True},
        {"name": "created", "type": "timestamp", "required": True},
    ]
    fields = parse_fields("email, created_at:timestamp, createdate:date")
    assert [f["name"] for f in merge_starters(starters, fields)] == ["id", "email", "created_at", "createdate"]
    # a field called created-something that is no timestamp leaves the starter alone
    assert [f["name"] for f in merge_starters(starters, parse_fields("created_by"))] == ["id", "created", "created_by"]


@pytest.mark.parametrize(("source", "creation"), [("stripe", "created"), ("hubspot", "createdAt")])
def test_api_starters_are_id_then_the_connectors_one_creation_timestamp(workspace, source, creation):
    """With the catalog's fields under the starters too: id first, one creation timestamp."""
    answers = generate(workspace, {"source_connector": source, "schema_source": "catalog", "starter_fields": True})
    asset, _ = generated_files(workspace, answers)
    names = [field["name"] for field in asset["schema"]]
    created = [f["name"] for f in asset["schema"] if is_creation_timestamp(f)]
    assert (names[0], created) == ("id", [creation])
