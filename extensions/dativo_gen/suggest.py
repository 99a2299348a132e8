"""Defaults suggested from what the registry and recipes know about a connector."""

from __future__ import annotations

import contextlib
import re
from typing import Any

from .fields import MAX_NAME_LENGTH, FieldError, is_creation_timestamp, parse_fields
from .registry import API, DATABASE, Connector


def suggest_asset_name(connector: Connector) -> str:
    if connector.objects_supported:
        return f"{connector.name}_{connector.objects_supported[0]}"
    return f"{connector.name}_{_generator_hint(connector, 'object_default') or 'data'}"


def suggest_object(connector: Connector, asset_name: str) -> str:
    """The object an asset name points at: stripe_customers -> customers."""
    prefix = f"{connector.name}_"
    rest = asset_name[len(prefix) :] if asset_name.startswith(prefix) else asset_name
    if connector.kind == API and connector.objects_supported and rest not in connector.objects_supported:
        return next((o for o in connector.objects_supported if o in rest), connector.objects_supported[0])
    return rest or (connector.objects_supported[0] if connector.objects_supported else asset_name)


def suggest_objects(connector: Connector, object_name: str) -> list[str]:
    if object_name in connector.objects_supported or not connector.objects_supported:
        return [object_name]
    return [connector.objects_supported[0]]


def suggest_cursor_field(connector: Connector) -> str:
    incremental = connector.recipe.get("incremental") or {}
    return incremental.get("cursor_field_default") or connector.incremental_strategy_default


def suggest_lookback_days(connector: Connector) -> int:
    incremental = connector.recipe.get("incremental") or {}
    return int(incremental.get("lookback_days_default", 1))


def starter_fields(connector: Connector) -> list[dict[str, Any]]:
    """The fields every asset of this kind of connector starts with."""
    if connector.kind == DATABASE:
        return [
            {"name": "id", "type": "bigint", "required": True},
            {"name": suggest_cursor_field(connector) or "updated_at", "type": "timestamp", "required": True},
        ]
    if connector.kind == API:
        return [
            {"name": "id", "type": "string", "required": True},
            {"name": creation_field(connector), "type": "timestamp", "required": True},
        ]
    return []


def creation_field(connector: Connector) -> str:
    """The connector's name for when a record was made: its catalog's first creation timestamp
    (HubSpot's createdAt, Stripe's created), else `created`."""
    for entries in ((connector.recipe.get("generator") or {}).get("catalog") or {}).values():
        with contextlib.suppress(FieldError):
            for field in parse_fields(entries):
                if is_creation_timestamp(field):
                    return field["name"]
    return "created"


def _generator_hint(connector: Connector, key: str) -> str:
    return (connector.recipe.get("generator") or {}).get(key, "")


def suggest_table_name(connector: Connector, object_name: str) -> str:
    template = _generator_hint(connector, "table_name_template") or "{object}"
    return template.format(object=object_name)


def suggest_file_paths(connector: Connector, tenant_id: str, object_name: str) -> list[str]:
    template = _generator_hint(connector, "file_path_template") or "{object}"
    return [template.format(tenant=tenant_id, object=object_name)]


def connection_template(connector: Connector) -> dict[str, Any]:
    return dict(connector.recipe.get("connection_template") or {})


def has_catalog(connector: Connector) -> bool:
    """The recipe's top-level `catalog` (nessie) is what turns on the runtime's Iceberg commit."""
    return bool(connector.recipe.get("catalog"))


def credential_hints(connector: Connector, tenant_id: str) -> list[str]:
    """Where the secrets come from: env var names and secret files, never values."""
    hints = []
    credentials = connector.recipe.get("credentials") or {}
    if credentials.get("from_env"):
        hints.append(f"environment variable {credentials['from_env']}")
    if credentials.get("file_template"):
        hints.append(f"secret file {credentials['file_template'].format(tenant=tenant_id)}")
    env_refs = sorted(set(re.findall(r"\$\{(\w+)\}", str(connection_template(connector)))))
    if env_refs:
        hints.append("connection variables " + ", ".join(env_refs))
    return hints


def dns_label(tenant_id: str) -> str:
    """A tenant id folded into what host names and buckets allow: Acme_Corp -> acme-corp."""
    return re.sub(r"[^a-z0-9]+", "-", tenant_id.lower()).strip("-")[:50].strip("-") or "tenant"


def suggest_bucket(tenant_id: str) -> str:
    return f"{dns_label(tenant_id)}-data-lake"


def suggest_owner(tenant_id: str) -> str:
    return f"data-team@{dns_label(tenant_id)}.com"


def suggest_nessie_uri(tenant_id: str) -> str:
    return f"http://nessie.{dns_label(tenant_id)}.internal:19120/api/v1"


def suggest_job_name(asset_name: str, target: str) -> str:
    """<asset>_to_<target>, shortened to stay a valid name when the asset name is long."""
    suffix = f"_to_{target}"
    return asset_name[: MAX_NAME_LENGTH - len(suffix)] + suffix
