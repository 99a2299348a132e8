"""The message after a copy names what `dativo run` reads, as Copier prints it.

Each case runs Copier's real command line and reads the message it printed; the
assertions are on its sections and on variable names, not on the wording around them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, copy_template, generate, generated_files, load_yaml, run_copier
from dativo_gen.registry import load_registry
from dativo_gen.runtime_environment import is_secret, run_needs

WIDTH = 80
STORAGE_S3 = {"S3_ENDPOINT", "AWS_REGION"}
KEYS_S3 = {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

# (case id, answers, (bucket, folders), settings, secrets); a bucket of None is the one the
# job nests where the writer reads it (connection.s3 / .minio), else the S3_BUCKET variable.
JOB_BUCKET = None
CASES = [
    (
        "stripe to iceberg",
        {"tenant_id": "mycompany", "source_connector": "stripe"},
        ("mycompany-data-lake", "default/default/stripe_charges/"),
        STORAGE_S3,
        KEYS_S3 | {"STRIPE_API_KEY"},
    ),
    (
        "hubspot to iceberg, domain and data product",
        {"source_connector": "hubspot", "domain": "sales", "data_product": "crm_360", "s3_bucket": "lake-eu"},
        ("lake-eu", "sales/crm_360/hubspot_contacts/"),
        STORAGE_S3,
        KEYS_S3 | {"HUBSPOT_API_KEY"},
    ),
    (
        "postgres to s3",
        {"source_connector": "postgres", "target_connector": "s3", "asset_name": "Orders"},
        (JOB_BUCKET, "default/default/orders/"),  # the runtime lowercases the asset name
        STORAGE_S3 | {"PGHOST", "PGPORT", "PGDATABASE", "PGUSER"},
        KEYS_S3 | {"PGPASSWORD"},
    ),
    (
        "mysql without connection to minio",
        {"source_connector": "mysql", "configure_connection": "false", "target_connector": "minio"},
        (JOB_BUCKET, "default/default/mysql_orders/"),
        {"MINIO_ENDPOINT", "MYSQL_HOST", "MYSQL_PORT", "MYSQL_DATABASE", "MYSQL_USER"},
        {"MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "MYSQL_PASSWORD"},
    ),
    (
        "csv to postgres",
        {"source_connector": "csv", "fields": "id:integer!", "target_connector": "postgres"},
        ("$S3_BUCKET", "default/default/csv_file/"),  # no postgres writer: every target goes to S3
        STORAGE_S3,
        KEYS_S3,
    ),
]


def closing_message(tmp_path: Path, answers: dict[str, str], template: Path = ROOT) -> str:
    args = ["copy", "--trust", "--defaults", "--vcs-ref", "HEAD"]
    for key, value in answers.items():
        args += ["--data", f"{key}={value}"]
    status, stderr = run_copier(*args, str(template), str(tmp_path / "workspace"))
    assert status == 0, stderr
    return stderr[stderr.index("Generation complete.") :].rstrip()


def sections(message: str) -> dict[str, list[str]]:
    """Title line -> the lines under it, for each block between blank lines."""
    blocks = [block.splitlines() for block in message.split("\n\n")]
    return {block[0]: block[1:] for block in blocks if block}


def variables(lines: list[str]) -> set[str]:
    listed = [line for line in lines if not line.strip().startswith(("secret file", "("))]
    return {name.strip() for line in listed for name in line.split(",")}


@pytest.mark.parametrize(
    ("answers", "location", "settings", "secrets"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_the_message_names_what_the_runtime_reads(tmp_path, answers, location, settings, secrets):
    message = closing_message(tmp_path, answers)
    parts = sections(message)

    assert all(len(line) <= WIDTH for line in message.splitlines()), message
    bucket, folders = location
    if bucket is JOB_BUCKET:
        job = next((tmp_path / "workspace" / "jobs").rglob("*.yaml"))
        connection = load_yaml(job)["target"].get("connection") or {}
        bucket = (connection.get("s3") or connection.get("minio") or {}).get("bucket") or "$S3_BUCKET"
    landing = parts["The data lands in:"]
    assert landing[0] == f"  s3://{bucket}/{folders}"
    from_variable = bucket == "$S3_BUCKET"
    assert any("S3_BUCKET" in line for line in landing[1:]) == from_variable
    expected_settings = settings | ({"S3_BUCKET"} if from_variable else set())
    environment_settings = variables(parts["Settings to set where dativo run runs:"])
    environment_secrets = variables(parts["Secrets to set there (never in the files):"])
    assert environment_settings == expected_settings
    assert environment_secrets == secrets
    assert not environment_settings & environment_secrets


def test_an_api_source_says_it_needs_docker_and_a_database_source_its_lookback(tmp_path):
    api = sections(closing_message(tmp_path / "api", {"source_connector": "stripe"}))
    database = sections(closing_message(tmp_path / "db", {"source_connector": "postgres", "lookback_days": "3"}))
    off = sections(closing_message(tmp_path / "off", {"source_connector": "postgres", "incremental": "false"}))

    assert any("Airbyte" in line and "Docker" in line for line in api["Good to know:"])
    assert not any("lookback_days" in line for line in api["Good to know:"])
    assert not any("Docker" in line for line in database["Good to know:"])
    assert any("updated_at" in line and " 3 days" in line for line in database["Good to know:"])
    assert not any("lookback_days" in line for line in off["Good to know:"])


def test_the_endpoint_fallback_is_named(tmp_path):
    notes = " ".join(sections(closing_message(tmp_path, {"source_connector": "stripe"}))["Good to know:"])
    assert "S3_ENDPOINT" in notes
    assert "localhost:9000" in notes
    assert "https://s3.amazonaws.com" in notes


def test_a_source_with_a_secret_file_names_it_with_its_backend(tmp_path):
    parts = sections(closing_message(tmp_path, {"source_connector": "postgres", "tenant_id": "globex"}))
    secrets = " ".join(parts["Secrets to set there (never in the files):"])
    assert "/secrets/globex/postgres.env" in secrets
    assert "--secret-manager filesystem" in secrets


def test_the_next_steps_hold_the_run_command_and_the_update_command(tmp_path):
    steps = sections(closing_message(tmp_path, {"tenant_id": "mycompany", "source_connector": "stripe"}))["Next steps:"]
    text = " ".join(line.strip().rstrip("\\").strip() for line in steps)
    assert "dativo run --config /app/jobs/mycompany/stripe_charges_to_iceberg.yaml --mode self_hosted" in text
    assert "copier update --trust --defaults --data KEY=VALUE -a .copier-answers/mycompany/" in text
    assert "orchestrator.schedules" in text


def test_nessie_uri_is_named_when_a_catalog_commits_and_the_job_names_no_uri(tmp_path):
    """Only a recipe's top-level `catalog` turns the Iceberg commit on; the URI is then the job's, else NESSIE_URI."""
    template = copy_template(tmp_path / "template")
    recipe = template / "connectors" / "iceberg.yaml"
    if "\ncatalog:" not in recipe.read_text(encoding="utf-8"):
        recipe.write_text(recipe.read_text(encoding="utf-8") + "catalog: nessie\n", encoding="utf-8")
    registry = load_registry(template)
    answers = generate(tmp_path / "workspace", {"source_connector": "stripe"}, template)
    _, job = generated_files(tmp_path / "workspace", answers)
    source, target = registry.get("stripe"), registry.get("iceberg")
    assert job["target"]["connection"]["nessie"]["uri"].startswith("http")

    def settings(job):
        return run_needs(source, target, job, "acme").settings

    edited = {**job, "target": {**job["target"], "connection": dict(job["target"]["connection"])}}
    del edited["target"]["connection"]["nessie"]  # a hand edit that drops the URI
    elsewhere = {**edited, "target_connector_path": "/app/connectors/without_catalog/iceberg.yaml"}
    assert "NESSIE_URI" not in settings(job)
    assert "NESSIE_URI" in settings(edited)
    assert "NESSIE_URI" not in settings(elsewhere)


@pytest.mark.parametrize(
    ("answers", "target_recipe"),
    [
        ({"configure_nessie": "true"}, "/srv/dativo/connectors/iceberg.yaml"),
        ({"configure_nessie": "false"}, "/srv/dativo/connectors/without_catalog/iceberg.yaml"),
    ],
)
def test_the_message_says_where_the_runtime_opens_the_recipes(tmp_path, answers, target_recipe):
    """The runtime opens the job's recipe paths as written: the template's recipes must be there."""
    answers = {"source_connector": "stripe", "runtime_root": "/srv/dativo", **answers}
    notes = " ".join(sections(closing_message(tmp_path, answers))["Good to know:"])
    assert "/srv/dativo/connectors/stripe.yaml" in notes
    assert target_recipe in notes
    assert "/srv/dativo/registry/connectors.yaml" in notes


SECRETS = """PGPASSWORD MYSQL_PASSWORD AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
    MINIO_ACCESS_KEY MINIO_SECRET_KEY STRIPE_API_KEY HUBSPOT_API_KEY GOOGLE_APPLICATION_CREDENTIALS
    DB_PASSWD""".split()
SETTINGS = """PGHOST PGPORT PGDATABASE PGUSER MYSQL_HOST MYSQL_PORT MYSQL_DATABASE MYSQL_USER S3_BUCKET
    S3_ENDPOINT MINIO_ENDPOINT AWS_REGION NESSIE_URI KEYSPACE_HOST""".split()


@pytest.mark.parametrize("variable", SECRETS)
def test_passwords_keys_and_tokens_are_secrets(variable):
    assert is_secret(variable)


@pytest.mark.parametrize("variable", SETTINGS)
def test_hosts_ports_databases_users_and_endpoints_are_settings(variable):
    assert not is_secret(variable)
