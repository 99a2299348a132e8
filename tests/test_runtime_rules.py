"""Every generated job passes what `dativo run` checks, and each answer lands where it reads it.

One real `copier copy` per source x target x incremental on/off (and per source allowed in
cloud mode), every rule of ../shared/notes/dativo-runtime.md that applies asserted on the
parsed job. The rules are restated here from the note, not taken from runtime.py, and the
runtime's recipe merge is replayed on the template's own recipes, as `dativo run` would
see them with the template's connectors/ and registry/ at the runtime root.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from conftest import ROOT, copy_template, generate, generated_files, load_yaml, reference_schema
from dativo_gen.list_answers import parse_list

REGISTRY = load_yaml(ROOT / "registry" / "connectors.yaml")["connectors"]
SOURCES = sorted(name for name, entry in REGISTRY.items() if "source" in entry["roles"])
TARGETS = sorted(name for name, entry in REGISTRY.items() if "target" in entry["roles"])
CLOUD_SOURCES = [name for name in SOURCES if REGISTRY[name].get("allowed_in_cloud", True)]
LAKE_CATEGORIES = ("lakehouse", "object_storage")
CURSOR_STRATEGIES = ("updated_at", "created", "updated_after")
FILE_STRATEGIES = ("file_modified_time", "spreadsheet_modified_time")
ENV_REFERENCE = re.compile(r"^\$\{[A-Z_][A-Z0-9_]*\}$")
FILE_FIELDS = "id:integer!, email, updated_at:timestamp!"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    # A plain copy: Copier reads it in place instead of cloning a dirty checkout per job.
    return copy_template(tmp_path_factory.mktemp("template"))


def recipe_at(runtime_path: str) -> dict[str, Any]:
    """The template's recipe a job points at, with the template standing at /app."""
    relative = runtime_path.removeprefix("/app/")
    path = ROOT / relative
    assert path.is_file(), f"the job points at {runtime_path}, which the template does not ship"
    return yaml.safe_load(path.read_text())


def merged_incremental(job: dict[str, Any]) -> dict[str, Any] | None:
    """config.py:639-712: a non-empty job mapping over the recipe's incremental block, else off."""
    block = job["source"].get("incremental")
    if not block:
        return None
    return {**(recipe_at(job["source_connector_path"]).get("incremental") or {}), **block}


def merged_target(job: dict[str, Any]) -> dict[str, Any]:
    """config.py:714-760: the recipe's target settings, the job's merged one level deep."""
    recipe = recipe_at(job["target_connector_path"])
    target = {
        "catalog": recipe.get("catalog"),
        "partitioning": recipe.get("partitioning_default"),
        "connection": dict(recipe.get("connection_template") or {}),
    }
    for key, value in job["target"].items():
        one_level = isinstance(value, dict) and isinstance(target.get(key), dict)
        target[key] = {**target[key], **value} if one_level else value
    return target


def assert_source_rules(job: dict[str, Any], asset: dict[str, Any], answers: dict[str, Any]) -> None:
    source_type = job["source_connector"]
    entry = REGISTRY[source_type]
    source = job["source"]
    if source_type == "google_sheets":
        assert source["sheets"] and "files" not in source
        assert all(set(sheet) == {"spreadsheet_id", "object"} for sheet in source["sheets"])
    incremental = merged_incremental(job)
    if not answers.get("incremental"):
        assert "incremental" not in source
        assert incremental is None
        return
    assert isinstance(source["incremental"], dict) and source["incremental"]
    assert source["incremental"]["lookback_days"] == answers["lookback_days"]
    strategy = incremental.get("strategy")
    assert strategy == entry["incremental_strategy_default"] or strategy in FILE_STRATEGIES
    # the job schema's enum lacks created and updated_after: the job leaves the strategy out
    assert "strategy" not in source["incremental"]
    if strategy in CURSOR_STRATEGIES:
        cursor = source["incremental"]["cursor_field"]
        assert cursor == answers["cursor_field"]
        assert cursor in [field["name"] for field in asset["schema"]]
        for table in source.get("tables", []):
            assert table["cursor_field"] == cursor
    if strategy == "file_modified_time":
        assert source["files"]
    if strategy == "spreadsheet_modified_time":
        assert source["sheets"]


