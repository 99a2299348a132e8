"""Every bad scripted answer ends with one readable message, exit 1, and an untouched workspace.

Each case runs Copier's real command line (in-process, so an escaping exception fails the
test instead of printing a traceback) against a workspace that already holds a job.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from conftest import generate, git, run_copier, snapshot

STRIPE = {"source_connector": "stripe"}
STRIPE_TYPED = {**STRIPE, "schema_source": "none"}  # starter fields, not the catalog
POSTGRES = {"source_connector": "postgres"}
CSV = {"source_connector": "csv", "fields": "id:integer!"}
TO_POSTGRES = {**STRIPE, "target_connector": "postgres"}
TO_S3 = {**STRIPE, "target_connector": "s3"}

# (case id, answers, the message after "dativo-gen: ")
BAD_ANSWERS: list[tuple[str, dict[str, Any], str]] = [
    # names that become paths or identifiers
    ("tenant slash", {"tenant_id": "a/b"}, "tenant_id: 'a/b' is not a valid name; use letters, digits and underscores"),
    ("tenant dots", {"tenant_id": "../acme"}, "tenant_id: '../acme' is not a valid name"),
    ("tenant leading dot", {"tenant_id": ".acme"}, "tenant_id: '.acme' is not a valid name"),
    ("tenant leading dash", {"tenant_id": "-acme"}, "tenant_id: '-acme' is not a valid name"),
    ("tenant space", {"tenant_id": "ac me"}, "tenant_id: 'ac me' is not a valid name"),
    ("tenant tab", {"tenant_id": "ac\tme"}, "tenant_id: 'ac\\tme' is not a valid name"),
    ("tenant newline", {"tenant_id": "acme\n"}, "tenant_id: 'acme\\n' is not a valid name"),
    ("tenant too long", {"tenant_id": "a" * 64}, f"tenant_id: {'a' * 64!r} is not a valid name"),
    ("domain slash", {**STRIPE, "domain": "sales/eu"}, "domain: 'sales/eu' is not a valid name; use letters, digits"),
    ("product dash", {**STRIPE, "data_product": "c-360"}, "data_product: 'c-360' is not a valid name"),
    ("asset digit", {**STRIPE, "asset_name": "9lives"}, "asset_name: '9lives' is not a valid name"),
    ("asset backslash", {**STRIPE, "asset_name": "a\\b"}, "asset_name: 'a\\\\b' is not a valid name"),
    ("object dot", {**STRIPE, "object_name": "cus.tomers"}, "object_name: 'cus.tomers' is not a valid name"),
    ("job space", {**STRIPE, "job_name": "nightly job"}, "job_name: 'nightly job' is not a valid name"),
    ("table words", {**POSTGRES, "table_name": "drop table"}, "table_name: 'drop table' is not a table name"),
    ("cursor unknown", {**POSTGRES, "cursor_field": "changed"}, "cursor_field: 'changed' is not a field of the schema"),
    ("cursor slash", {**POSTGRES, "cursor_field": "a/b"}, "cursor_field: 'a/b' is not a valid name"),
    # API sources too: Stripe's strategy needs a cursor, a field of its schema
    ("cursor api", {**STRIPE, "cursor_field": "updated"}, "cursor_field: 'updated' is not a field of the schema"),
    # versions, people, numbers
    ("version letter", {**STRIPE, "asset_version": "v1"}, "asset_version: 'v1' is not a version; use numbers like"),
    ("version one part", {**STRIPE, "asset_version": "1"}, "asset_version: '1' is not a version"),
    ("version four parts", {**STRIPE, "asset_version": "1.0.0.1"}, "asset_version: '1.0.0.1' is not a version"),
    ("owner no at", {**STRIPE, "owner": "data-team"}, "owner: 'data-team' is not an email address"),
    ("owner no domain", {**STRIPE, "owner": "a@b"}, "owner: 'a@b' is not an email address"),
    ("retention zero", {**STRIPE, "retention_days": "0"}, "retention_days: 0 is not from 1 to 36500; give a whole"),
    ("retention huge", {**STRIPE, "retention_days": "36501"}, "retention_days: 36501 is not from 1 to 36500"),
    ("retention word", {**STRIPE, "retention_days": "ninety"}, "retention_days: 'ninety' is not a whole number"),
    ("retention fraction", {**STRIPE, "retention_days": 1.5}, "retention_days: 1.5 is not a whole number"),
    ("lookback negative", {**STRIPE, "lookback_days": "-1"}, "lookback_days: -1 is not from 0 to 3650"),
    ("description long", {**STRIPE, "description": "x" * 2001}, "description: 2001 characters is too long"),
    # the schema
    ("field type", {**CSV, "fields": "id, amount:varchar"}, "fields[1]: unknown type 'varchar' for 'amount'; use one"),
    ("field duplicate", {**CSV, "fields": "id, ID:integer"}, "fields[1]: duplicate field name 'ID' (also fields[0])"),
    ("field name", {**CSV, "fields": "id, 2nd"}, "fields[1]: '2nd' is not a valid field name"),
    ("field nameless", {**CSV, "fields": [{"type": "integer"}]}, "fields[0]: a field needs a name"),
    ("field nested", {**CSV, "fields": [["id"]]}, "fields[0]: expected 'name:type' or a mapping"),
    ("field required", {**CSV, "fields": [{"name": "id", "required": "sure"}]}, "fields[0]: required must be true"),
    ("fields empty", {**CSV, "fields": []}, "fields: the schema is empty"),
    ("fields no starters", {**STRIPE_TYPED, "starter_fields": "false"}, "fields: the schema is empty"),
    ("fields yaml", {**CSV, "fields": "[{name: id"}, "fields: '[{name: id' is not valid YAML"),
    ("fields missing", {"source_connector": "csv"}, "fields: csv has no starter fields, so give the schema"),
    ("pii unknown", {**STRIPE_TYPED, "pii_fields": "[nope]"}, "pii_fields: 'nope' not among the fields; use id, crea"),
    ("sensitive unknown", {**STRIPE_TYPED, "sensitive_fields": ["id", "nope"]}, "sensitive_fields: 'nope' not among"),
    # where the schema comes from
    ("sample path lines", {**CSV, "schema_source": "sample", "sample_path": "a\nb"}, "sample_path: 'a\\nb' must be"),
    (
        "schema table words",
        {**POSTGRES, "schema_source": "database", "schema_table": "drop table"},
        "schema_table: 'drop table' is not a table name",
    ),
    ("pii as text", {**STRIPE_TYPED, "pii_fields": "id, nope"}, "pii_fields: 'nope' not among the fields"),
    # lists
    ("tags mapping", {**STRIPE, "tags": {"team": "billing"}}, "tags: {'team': 'billing'} is not a list"),
    ("partition name", {**STRIPE, "partitioning": "ingest date"}, "partitioning[0]: 'ingest date' is not a valid name"),
    ("objects unknown", {**STRIPE, "objects": "customers, refunds"}, "objects: 'refunds' not supported by stripe"),
    ("objects none", {**STRIPE, "objects": "[]"}, "objects: name at least one object to sync"),
    ("objects twice", {**STRIPE, "objects": "customers, customers"}, "objects: 'customers' is named twice"),
    ("paths none", {**CSV, "file_paths": "[]"}, "file_paths: give at least 1 value"),
    ("paths newline", {**CSV, "file_paths": ["a.csv\nb.csv"]}, "file_paths[0]: 'a.csv\\nb.csv' must be one line"),
    # connections and secrets
    ("connection text", {**POSTGRES, "source_connection": "db.internal"}, "source_connection: 'db.internal' is not a"),
    ("connection yaml", {**POSTGRES, "source_connection": "{host: db"}, "source_connection: '{host: db' is not valid"),
    (
        "connection password",
        {**POSTGRES, "source_connection": {"host": "db", "password": "hunter2"}},
        "source_connection.password: must be ${ENV}; a credential must not be written into the job, give an ${ENV}",
    ),
    (
        "connection url password",
        {**POSTGRES, "source_connection": {"host": "postgres://app:hunter2@db/orders"}},
        "source_connection.host: the URL has a password",
    ),
    (
        "target connection token",
        {**TO_POSTGRES, "target_connection": {"api_token": "abc"}},
        "target_connection.api_token: must be ${ENV}; a credential must not be written",
    ),
    # targets and places
    ("branch dots", {**STRIPE, "target_branch": "main..dev"}, "target_branch: 'main..dev' is not a branch name"),
    ("branch dash", {**STRIPE, "target_branch": "-main"}, "target_branch: '-main' is not a branch name"),
    ("warehouse http", {**STRIPE, "warehouse": "http://lake"}, "warehouse: 'http://lake' is not a warehouse location"),
    ("warehouse relative", {**STRIPE, "warehouse": "lake/acme"}, "warehouse: 'lake/acme' is not a warehouse location"),
    ("warehouse abfss", {**STRIPE, "warehouse": "abfss://lake/x"}, "warehouse: 'abfss://lake/x' needs a container"),
    ("bucket case", {**STRIPE, "s3_bucket": "Data_Lake"}, "s3_bucket: 'Data_Lake' is not a valid S3 bucket name"),
    ("bucket short", {**TO_S3, "s3_bucket": "ab"}, "s3_bucket: 'ab' is not a valid S3 bucket name"),
    ("bucket ip", {**STRIPE, "s3_bucket": "192.168.1.10"}, "s3_bucket: '192.168.1.10' is not a valid S3 bucket name"),
    ("bucket reserved", {**STRIPE, "s3_bucket": "xn--lake"}, "s3_bucket: 'xn--lake' is not a valid S3 bucket name"),
    ("prefix absolute", {**STRIPE, "s3_prefix": "/raw/stripe"}, "s3_prefix: '/raw/stripe' is not a key prefix"),
    ("prefix dots", {**STRIPE, "s3_prefix": "raw/../x"}, "s3_prefix: 'raw/../x' is not a key prefix"),
    ("nessie ftp", {**STRIPE, "nessie_uri": "ftp://nessie"}, "nessie_uri: 'ftp://nessie' is not an http(s) URL"),
    ("nessie words", {**STRIPE, "nessie_uri": "nessie host"}, "nessie_uri: 'nessie host' is not an http(s) URL"),
    ("table target", {**TO_POSTGRES, "target_table": "a b"}, "target_table: 'a b' is not a table name"),
    ("path target", {**STRIPE, "target_connector": "csv", "target_path": " "}, "target_path: give a path"),
    ("assets up", {**STRIPE, "assets_dir": "../elsewhere"}, "assets_dir: '../elsewhere' is not a folder inside"),
    ("assets absolute", {**STRIPE, "assets_dir": "/etc"}, "assets_dir: '/etc' is not a folder inside the workspace"),
    ("assets git", {**STRIPE, "assets_dir": ".git/hooks"}, "assets_dir: '.git/hooks' is not a folder inside"),
    ("jobs backslash", {**STRIPE, "jobs_dir": "jobs\\acme"}, "jobs_dir: 'jobs\\\\acme' is not a folder inside"),
    ("runtime relative", {**STRIPE, "runtime_root": "app"}, "runtime_root: 'app' must be an absolute folder"),
    # choices, connectors and keys
    (
        "asset format legacy",
        {**STRIPE, "asset_format": "legacy"},
        "asset_format: 'legacy' cannot be used: `dativo run` refuses the nested asset form (it needs a top-level",
    ),
    ("environment", {**STRIPE, "environment": "production"}, "environment: 'production' is not one of dev, staging"),
    ("log level", {**STRIPE, "log_level": "TRACE"}, "log_level: 'TRACE' is not one of DEBUG, INFO, WARNING, ERROR"),
    (
        "validation mode",
        {**STRIPE, "schema_validation_mode": "lenient"},
        "schema_validation_mode: 'lenient' is not one of strict, warn",
    ),
    ("yes or no", {**STRIPE, "incremental": "maybe"}, "incremental: 'maybe' is neither yes nor no"),
    ("source unknown", {"source_connector": "oracle"}, "source_connector: unknown connector 'oracle'; use one of"),
    ("source as target", {**STRIPE, "target_connector": "stripe"}, "target_connector: stripe cannot be used as"),
    (
        "cloud refusal",
        {"deployment_mode": "cloud", "source_connector": "postgres"},
        "source_connector: postgres is not allowed in cloud mode",
    ),
    ("unknown key", {**STRIPE, "tennant_id": "acme"}, "tennant_id: not a question of this template; did you mean"),
    ("value missing", {**STRIPE, "owner": None}, "owner: give a value"),
]


def copy_args(template: Path, destination: Path, answers: dict[str, Any], data_file: Path) -> list[str]:
    """Text answers go through --data as people type them, the rest through --data-file."""
    args = ["copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD"]
    typed = {key: value for key, value in answers.items() if not isinstance(value, str)}
    for key, value in answers.items():
        if isinstance(value, str):
            args += ["--data", f"{key}={value}"]
    if typed:
        data_file.write_text(yaml.safe_dump(typed), encoding="utf-8")
        args += ["--data-file", str(data_file)]
    return [*args, str(template), str(destination)]


@pytest.fixture(scope="module")
def existing_workspace(tmp_path_factory, committed_template) -> Path:
    """A git workspace that already holds one generated job."""
    workspace = tmp_path_factory.mktemp("existing") / "workspace"
    generate(workspace, {"source_connector": "stripe"}, template=committed_template)
    git(workspace, "init", "-q")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "one job")
    return workspace


@pytest.mark.parametrize(("answers", "message"), [case[1:] for case in BAD_ANSWERS], ids=[c[0] for c in BAD_ANSWERS])
def test_a_bad_answer_gives_one_message_and_leaves_the_workspace_untouched(
    answers, message, existing_workspace, committed_template, tmp_path
):
    workspace = tmp_path / "workspace"
    shutil.copytree(existing_workspace, workspace)
    before = snapshot(workspace)

    status, stderr = run_copier(*copy_args(committed_template, workspace, answers, tmp_path / "answers.yml"))

    assert status == 1
    assert stderr.strip().startswith(f"dativo-gen: {message}"), stderr
    assert "Traceback" not in stderr
    assert len(stderr.strip().splitlines()) == 1, "one message, on one line"
    assert snapshot(workspace) == before


@pytest.mark.parametrize(
    "case",
    ["tenant slash", "retention word", "field type", "pii unknown", "bucket case", "runtime relative"],
)
def test_a_bad_answer_leaves_no_new_destination_behind(case, committed_template, tmp_path):
    _, answers, message = next(c for c in BAD_ANSWERS if c[0] == case)
    destination = tmp_path / "new-workspace"

    status, stderr = run_copier(*copy_args(committed_template, destination, answers, tmp_path / "answers.yml"))

    assert (status, stderr.strip().startswith(f"dativo-gen: {message}")) == (1, True), stderr
    assert not destination.exists()


def test_every_validated_question_has_a_bad_answer_in_the_table(committed_template):
    """A new validator without a case here would go untested."""
    config = yaml.safe_load((committed_template / "copier.yml").read_text(encoding="utf-8"))
    validated = {key for key, spec in config.items() if not key.startswith("_") and "validator" in spec}
    tested = {key for _, answers, message in BAD_ANSWERS for key in answers if message.startswith(key)}
    assert validated - tested == set()
