"""Questions appear only where they apply, and their defaults come from the registry."""

from __future__ import annotations

import copier
import pytest

from conftest import ROOT, copy_cli, generate, generated_files, git, load_yaml, run_cli

SOURCE_ONLY_KEYS = {"objects", "table_name", "cursor_field", "file_paths", "configure_connection", "source_connection"}
TARGET_ONLY_KEYS = {
    "target_branch",
    "warehouse",
    "configure_target_connection",
    "s3_bucket",
    "s3_prefix",
    "target_connection",
    "target_table",
    "target_path",
    "configure_nessie",
    "nessie_uri",
}


def asked(answers: dict, keys: set[str]) -> set[str]:
    return keys & set(answers)


def test_api_source_asks_objects_and_its_cursor(workspace):
    answers = generate(workspace, {"source_connector": "stripe", "asset_name": "stripe_invoices"})
    assert asked(answers, SOURCE_ONLY_KEYS) == {"objects", "cursor_field"}
    assert answers["cursor_field"] == "created"
    assert answers["object_name"] == "invoices"
    assert answers["objects"] == "invoices"  # recorded as typed (list_answers.py)
    assert answers["tags"] == "stripe, invoices"
    assert answers["job_name"] == "stripe_invoices_to_iceberg"
    assert answers["s3_prefix"] == "raw/stripe/stripe_invoices"
    assert answers["lookback_days"] == 1


def test_hubspot_defaults_follow_its_supported_objects(workspace):
    answers = generate(workspace, {"source_connector": "hubspot"})
    assert (answers["asset_name"], answers["object_name"], answers["objects"]) == (
        "hubspot_contacts",
        "contacts",
        "contacts",
    )
    # the recipe's cursor, a field of the catalog's contacts
    assert answers["cursor_field"] == "updatedAt"
    _, job = generated_files(workspace, answers)
    assert job["source"]["incremental"] == {"cursor_field": "updatedAt", "lookback_days": 1}


def test_postgres_asks_table_cursor_and_connection_from_the_recipe(workspace):
    answers = generate(workspace, {"source_connector": "postgres", "asset_name": "postgres_orders"})
    assert asked(answers, SOURCE_ONLY_KEYS) == {
        "table_name",
        "cursor_field",
        "configure_connection",
        "source_connection",
    }
    assert answers["table_name"] == "public.orders"
    assert answers["cursor_field"] == "updated_at"
    asset, job = generated_files(workspace, answers)
    # the cursor where the extractor looks first (the table) and where the validator looks
    assert job["source"] == {
        "tables": [{"name": "public.orders", "object": "orders", "cursor_field": "updated_at"}],
        "connection": {"host": "${PGHOST}", "port": "${PGPORT}", "database": "${PGDATABASE}"},
        "incremental": {"cursor_field": "updated_at", "lookback_days": 1},
    }
    assert asset["schema"] == [
        {"name": "id", "type": "integer", "physicalType": "bigint", "required": True},
        {"name": "updated_at", "type": "timestamp", "required": True},
    ]
    # in the recipe's order, although Copier sorts the keys of the answer
    assert list(job["source"]["connection"]) == ["host", "port", "database"]


def test_database_defaults_follow_the_spec_examples(workspace):
    answers = generate(workspace, {"source_connector": "postgres"})
    assert (answers["asset_name"], answers["object_name"], answers["table_name"]) == (
        "postgres_orders",
        "orders",
        "public.orders",
    )


def test_output_folders_are_normalised(workspace):
    answers = generate(
        workspace, {"source_connector": "stripe", "assets_dir": "./contracts//stripe/", "jobs_dir": "jobs/./acme"}
    )
    _, job = generated_files(workspace, answers)
    assert job["asset_path"] == "/app/contracts/stripe/stripe_charges.yaml"
    assert (workspace / "contracts" / "stripe" / "stripe_charges.yaml").is_file()
    assert (workspace / "jobs" / "acme" / "stripe_charges_to_iceberg.yaml").is_file()


def test_mysql_table_has_no_schema_prefix_and_mysql_variables(workspace):
    answers = generate(workspace, {"source_connector": "mysql", "asset_name": "mysql_orders"})
    _, job = generated_files(workspace, answers)
    assert job["source"]["tables"] == [{"name": "orders", "object": "orders", "cursor_field": "updated_at"}]
    assert job["source"]["connection"] == {"host": "${MYSQL_HOST}", "port": "${MYSQL_PORT}", "database": "${MYSQL_DB}"}