def assert_target_rules(job: dict[str, Any], answers: dict[str, Any]) -> None:
    target = merged_target(job)
    partitioning = parse_list(answers["partitioning"])  # the answer as typed: ingest_date
    assert job["target"]["partitioning"] == partitioning
    assert target["partitioning"] == partitioning
    connection = target["connection"]
    storage = connection.get("s3") or connection.get("minio") or {}
    if REGISTRY[job["target_connector"]]["category"] in LAKE_CATEGORIES:
        key = "minio" if job["target_connector"] == "minio" else "s3"
        nested = job["target"]["connection"][key]
        assert "bucket" not in job["target"]["connection"]
        assert storage["bucket"] == nested["bucket"] == answers["s3_bucket"]
        assert storage["endpoint"] == {"s3": "${S3_ENDPOINT}", "minio": "${MINIO_ENDPOINT}"}[key]
        assert {"access_key_id", "secret_access_key"} <= set(storage)
        assert all(ENV_REFERENCE.match(storage[name]) for name in storage if name not in ("bucket", "prefix"))
    else:
        # no writer of its own: Parquet to the bucket in S3_BUCKET (help texts say so)
        assert not storage.get("bucket")
    # yes to Nessie is the recipe with a catalog (the commit), no is one without
    assert bool(target["catalog"]) == bool(answers.get("configure_nessie"))
    if target["catalog"]:
        assert job["target"]["connection"]["nessie"]["uri"] == answers["nessie_uri"]


def generate_job(template: Path, tmp_path: Path, answers: dict[str, Any]):
    if REGISTRY[answers["source_connector"]]["category"] == "files":
        answers = {"fields": FILE_FIELDS, **answers}
    recorded = generate(tmp_path / "workspace", answers, template=template)
    asset, job = generated_files(tmp_path / "workspace", recorded)
    return asset, job, recorded


def assert_runtime_rules(asset: dict[str, Any], job: dict[str, Any], answers: dict[str, Any]) -> None:
    jsonschema.validate(job, reference_schema("job-config.schema.json"))
    assert isinstance(asset["schema"], list) and asset["schema"]
    assert job["schema_validation_mode"] == answers["schema_validation_mode"]
    assert_source_rules(job, asset, answers)
    assert_target_rules(job, answers)


@pytest.mark.parametrize("incremental", [True, False], ids=["incremental", "full"])
@pytest.mark.parametrize("target_name", TARGETS)
@pytest.mark.parametrize("source_name", SOURCES)
def test_every_job_passes_the_runtime_rules(template, tmp_path, source_name, target_name, incremental):
    answers: dict[str, Any] = {"source_connector": source_name, "target_connector": target_name}
    if not incremental:
        # the other answers' non-default values ride along with the full-read jobs
        answers.update(incremental=False, schema_validation_mode="warn", partitioning=["ingest_date", "region"])
    asset, job, recorded = generate_job(template, tmp_path, answers)
    assert_runtime_rules(asset, job, recorded)


@pytest.mark.parametrize("source_name", CLOUD_SOURCES)
def test_every_cloud_job_passes_the_runtime_rules(template, tmp_path, source_name):
    asset, job, recorded = generate_job(
        template, tmp_path, {"source_connector": source_name, "deployment_mode": "cloud"}
    )
    assert REGISTRY[job["source_connector"]].get("allowed_in_cloud", True)
    assert_runtime_rules(asset, job, recorded)


@pytest.mark.parametrize("nessie", [True, False], ids=["nessie", "no-nessie"])
def test_the_nessie_answer_decides_the_iceberg_commit(template, tmp_path, nessie):
    asset, job, recorded = generate_job(
        template, tmp_path, {"source_connector": "postgres", "target_connector": "iceberg", "configure_nessie": nessie}
    )
    assert_runtime_rules(asset, job, recorded)
    assert merged_target(job)["catalog"] == ("nessie" if nessie else None)
    assert ("nessie" in job["target"]["connection"]) is nessie


def test_the_recipe_without_catalog_is_the_recipe_minus_catalog():
    with_catalog = load_yaml(ROOT / "connectors" / "iceberg.yaml")
    without = load_yaml(ROOT / "connectors" / "without_catalog" / "iceberg.yaml")
    assert with_catalog.pop("catalog") == "nessie"
    assert {k: v for k, v in with_catalog.items() if k != "description"} == {
        k: v for k, v in without.items() if k != "description"
    }


@pytest.mark.parametrize("target_name", ["s3", "iceberg"])
def test_lake_target_without_connection_leaves_the_bucket_to_the_environment(template, tmp_path, target_name):
    answers = {"source_connector": "stripe", "target_connector": target_name, "configure_target_connection": False}
    _, job, recorded = generate_job(template, tmp_path, answers)
    # iceberg keeps its Nessie URI; the storage settings are the recipe's, the bucket S3_BUCKET's
    assert set(job["target"].get("connection", {})) == ({"nessie"} if target_name == "iceberg" else set())
    assert not (merged_target(job)["connection"].get("s3") or {}).get("bucket")
    assert bool(merged_target(job)["catalog"]) == bool(recorded.get("configure_nessie"))
