"""Build the asset definition and the job configuration, as data, from the answers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from . import runtime, suggest
from .fields import classifications, classify, merge_starters, parse_fields, parse_list
from .list_answers import parse_mapping
from .paths import asset_file as asset_file  # re-exported: they live in paths.py (see there)
from .paths import job_file as job_file
from .registry import API, DATABASE, FILES, LAKEHOUSE, Connector, Registry
from .runtime_types import asset_field

ODCS_SCHEMA_REF = "schemas/odcs/dativo-odcs-3.0.2-extended.schema.json"
# Fixed namespace so an asset keeps its id however often it is re-rendered.
ASSET_ID_NAMESPACE = uuid.UUID("6f1c2a4e-8d1b-5c3e-9a7f-0b2d4e6f8a10")


def schema_fields(registry: Registry, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Starter fields (when wanted) merged with the user's fields, before classification."""
    connector = registry.get(answers["source_connector"])
    starters = suggest.starter_fields(connector) if answers.get("starter_fields", True) else []
    return merge_starters(starters, parse_fields(answers.get("fields")))


def classified_fields(registry: Registry, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    return classify(
        schema_fields(registry, answers),
        parse_list(answers.get("pii_fields")),
        parse_list(answers.get("sensitive_fields")),
    )


def asset_id(answers: Mapping[str, Any]) -> str:
    key = f"{answers['tenant_id']}/{answers['asset_name']}/{answers['asset_version']}"
    return str(uuid.uuid5(ASSET_ID_NAMESPACE, key))


def _asset_target(answers: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "file_format": answers["file_format"],
        "partitioning": parse_list(answers.get("partitioning")),
        "mode": answers["schema_mode"],
    }


def _odcs_asset(answers: Mapping[str, Any], fields: list[dict[str, Any]], description: str) -> dict[str, Any]:
    """The flat ODCS v3.0.2 form with Dativo's extensions, which the runtime loads."""
    asset = {
        "$schema": ODCS_SCHEMA_REF,
        "apiVersion": "v3.0.2",
        "kind": "DataContract",
        "id": asset_id(answers),
        "name": answers["asset_name"],
        "version": str(answers["asset_version"]),
        "status": "active",
    }
    # Where the data lands: the runtime writes under s3://<bucket>/<domain>/<dataProduct>/.
    if answers.get("domain"):
        asset["domain"] = answers["domain"]
    if answers.get("data_product"):
        asset["dataProduct"] = answers["data_product"]
    asset["tenant"] = answers["tenant_id"]
    if description:
        asset["description"] = {"purpose": description}
    asset["tags"] = parse_list(answers.get("tags"))
    asset["source_type"] = answers["source_connector"]
    asset["object"] = answers["object_name"]
    asset["schema"] = [asset_field(field) for field in fields]
    asset["team"] = {"owner": answers["owner"]}
    asset["compliance"] = {
        "classification": classifications(fields),
        "retention_days": int(answers["retention_days"]),
    }
    asset["target"] = _asset_target(answers)
    return asset


def build_asset(registry: Registry, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The asset in ODCS form, the only one `dativo run` accepts (see checks.check_asset_format)."""
    return _odcs_asset(answers, classified_fields(registry, answers), str(answers.get("description") or ""))


def _incremental(connector: Connector, answers: Mapping[str, Any]) -> dict[str, Any] | None:
    if not connector.supports_incremental:
        return None
    return runtime.incremental(
        bool(answers.get("incremental")),
        connector.incremental_strategy_default,
        answers.get("cursor_field") or "",
        answers.get("lookback_days") or 0,
    )


def _connection(connector: Connector, answer: Any) -> dict[str, Any]:
    """The answered connection, its keys in the recipe's order (Copier sorts them at the prompt)."""
    answer = dict(parse_mapping(answer) or {})
    order = list(suggest.connection_template(connector))
    return dict(sorted(answer.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))


def _source(connector: Connector, answers: Mapping[str, Any]) -> dict[str, Any]:
    source: dict[str, Any] = {}
    incremental = _incremental(connector, answers)
    if connector.kind == DATABASE:
        cursor = incremental.get("cursor_field") if incremental else None
        source["tables"] = runtime.tables(answers["table_name"], answers["object_name"], cursor)
        if answers.get("configure_connection"):
            source["connection"] = _connection(connector, answers.get("source_connection"))
    elif connector.kind == FILES:
        key, inputs = runtime.file_inputs(connector.name, parse_list(answers.get("file_paths")), answers["object_name"])
        source[key] = inputs
    elif connector.kind == API and connector.objects_supported:
        source["objects"] = parse_list(answers.get("objects"))
    if incremental is not None:
        source["incremental"] = incremental
    return source


def wants_catalog(connector: Connector, answers: Mapping[str, Any]) -> bool:
    """Nessie answered yes for a target whose recipe can commit to a catalog."""
    return suggest.has_catalog(connector) and bool(answers.get("configure_nessie"))


def _target(connector: Connector, answers: Mapping[str, Any]) -> dict[str, Any]:
    target: dict[str, Any] = {}
    if connector.kind == LAKEHOUSE:
        target["branch"] = answers["target_branch"]
        target["warehouse"] = answers["warehouse"]
    elif connector.kind == DATABASE:
        target["table"] = answers["target_table"]
    elif connector.kind == FILES:
        target["path"] = answers["target_path"]
    # Every target is written by the Parquet writer, which reads the job's partitioning.
    target["partitioning"] = parse_list(answers.get("partitioning"))
    connection: dict[str, Any] = {}
    if answers.get("configure_target_connection"):
        if runtime.is_lake(connector.kind):
            connection.update(
                runtime.storage_connection(
                    connector.name, suggest.connection_template(connector), answers["s3_bucket"], answers["s3_prefix"]
                )
            )
        elif connector.kind == DATABASE:
            connection.update(_connection(connector, answers.get("target_connection")))
    if wants_catalog(connector, answers):
        connection["nessie"] = {"uri": answers["nessie_uri"]}
    if connection:
        target["connection"] = connection
    return target


def build_job(registry: Registry, answers: Mapping[str, Any]) -> dict[str, Any]:
    source = registry.get(answers["source_connector"])
    target = registry.get(answers["target_connector"])
    root = str(answers["runtime_root"]).rstrip("/")
    return {
        "tenant_id": answers["tenant_id"],
        "environment": answers["environment"],
        "source_connector": source.name,
        "source_connector_path": f"{root}/connectors/{source.name}.yaml",
        "target_connector": target.name,
        "target_connector_path": runtime.target_recipe_path(
            root, target.name, suggest.has_catalog(target), wants_catalog(target, answers)
        ),
        "asset": answers["asset_name"],
        "asset_path": f"{root}/{asset_file(answers)}",
        "source": _source(source, answers),
        "target": _target(target, answers),
        "schema_validation_mode": answers.get("schema_validation_mode") or "strict",
        "logging": {"redaction": bool(answers["log_redaction"]), "level": answers["log_level"]},
    }