def test_database_connection_can_be_left_out(workspace):
    answers = generate(workspace, {"source_connector": "postgres", "configure_connection": False})
    _, job = generated_files(workspace, answers)
    assert "source_connection" not in answers
    assert "connection" not in job["source"]


def test_cursor_field_defaults_to_a_timestamp_of_the_schema(workspace):
    answers = generate(
        workspace,
        {"source_connector": "postgres", "starter_fields": False, "fields": "order_id:bigint!, modified_at:timestamp!"},
    )
    assert answers["cursor_field"] == "modified_at"


def test_file_source_asks_file_paths(workspace):
    answers = generate(
        workspace, {"source_connector": "csv", "asset_name": "csv_employees", "fields": "employee_id:integer!"}
    )
    assert asked(answers, SOURCE_ONLY_KEYS) == {"file_paths"}
    _, job = generated_files(workspace, answers)
    # the recipe's strategy (file_modified_time) applies; it needs no cursor
    assert job["source"] == {
        "files": [{"path": "/data/acme/employees.csv", "object": "employees"}],
        "incremental": {"lookback_days": 0},
    }


def test_file_paths_accept_a_comma_separated_string(workspace):
    answers = generate(
        workspace,
        {"source_connector": "google_sheets", "fields": "id", "file_paths": "sheet-a, sheet-b"},
    )
    _, job = generated_files(workspace, answers)
    assert job["source"]["sheets"] == [
        {"spreadsheet_id": "sheet-a", "object": "sheet"},
        {"spreadsheet_id": "sheet-b", "object": "sheet"},
    ]
    assert "files" not in job["source"]


def test_incremental_off_leaves_the_key_out(workspace):
    answers = generate(workspace, {"source_connector": "stripe", "incremental": False})
    _, job = generated_files(workspace, answers)
    assert "lookback_days" not in answers and "cursor_field" not in answers
    assert job["source"] == {"objects": ["charges"]}


def test_list_answers_accept_comma_separated_strings(workspace):
    answers = generate(
        workspace,
        {
            "source_connector": "stripe",
            "objects": "customers, charges",
            "tags": "payments, pii-reviewed",
            "partitioning": "ingest_date, tenant",
        },
    )
    asset, job = generated_files(workspace, answers)
    assert job["source"]["objects"] == ["customers", "charges"]
    assert asset["tags"] == ["payments", "pii-reviewed"]
    assert asset["target"]["partitioning"] == ["ingest_date", "tenant"]
    assert job["target"]["partitioning"] == ["ingest_date", "tenant"]


def test_iceberg_target_asks_branch_warehouse_bucket_and_nessie(workspace):
    answers = generate(workspace, {"source_connector": "stripe"})
    assert asked(answers, TARGET_ONLY_KEYS) == TARGET_ONLY_KEYS - {"target_connection", "target_table", "target_path"}


def test_iceberg_without_catalog_or_connection(workspace):
    answers = generate(
        workspace,
        {"source_connector": "stripe", "configure_nessie": False, "configure_target_connection": False},
    )
    _, job = generated_files(workspace, answers)
    # the bucket then comes from S3_BUCKET at run time; no catalog, so no Iceberg commit
    assert job["target"] == {"branch": "acme", "warehouse": "s3://lake/acme/", "partitioning": ["ingest_date"]}
    assert job["target_connector_path"] == "/app/connectors/without_catalog/iceberg.yaml"


@pytest.mark.parametrize(
    ("target", "storage"),
    [
        (
            "s3",
            {
                "s3": {
                    "bucket": "acme-data-lake",
                    "prefix": "raw/stripe/stripe_charges",
                    "endpoint": "${S3_ENDPOINT}",
                    "access_key_id": "${AWS_ACCESS_KEY_ID}",
                    "secret_access_key": "${AWS_SECRET_ACCESS_KEY}",
                    "region": "${AWS_REGION}",
                }
            },
        ),
        (
            "minio",
            {
                "minio": {
                    "bucket": "acme-data-lake",
                    "prefix": "raw/stripe/stripe_charges",
                    "endpoint": "${MINIO_ENDPOINT}",
                    "access_key_id": "${MINIO_ACCESS_KEY}",
                    "secret_access_key": "${MINIO_SECRET_KEY}",
                }
            },
        ),
    ],
)
def test_object_storage_target_nests_the_bucket_where_the_writer_reads_it(workspace, target, storage):
    answers = generate(workspace, {"source_connector": "stripe", "target_connector": target})
    assert asked(answers, TARGET_ONLY_KEYS) == {"configure_target_connection", "s3_bucket", "s3_prefix"}
    _, job = generated_files(workspace, answers)
    # the s3 recipe's hard-coded s3.amazonaws.com never overrides the environment's endpoint
    assert job["target"] == {"partitioning": ["ingest_date"], "connection": storage}


