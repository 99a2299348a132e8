"""Every source connector, with the default target, renders files that pass the schemas."""

from __future__ import annotations

import jsonschema
import pytest

from conftest import ROOT, generated_files, reference_schema
from dativo_gen.registry import load_registry
from hooks.staged_checks import ASSET_SCHEMA, JOB_SCHEMA, validation_errors

REGISTRY = load_registry(ROOT)
SOURCES = REGISTRY.names_with_role("source")
# File connectors have no starter fields, so they need at least one field of their own.
FIELDS_FOR_FILES = "employee_id:integer!, email, salary:double, hired_at:timestamp"


def test_source_and_target_lists_match_the_spec():
    assert SOURCES == ["csv", "gdrive_csv", "google_sheets", "hubspot", "mysql", "postgres", "stripe"]
    assert REGISTRY.names_with_role("target") == [
        "csv",
        "google_sheets",
        "iceberg",
        "markdown_kv",
        "minio",
        "mysql",
        "postgres",
        "s3",
    ]


def source_answers(source: str) -> dict:
    answers = {"tenant_id": "acme", "source_connector": source}
    if REGISTRY.get(source).kind == "files":
        answers["fields"] = FIELDS_FOR_FILES
    return answers


@pytest.mark.parametrize("source", SOURCES)
def test_every_source_renders_valid_files(copie, source):
    result = copie.copy(extra_answers=source_answers(source))
    assert result.exception is None, result.exception
    assert result.exit_code == 0
    asset, job = generated_files(result.project_dir, result.answers)

    assert "schema" in asset, "dativo run needs a top-level schema"
    assert validation_errors(asset, ASSET_SCHEMA, "asset") == []
    assert validation_errors(job, JOB_SCHEMA, "job") == []
    jsonschema.validate(job, reference_schema("job-config.schema.json"))
    assert job["source_connector"] == source
    assert job["target_connector"] == "iceberg"
    assert job["asset_path"] == f"/app/assets/{source}/v1.0/{result.answers['asset_name']}.yaml"


@pytest.mark.parametrize("source", SOURCES)
def test_every_source_gets_the_source_block_of_its_kind(copie, source):
    result = copie.copy(extra_answers=source_answers(source))
    assert result.exception is None, result.exception
    _, job = generated_files(result.project_dir, result.answers)
    connector = REGISTRY.get(source)
    expected_keys = {
        "database": {"tables", "connection", "incremental"},
        # google_sheets reads spreadsheets (source.sheets), the other file sources files
        "files": {"sheets" if source == "google_sheets" else "files", "incremental"},
    }.get(connector.kind, {"objects", "incremental"})
    assert set(job["source"]) == expected_keys
