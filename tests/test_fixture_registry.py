"""Adding a connector is a registry entry plus a recipe: no code change."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from conftest import copy_template, generate, generated_files, run_cli, run_copier
from hooks.staged_checks import JOB_SCHEMA, validation_errors

NEW_CONNECTORS = {
    "salesforce": {
        "roles": ["source"],
        "category": "crm",
        "default_engine": "airbyte",
        "engines_supported": ["airbyte"],
        "allowed_in_cloud": True,
        "supports_incremental": True,
        "incremental_strategy_default": "updated_after",
        "objects_supported": ["accounts", "opportunities"],
    },
    "sqlserver": {
        "roles": ["source", "target"],
        "category": "database",
        "default_engine": "meltano",
        "engines_supported": ["meltano"],
        "allowed_in_cloud": False,
        "supports_incremental": True,
        "incremental_strategy_default": "updated_at",
        "requires_tables": True,
    },
    "bigquery": {
        "roles": ["target"],
        "category": "warehouse",
        "default_engine": "native",
        "engines_supported": ["native"],
    },
}
NEW_RECIPES = {
    "salesforce": {
        "name": "salesforce",
        "roles": ["source"],
        "credentials": {"type": "api_key", "from_env": "SALESFORCE_TOKEN"},
        "default_engine": {"type": "airbyte", "options": {"airbyte": {"docker_image": "airbyte/source-salesforce"}}},
        "incremental": {
            "strategy": "updated_after",
            "cursor_field_default": "SystemModstamp",
            "lookback_days_default": 2,
        },
    },
    "sqlserver": {
        "name": "sqlserver",
        "roles": ["source", "target"],
        "credentials": {"type": "basic", "file_template": "/secrets/{tenant}/mssql.env"},
        "default_engine": {"type": "meltano", "options": {"meltano": {"tap": "tap-mssql"}}},
        "connection_template": {"host": "${MSSQL_HOST}", "port": "${MSSQL_PORT}", "database": "${MSSQL_DB}"},
        "incremental": {"strategy": "updated_at", "cursor_field_default": "modified_at", "lookback_days_default": 1},
        "generator": {"table_name_template": "dbo.{object}"},
    },
    # bigquery deliberately has no recipe.
}


@pytest.fixture(scope="module")
def extended_template(tmp_path_factory) -> Path:
    template = copy_template(tmp_path_factory.mktemp("template"))
    registry_path = template / "registry" / "connectors.yaml"
    registry = yaml.safe_load(registry_path.read_text())
    registry["connectors"].update(NEW_CONNECTORS)
    registry_path.write_text(yaml.safe_dump(registry, sort_keys=False))
    for name, recipe in NEW_RECIPES.items():
        (template / "connectors" / f"{name}.yaml").write_text(yaml.safe_dump(recipe, sort_keys=False))
    return template


def test_new_api_connector_is_offered_with_its_objects(extended_template, workspace):
    answers = generate(workspace, {"source_connector": "salesforce"}, template=extended_template)
    assert (answers["asset_name"], answers["objects"], answers["lookback_days"]) == (
        "salesforce_accounts",
        "accounts",
        2,
    )
    _, job = generated_files(workspace, answers)
    # updated_after needs a cursor: the recipe's SystemModstamp is not in the starter
    # schema, so the schema's timestamp
    assert job["source"] == {"objects": ["accounts"], "incremental": {"cursor_field": "created", "lookback_days": 2}}
    assert validation_errors(job, JOB_SCHEMA, "job") == []


def test_new_database_connector_gets_tables_cursor_and_connection(extended_template, workspace):
    answers = generate(
        workspace, {"source_connector": "sqlserver", "asset_name": "sqlserver_orders"}, template=extended_template
    )
    asset, job = generated_files(workspace, answers)
    assert job["source"] == {
        "tables": [{"name": "dbo.orders", "object": "orders", "cursor_field": "modified_at"}],
        "connection": {"host": "${MSSQL_HOST}", "port": "${MSSQL_PORT}", "database": "${MSSQL_DB}"},
        "incremental": {"cursor_field": "modified_at", "lookback_days": 1},
    }
    assert [f["name"] for f in asset["schema"]] == ["id", "modified_at"]


def test_connector_without_recipe_warns_and_gets_minimal_configuration(extended_template, workspace):
    result = run_cli(
        "copy",
        "--trust",
        "--defaults",
        "--data",
        "source_connector=stripe",
        "--data",
        "target_connector=bigquery",
        str(extended_template),
        str(workspace),
    )
    assert result.returncode == 0, result.stderr
    assert "no recipe connectors/bigquery.yaml" in result.stderr
    job = yaml.safe_load((workspace / "jobs" / "acme" / "stripe_charges_to_bigquery.yaml").read_text())
    assert job["target"] == {"partitioning": ["ingest_date"]}
    assert job["target_connector_path"] == "/app/connectors/bigquery.yaml"


def _break(template: Path, relative: str, change) -> None:
    path = template / relative
    path.write_text(yaml.safe_dump(change(yaml.safe_load(path.read_text())), sort_keys=False))


def _entry(name: str, **changes):
    def change(registry):
        registry["connectors"][name].update(changes)
        return registry

    return change


def _without(name: str, field: str):
    def change(registry):
        del registry["connectors"][name][field]
        return registry

    return change


REGISTRY = "registry/connectors.yaml"
# A recipe is read (and checked) when a run uses its connector: the answers that use it.
USING = {
    "connectors/mysql.yaml": {"source_connector": "mysql"},
    "connectors/postgres.yaml": {"target_connector": "postgres"},
    "connectors/minio.yaml": {"target_connector": "minio"},
}


@pytest.mark.parametrize(
    ("relative", "change", "message"),
    [
        (REGISTRY, _entry("csv", roles=["source", "sink"]), "connector 'csv': unknown role 'sink'; use source"),
        (REGISTRY, _without("mysql", "default_engine"), "connector 'mysql': missing field 'default_engine'"),
        (REGISTRY, _entry("stripe", allowed_in_cloud="yes"), "connector 'stripe': allowed_in_cloud must be true or"),
        (REGISTRY, _entry("hubspot", rolse=["source"]), "connector 'hubspot': unknown field 'rolse'; did you mean"),
        (REGISTRY, _entry("hubspot", objects_supported="contacts"), "connector 'hubspot': objects_supported must be"),
        (REGISTRY, lambda registry: {"version": 3}, "needs a non-empty 'connectors' mapping"),
        ("connectors/stripe.yaml", lambda recipe: {**recipe, "name": "strype"}, "name is 'strype' but the file is"),
        ("connectors/mysql.yaml", lambda recipe: {**recipe, "roles": ["source"]}, "roles ['source'] differ from"),
        ("connectors/postgres.yaml", lambda recipe: {**recipe, "credentials": "PGPASSWORD"}, "credentials must be a"),
        ("connectors/oracle.yaml", lambda _: {"name": "oracle"}, "no registry entry in registry/connectors.yaml for"),
        (
            "connectors/minio.yaml",
            lambda recipe: {**recipe, "catalog": "nessie"},
            "has a catalog but no copy without it at connectors/without_catalog/minio.yaml",
        ),
        # the runtime refuses a strategy other than the registry's, and jobs take the recipe's
        (
            "connectors/stripe.yaml",
            lambda recipe: {**recipe, "incremental": {**recipe["incremental"], "strategy": "updated_at"}},
            "incremental.strategy 'updated_at' differs from the registry's 'created'",
        ),
    ],
)
def test_a_broken_registry_or_recipe_is_named_in_one_message(tmp_path, relative, change, message):
    template = copy_template(tmp_path / "template")
    path = template / relative
    if not path.exists():
        path.write_text("{}")
    _break(template, relative, change)
    data = {"source_connector": "stripe", **USING.get(relative, {})}

    status, stderr = run_copier(
        "copy",
        "--trust",
        "--defaults",
        *(f"--data={key}={value}" for key, value in data.items()),
        str(template),
        str(tmp_path / "out"),
    )

    assert status == 1
    assert "Traceback" not in stderr
    first_line = stderr.strip().splitlines()[0]
    assert first_line.startswith("dativo-gen: ") and relative.split("/")[0] in stderr, stderr
    assert message in stderr, stderr
    assert not (tmp_path / "out").exists()


def test_a_registry_that_is_not_yaml_is_named(tmp_path):
    template = copy_template(tmp_path / "template")
    (template / REGISTRY).write_text("connectors: [csv\n")

    status, stderr = run_copier("copy", "--trust", "--defaults", str(template), str(tmp_path / "out"))

    assert (status, "Traceback" in stderr) == (1, False)
    assert stderr.startswith(f"dativo-gen: {template / REGISTRY}: not valid YAML"), stderr