@pytest.mark.parametrize(("target", "table"), [("postgres", "public.stripe_charges"), ("mysql", "stripe_charges")])
def test_database_target_asks_a_table_and_takes_its_recipe_connection(workspace, target, table):
    answers = generate(workspace, {"source_connector": "stripe", "target_connector": target})
    assert asked(answers, TARGET_ONLY_KEYS) == {"target_table", "configure_target_connection", "target_connection"}
    _, job = generated_files(workspace, answers)
    variables = {"postgres": ("PGHOST", "PGPORT", "PGDATABASE"), "mysql": ("MYSQL_HOST", "MYSQL_PORT", "MYSQL_DB")}
    host, port, database = (f"${{{name}}}" for name in variables[target])
    assert job["target"] == {
        "table": table,
        "partitioning": ["ingest_date"],
        "connection": {"host": host, "port": port, "database": database},
    }


@pytest.mark.parametrize(
    ("target", "path"),
    [
        ("csv", "/data/acme/stripe_charges.csv"),
        ("markdown_kv", "/data/acme/stripe_charges.mdkv"),
        ("google_sheets", "gsheets://acme/stripe_charges"),
    ],
)
def test_file_target_asks_a_path_and_no_connection(workspace, target, path):
    answers = generate(workspace, {"source_connector": "stripe", "target_connector": target})
    assert asked(answers, TARGET_ONLY_KEYS) == {"target_path"}
    _, job = generated_files(workspace, answers)
    assert job["target"] == {"path": path, "partitioning": ["ingest_date"]}
    assert job["target_connector_path"] == f"/app/connectors/{target}.yaml"


def test_defaults_follow_the_tenant(workspace):
    answers = generate(workspace, {"tenant_id": "corp", "source_connector": "stripe"})
    assert {
        key: answers[key] for key in ("owner", "target_branch", "warehouse", "s3_bucket", "nessie_uri", "jobs_dir")
    } == {
        "owner": "data-team@corp.com",
        "target_branch": "corp",
        "warehouse": "s3://lake/corp/",
        "s3_bucket": "corp-data-lake",
        "nessie_uri": "http://nessie.corp.internal:19120/api/v1",
        "jobs_dir": "jobs/corp",
    }


def test_custom_paths_and_runtime_root(workspace):
    answers = generate(
        workspace,
        {
            "source_connector": "stripe",
            "assets_dir": "contracts/stripe",
            "jobs_dir": "pipelines/acme",
            "job_name": "nightly_charges",
            "runtime_root": "/workspace",
        },
    )
    asset_path = workspace / "contracts" / "stripe" / "stripe_charges.yaml"
    job_path = workspace / "pipelines" / "acme" / "nightly_charges.yaml"
    assert asset_path.is_file() and job_path.is_file()
    _, job = generated_files(workspace, answers)
    assert job["asset_path"] == "/workspace/contracts/stripe/stripe_charges.yaml"
    assert job["source_connector_path"] == "/workspace/connectors/stripe.yaml"
    assert (workspace / ".copier-answers" / "acme" / "nightly_charges.yml").is_file()


@pytest.mark.parametrize("question", ["source_connector", "target_connector"])
def test_cloud_mode_refuses_a_connector_not_allowed_in_cloud(workspace, question):
    answers = {"source_connector": "stripe", question: "postgres"}
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    result = copy_cli(workspace, "--data", "deployment_mode=cloud", *data)
    assert result.returncode == 1
    assert f"{question}: postgres is not allowed in cloud mode" in result.stderr
    assert "Traceback" not in result.stderr
    assert not workspace.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["source_connector=nope"], "source_connector: unknown connector 'nope'; use one of csv, gdrive_csv,"),
        (
            ["source_connector=stripe", "target_connector=gdrive_csv"],
            "target_connector: gdrive_csv cannot be used as a target (roles: source)",
        ),
        (
            ["source_connector=stripe", "incremental=maybe"],
            "incremental: 'maybe' is neither yes nor no; use true/false, yes/no or 1/0",
        ),
        (
            ["source_connector=csv"],
            "fields: csv has no starter fields, so give the schema, e.g. --data 'fields=id:integer!",
        ),
        (
            ["source_connector=stripe", "retension_days=30"],
            "retension_days: not a question of this template; did you mean 'retention_days'?",
        ),
        # a question without a default, under --defaults: its choices, not Copier's traceback
        (
            ["tenant_id=acme"],
            "dativo-gen: source_connector: no answer under --defaults; add --data source_connector=NAME, one of csv, "
            "gdrive_csv, google_sheets, hubspot, mysql, postgres, stripe",
        ),
        (
            ["source_connector=stripe", "schema_source=none", "fields=email, phone", "pii_fields=email, fax"],
            "pii_fields: 'fax' not among the fields; use id, created, email, phone",
        ),
    ],
)
def test_scripted_answer_errors_are_one_clear_message(workspace, data, message):
    args = [arg for item in data for arg in ("--data", item)]
    result = copy_cli(workspace, *args)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert not workspace.exists()


