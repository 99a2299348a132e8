"""What copier.yml shows: connector choices, help texts and suggested defaults."""

from __future__ import annotations

import textwrap
from typing import Any

from . import suggest
from .checks import check_asset_format, cloud_refusal
from .classification import suggest_classification
from .registry import API, DATABASE, FILES, LAKEHOUSE, OBJECT_STORAGE, Connector, Registry

# A prompt's lines are cut, not wrapped, at the terminal's width; the first follows "🎤 ".
HELP_WIDTH = 77


def fitted(line: str, indent: str = "  ") -> str:
    """One help line wrapped to HELP_WIDTH columns, its continuation lines indented."""
    return "\n".join(textwrap.wrap(line, HELP_WIDTH, subsequent_indent=indent, break_long_words=False)) or line


def _choice_label(connector: Connector) -> str:
    """Short enough for an 80-column terminal; the full card follows the choice."""
    details = [connector.category or "uncategorised"]
    if connector.objects_supported:
        details.append(", ".join(connector.objects_supported))
    if not connector.allowed_in_cloud:
        details.append("self-hosted only")
    return f"{connector.name} ({'; '.join(details)})"


def connector_choices(
    registry: Registry, role: str, deployment_mode: str, only: list[str] | None = None
) -> dict[str, Any]:
    """label -> {value, validator}: connectors refused in cloud mode are shown but disabled.

    `only` narrows them to the connectors Copier may take unasked (see answered_choices)."""
    choices = {}
    for name in registry.names_with_role(role) if only is None else only:
        connector = registry.entry(name)
        # Shown after the label: short enough to read whole (scripted answers get cloud_refusal's text).
        refused = "not allowed in cloud mode" if cloud_refusal(connector, deployment_mode) else ""
        choices[_choice_label(connector)] = {"value": name, "validator": refused}
    return choices


ASSET_FORMATS = {
    "odcs (flat ODCS v3.0.2, what dativo run loads)": "odcs",
    "legacy (nested asset: form, refused by dativo run)": "legacy",
}


def asset_format_choices() -> dict[str, Any]:
    """label -> {value, validator}: legacy stays visible, disabled with the reason."""
    return {
        label: {"value": value, "validator": check_asset_format("asset_format", value)}
        for label, value in ASSET_FORMATS.items()
    }


def connector_summary(connector: Connector) -> str:
    """The connector card shown once a connector is chosen."""
    lines = [
        f"{connector.name} connector",
        f"  category: {connector.category or '-'}   roles: {', '.join(connector.roles)}",
        f"  default engine: {connector.default_engine or '-'}   cloud allowed: {connector.allowed_in_cloud}",
        f"  incremental: {connector.supports_incremental}"
        + (f" (strategy {connector.incremental_strategy_default})" if connector.supports_incremental else ""),
    ]
    if connector.objects_supported:
        lines.append(f"  objects supported: {', '.join(connector.objects_supported)}")
    if connector.requires_tables:
        lines.append("  requires tables: true")
    if not connector.has_recipe:
        lines.append(f"  warning: no recipe connectors/{connector.name}.yaml, minimal configuration only")
    return "\n".join(lines)


def starter_summary(connector: Connector) -> str:
    starters = suggest.starter_fields(connector)
    described = ", ".join(f"{f['name']} ({f['type']}{', required' if f['required'] else ''})" for f in starters)
    return f"Starter fields for {connector.category or connector.name} connectors:\n" + fitted(f"  {described}")


def source_kind(connector: Connector) -> str:
    return connector.kind if connector.kind in (DATABASE, FILES) else API


def is_lake(connector: Connector) -> bool:
    return connector.kind in (LAKEHOUSE, OBJECT_STORAGE)


def target_connection_note(connector: Connector) -> str:
    """What skipping the target connection means at run time (the help of configure_target_connection)."""
    if is_lake(connector):
        return fitted("If not, bucket, endpoint and keys come from S3_BUCKET, S3_ENDPOINT and AWS_* at run time")
    return "Kept in the job, not read yet: the runtime writes Parquet to S3_BUCKET"


def field_choices(fields: list[dict[str, Any]]) -> list[str]:
    return [field["name"] for field in fields]


def suggested_classified(fields: list[dict[str, Any]], classification: str) -> list[str]:
    """Fields whose given or guessed classification matches: the PII / SENSITIVE defaults."""
    return [
        field["name"]
        for field in fields
        if (field.get("classification") or suggest_classification(field["name"])) == classification
    ]


def suggested_cursor_field(connector: Connector, fields: list[dict[str, Any]]) -> str:
    """The recipe's cursor when the schema has it, else the schema's first timestamp."""
    preferred = suggest.suggest_cursor_field(connector)
    names = [field["name"] for field in fields]
    if preferred in names or not names:
        return preferred
    timestamps = [field["name"] for field in fields if field["type"] in ("timestamp", "date")]
    return timestamps[0] if timestamps else preferred


def default_tags(source: str, object_name: str) -> list[str]:
    return list(dict.fromkeys([source, object_name]))
