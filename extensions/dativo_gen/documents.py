"""Build the asset definition and the job configuration, as data, from the answers."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from . import suggest
from .fields import classifications, classify, merge_starters, parse_fields, parse_list
from .paths import asset_file as asset_file  # re-exported: they live in paths.py (see there)
from .paths import job_file as job_file
from .registry import API, DATABASE, FILES, LAKEHOUSE, OBJECT_STORAGE, Connector, Registry
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
    if not answers.get("incremental"):
        return {"strategy": "full_refresh"}
    incremental: dict[str, Any] = {}
    if connector.kind in (DATABASE, FILES):
        incremental["strategy"] = connector.incremental_strategy_default
    if connector.kind == DATABASE:
        incremental["cursor_field"] = answers["cursor_field"]
    incremental["lookback_days"] = int(answers["lookback_days"])
    return incremental


def _connection(connector: Connector, answer: Any) -> dict[str, Any]:
    """The answered connection, its keys in the recipe's order (Copier sorts them at the prompt)."""
    answer = dict(answer or {})
    order = list(suggest.connection_template(connector))
    return dict(sorted(answer.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))


def _source(connector: Connector, answers: Mapping[str, Any]) -> dict[str, Any]:
    source: dict[str, Any] = {}
    if connector.kind == DATABASE:
        source["tables"] = [{"name": answers["table_name"], "object": answers["object_name"]}]
        if answers.get("configure_connection"):
            source["connection"] = _connection(connector, answers.get("source_connection"))
    elif connector.kind == FILES:
        source["files"] = [
            {"path": path, "object": answers["object_name"]} for path in parse_list(answers.get("file_paths"))
        ]
    elif connector.kind == API and connector.objects_supported:
        source["objects"] = parse_list(answers.get("objects"))
    incremental = _incremental(connector, answers)
    if incremental is not None:
        source["incremental"] = incremental
    return source


def _lake_location(connector: Connector, answers: Mapping[str, Any]) -> dict[str, Any]:
    location = {"bucket": answers["s3_bucket"], "prefix": answers["s3_prefix"]}
    # Iceberg's recipe nests its storage under `s3`; plain object stores take it at the top.
    if "s3" in suggest.connection_template(connector):
        return {"s3": location}
    return location


def _target(connector: Connector, answers: Mapping[str, Any]) -> dict[str, Any]:
    target: dict[str, Any] = {}
    if connector.kind == LAKEHOUSE:
        target["branch"] = answers["target_branch"]
        target["warehouse"] = answers["warehouse"]
    elif connector.kind == DATABASE:
        target["table"] = answers["target_table"]
    elif connector.kind == FILES:
        target["path"] = answers["target_path"]
    connection: dict[str, Any] = {}
    if answers.get("configure_target_connection"):
        if connector.kind in (LAKEHOUSE, OBJECT_STORAGE):
            connection.update(_lake_location(connector, answers))
        elif connector.kind == DATABASE:
            connection.update(_connection(connector, answers.get("target_connection")))
    if suggest.nessie_template(connector) and answers.get("configure_nessie"):
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
        "target_connector_path": f"{root}/connectors/{target.name}.yaml",
        "asset": answers["asset_name"],
        "asset_path": f"{root}/{asset_file(answers)}",
        "source": _source(source, answers),
        "target": _target(target, answers),
        "logging": {"redaction": bool(answers["log_redaction"]), "level": answers["log_level"]},
    }