def test_cloud_mode_disables_the_refused_connector_at_the_prompt(workspace):
    with pytest.raises(ValueError, match="Invalid choice for 'source_connector': not allowed in cloud mode"):
        # user_defaults take the path of an interactive default, not of --data
        copier.run_copy(
            str(ROOT),
            str(workspace),
            user_defaults={"deployment_mode": "cloud", "source_connector": "mysql"},
            defaults=True,
            unsafe=True,
            vcs_ref="HEAD",
            quiet=True,
        )


def test_cloud_mode_accepts_cloud_connectors(workspace):
    answers = generate(workspace, {"deployment_mode": "cloud", "source_connector": "hubspot"})
    assert answers["deployment_mode"] == "cloud"


def test_description_lands_in_the_asset(workspace):
    answers = generate(workspace, {"source_connector": "stripe", "description": "Customer master: billing"})
    asset, _ = generated_files(workspace, answers)
    assert asset["description"] == {"purpose": "Customer master: billing"}


def test_domain_and_data_product_land_in_the_asset_only_when_given(tmp_path):
    given = generate(tmp_path / "given", {"source_connector": "stripe", "domain": "sales", "data_product": "crm"})
    asset, _ = generated_files(tmp_path / "given", given)
    assert (asset["domain"], asset["dataProduct"]) == ("sales", "crm")
    assert (given["domain"], given["data_product"]) == ("sales", "crm")
    empty = generate(tmp_path / "empty", {"source_connector": "stripe", "domain": "sales"})
    asset, _ = generated_files(tmp_path / "empty", empty)
    assert asset["domain"] == "sales"
    assert "dataProduct" not in asset


LONG_TENANT = "Acme_" + "x" * 58  # 63 characters, mixed case: the defaults built from it must stay valid


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("stripe", "iceberg"),
        ("hubspot", "s3"),
        ("postgres", "mysql"),
        ("mysql", "minio"),
        ("csv", "csv"),
        ("gdrive_csv", "google_sheets"),
        ("google_sheets", "markdown_kv"),
    ],
)
def test_every_default_is_valid_for_the_longest_valid_names(workspace, source, target):
    """An invalid default would stop a --defaults run, and crash an interactive one before its prompt."""
    answers = {
        "tenant_id": LONG_TENANT,
        "source_connector": source,
        "target_connector": target,
        "asset_name": "a" * 63,
        "fields": "id:integer!",
    }
    recorded = generate(workspace, answers)
    assert len(recorded["job_name"]) == 63
    asset, job = generated_files(workspace, recorded)
    assert (asset, job["tenant_id"]) != (None, None)
    assert job["tenant_id"] == LONG_TENANT


def test_advanced_answers_given_by_key_are_recorded_and_kept_by_an_update(tmp_path):
    """The advanced questions are not asked by default; --data still answers them, for good."""
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    git(workspace, "init", "-q")
    data = ["--data", "source_connector=stripe", "--data", "job_name=nightly", "--data", "jobs_dir=pipelines"]
    result = copy_cli(workspace, *data)
    assert result.returncode == 0, result.stderr
    answers_file = ".copier-answers/acme/nightly.yml"
    answers = load_yaml(workspace / answers_file)
    assert (answers["advanced"], answers["job_name"], answers["jobs_dir"]) == (False, "nightly", "pipelines")
    assert answers["runtime_root"] == "/app"  # not asked: its default, recorded
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "nightly")
    update = [
        "update",
        "--trust",
        "--defaults",
        "--vcs-ref",
        "HEAD",
        "-a",
        answers_file,
        "--data",
        "target_connector=s3",
    ]
    result = run_cli(*update, cwd=workspace)
    assert result.returncode == 0, result.stderr
    answers = load_yaml(workspace / answers_file)
    assert (answers["job_name"], answers["jobs_dir"], answers["target_connector"]) == ("nightly", "pipelines", "s3")
    assert load_yaml(workspace / "pipelines" / "nightly.yaml")["target_connector"] == "s3"
