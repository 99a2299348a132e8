"""What a person reads when an answer is refused at the prompt: one line of an 80-column terminal.

Copier puts a validator's message on the prompt's one-line toolbar after
"Validation error for question '<key>': " and the terminal cuts whatever is longer. Each
row is a bad answer to one validator of copier.yml, in the order Copier asks; the prompt
message must fit whole, start with what is wrong and not name the question again.
"""

from __future__ import annotations

import re

import pytest

from conftest import ROOT, load_yaml
from dativo_gen import checks, connection_checks, location_checks
from dativo_gen.fields import parse_fields
from dativo_gen.registry import load_registry
from dativo_gen.validation import COPIER_PROMPT_PREFIX, PROMPT_WIDTH, prompt_message

REGISTRY = load_registry(ROOT)
STRIPE, POSTGRES = REGISTRY.get("stripe"), REGISTRY.get("postgres")
STRIPE_FIELDS = ["id", "created", "email", "balance"]
LONG = "x" * 70

# (question, the check's message for a bad answer typed at its prompt)
REFUSED: list[tuple[str, str]] = [
    ("tenant_id", checks.check_identifier("tenant_id", "my/company")),
    ("tenant_id", checks.check_identifier("tenant_id", "my company " + LONG)),
    ("asset_name", checks.check_identifier("asset_name", "9lives")),
    ("object_name", checks.check_identifier("object_name", "cus.tomers")),
    ("asset_version", checks.check_version("asset_version", "v1")),
    ("description", checks.check_text("description", "x" * 2001)),
    ("sample_path", checks.check_path_text("sample_path", " people.csv")),
    ("schema_table", checks.check_table_name("schema_table", "drop table")),
    ("fields", checks.check_schema(lambda: parse_fields("id, balance:double ..."))),
    ("fields", checks.check_schema(lambda: parse_fields("id, ID"))),
    ("fields", checks.check_schema(lambda: parse_fields("id, 2nd"))),
    ("fields", checks.check_schema(lambda: parse_fields("[{name: id"))),
    ("fields", checks.check_schema(lambda: [])),
    ("pii_fields", checks.check_field_names("pii_fields", "email, phone", STRIPE_FIELDS)),
    ("sensitive_fields", checks.check_field_names("sensitive_fields", "[balance", STRIPE_FIELDS)),
    ("sensitive_fields", checks.check_field_names("sensitive_fields", "credit_limit_" + LONG, STRIPE_FIELDS)),
    ("owner", checks.check_email("owner", "data-team")),
    ("owner", checks.check_email("owner", "data-team@" + LONG)),
    ("domain", checks.check_optional_name("domain", "sales/eu")),
    ("data_product", checks.check_optional_name("data_product", "c-360")),
    ("tags", checks.check_tags("tags", "stripe, " + "t" * 300)),
    ("tags", checks.check_tags("tags", "[stripe, [nested]]")),
    ("retention_days", checks.check_whole_number("retention_days", 0, 1, 36500)),
    ("partitioning", checks.check_name_list("partitioning", "ingest date")),
    ("objects", checks.check_objects("objects", STRIPE, "customers, refunds")),
    ("objects", checks.check_objects("objects", STRIPE, "")),
    ("objects", checks.check_objects("objects", STRIPE, "customers, customers")),
    ("table_name", checks.check_table_name("table_name", "public.orders; drop")),
    ("file_paths", checks.check_path_list("file_paths", "")),
    ("cursor_field", checks.check_cursor_field("cursor_field", "changed_at", STRIPE_FIELDS)),
    ("lookback_days", checks.check_whole_number("lookback_days", -1, 0, 3650)),
    ("source_connection", connection_checks.check_connection("source_connection", POSTGRES, "acme", "db.internal")),
    (
        "source_connection",
        connection_checks.check_connection("source_connection", POSTGRES, "acme", "host=db, password=hunter2"),
    ),
    (
        "source_connection",
        connection_checks.check_connection("source_connection", POSTGRES, "acme", "host=postgres://a:pw@db/x"),
    ),
    ("target_branch", checks.check_branch("target_branch", "main..dev")),
    ("warehouse", location_checks.check_warehouse("warehouse", "http://lake")),
    ("warehouse", location_checks.check_warehouse("warehouse", "abfss://lake/x")),
    ("target_table", checks.check_table_name("target_table", "a b")),
    ("target_path", checks.check_path_text("target_path", " ")),
    ("s3_bucket", location_checks.check_s3_bucket("s3_bucket", "My_Bucket")),
    ("s3_prefix", location_checks.check_s3_prefix("s3_prefix", "/raw/stripe")),
    ("target_connection", connection_checks.check_connection("target_connection", POSTGRES, "acme", "api_token=x")),
    ("nessie_uri", location_checks.check_http_url("nessie_uri", "ftp://nessie")),
    ("job_name", checks.check_identifier("job_name", "nightly job")),
    ("assets_dir", location_checks.check_relative_dir("assets_dir", "../elsewhere")),
    ("jobs_dir", location_checks.check_relative_dir("jobs_dir", "/etc")),
    ("runtime_root", checks.check_absolute_path("runtime_root", "app")),
]


def test_every_validated_question_has_a_row():
    questions = load_yaml(ROOT / "copier.yml")
    validated = {key for key, spec in questions.items() if isinstance(spec, dict) and spec.get("validator")}
    assert validated == {question for question, _ in REFUSED}


@pytest.mark.parametrize(("question", "message"), REFUSED, ids=[f"{q}-{i}" for i, (q, _) in enumerate(REFUSED)])
def test_a_refused_answer_reads_whole_at_an_80_column_prompt(question, message):
    assert message, "the row's answer must be refused"
    shown = prompt_message(question, message)
    line = COPIER_PROMPT_PREFIX.format(question) + shown
    assert len(line) <= PROMPT_WIDTH, line
    assert "\n" not in shown
    # What is wrong comes first; the question is Copier's part of the line, never ours.
    assert not re.match(rf"{question}\b", shown) and f"{question}:" not in shown and f"{question}[" not in shown
    # It is the scripted message's own words, with only the value shortened.
    assert shown.split("...")[-1].strip() in message
