"""Where the Dativo runtime reads each answer, and what `dativo run` refuses.

The one place that knows the runtime (dativo-ingest at 6794f02; file:line references
are into its source, see ../shared/notes/dativo-runtime.md): when the runtime changes,
this file changes. documents.py builds the job through it, and hooks/place_files.py
checks every job with `job_problems` before it lands. Standard library only: the hook
loads this file on its own, outside Copier.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

# Strategies whose check needs source.incremental.cursor_field; a recipe's
# cursor_field_default does not count (validator.py:218-227).
CURSOR_STRATEGIES = frozenset({"updated_at", "created", "updated_after"})
# Accepted even when they differ from the registry's default, each needing its list
# of inputs in the job's source (validator.py:204-241).
FILE_STRATEGIES = {"file_modified_time": "files", "spreadsheet_modified_time": "sheets"}
# Source types whose extractor takes spreadsheets, never `files` (cli.py dispatch).
SHEET_SOURCES = frozenset({"google_sheets"})

# Targets the writer reads a bucket for, from target.connection.s3 or .minio only
# (cli.py:698-706); every other target is written the same way, to S3_BUCKET.
LAKE_KINDS = ("lakehouse", "object_storage")
STORAGE_KEYS = {"minio": "minio"}  # any other lake target: "s3"
ENDPOINT_VARIABLES = {"s3": "S3_ENDPOINT", "minio": "MINIO_ENDPOINT"}
# What the uploader reads from that mapping besides the bucket (iceberg_committer.py:127-160).
STORAGE_SETTINGS = ("endpoint", "access_key_id", "secret_access_key", "region")
ENV_REFERENCE = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*\}$")

# A recipe's top-level `catalog` is the only switch of the Iceberg commit (cli.py:785-790,
# config.py:402; a job cannot unset it): a job without the catalog points at the copy of
# the recipe without it.
WITHOUT_CATALOG_DIR = "connectors/without_catalog"


def needs_cursor(strategy: str) -> bool:
    return strategy in CURSOR_STRATEGIES


def incremental(enabled: bool, strategy: str, cursor_field: str, lookback_days: int) -> dict[str, Any] | None:
    """source.incremental: None (no key: a full read) when off.

    The strategy is left to the recipe's `incremental.strategy`, which the merge keeps
    (config.py:639-712): the job schema's enum lacks `created` and `updated_after`.
    """
    if not enabled:
        return None
    block: dict[str, Any] = {}
    if needs_cursor(strategy):
        block["cursor_field"] = cursor_field
    block["lookback_days"] = int(lookback_days)
    return block


def tables(table_name: str, object_name: str, cursor_field: str | None) -> list[dict[str, Any]]:
    """The database extractors read a table's own cursor first (postgres_extractor.py:137-152)."""
    table: dict[str, Any] = {"name": table_name, "object": object_name}
    if cursor_field:
        table["cursor_field"] = cursor_field
    return [table]


def file_inputs(source_type: str, paths: Sequence[str], object_name: str) -> tuple[str, list[dict[str, Any]]]:
    """('sheets' or 'files', the entries): google_sheets reads spreadsheets by id."""
    if source_type in SHEET_SOURCES:
        return "sheets", [{"spreadsheet_id": path, "object": object_name} for path in paths]
    return "files", [{"path": path, "object": object_name} for path in paths]


def is_lake(kind: str) -> bool:
    return kind in LAKE_KINDS


def storage_key(target_type: str) -> str:
    return STORAGE_KEYS.get(target_type, "s3")


def storage_read(connection: Mapping[str, Any]) -> Mapping[str, Any]:
    """The mapping the writer takes the bucket, endpoint and keys from: connection.s3, else .minio."""
    storage = connection.get("s3") or connection.get("minio") or {}
    return storage if isinstance(storage, Mapping) else {}


def storage_connection(target_type: str, recipe_connection: Mapping[str, Any], bucket: str, prefix: str):
    """{s3|minio: {bucket, prefix, endpoint, keys, region}} for target.connection.

    The job's mapping replaces the recipe's whole one (config.py:714-760), so it carries
    the recipe's ${ENV} settings; the endpoint always comes from the environment. The
    runtime does not read `prefix` (object keys are <bucket>/<domain>/<dataProduct>/<asset>).
    """
    key = storage_key(target_type)
    nested = recipe_connection.get(key)
    recipe_settings = nested if isinstance(nested, Mapping) else recipe_connection
    storage = {"bucket": bucket, "prefix": prefix, "endpoint": f"${{{ENDPOINT_VARIABLES[key]}}}"}
    for name in STORAGE_SETTINGS[1:]:
        value = recipe_settings.get(name)
        if isinstance(value, str) and ENV_REFERENCE.match(value):
            storage[name] = value
    return {key: storage}


def target_recipe_path(root: str, target_type: str, recipe_has_catalog: bool, catalog_wanted: bool) -> str:
    if recipe_has_catalog and not catalog_wanted:
        return f"{root}/{WITHOUT_CATALOG_DIR}/{target_type}.yaml"
    return f"{root}/connectors/{target_type}.yaml"


def _source_problems(source: Mapping[str, Any], source_type: str, entry: Mapping[str, Any]) -> list[str]:
    problems = []
    if source_type in SHEET_SOURCES and not source.get("sheets"):
        problems.append(f"$.source: {source_type} reads source.sheets; it is missing")
    block = source.get("incremental")
    if block is None:
        return problems
    if not isinstance(block, Mapping) or not block:
        return [*problems, "$.source.incremental: leave the key out to turn incremental off"]
    default = entry.get("incremental_strategy_default", "")
    strategy = block.get("strategy") or default
    if not entry.get("supports_incremental"):
        problems.append(f"$.source.incremental: {source_type} does not support incremental sync")
    if strategy != default and strategy not in FILE_STRATEGIES:
        problems.append(f"$.source.incremental.strategy: {strategy!r} is refused; {source_type} uses {default!r}")
    if needs_cursor(strategy) and not block.get("cursor_field"):
        problems.append(f"$.source.incremental: strategy {strategy!r} needs cursor_field")
    needed = FILE_STRATEGIES.get(strategy)
    if needed and not source.get(needed):
        problems.append(f"$.source: strategy {strategy!r} needs source.{needed}")
    return problems


def _target_problems(target: Mapping[str, Any], target_type: str, entry: Mapping[str, Any]) -> list[str]:
    """A lake target's connection names its bucket where the writer reads it.

    Without a storage mapping the bucket comes from S3_BUCKET at run time
    (configure_target_connection: no).
    """
    connection = target.get("connection") or {}
    if not is_lake(entry.get("category", "")) or not {"s3", "minio", "bucket"} & set(connection):
        return []
    # Never a flat bucket.
    if not storage_read(connection).get("bucket"):
        return [f"$.target.connection.{storage_key(target_type)}.bucket: missing; the writer reads it only there"]
    return []


def job_problems(job: Mapping[str, Any], registry: Mapping[str, Any]) -> list[str]:
    """What `dativo run` would refuse before reading data, as '$.path: problem' lines.

    `registry` is registry/connectors.yaml's `connectors` mapping; unknown connectors are
    the registry's business, checked where they are asked.
    """
    source_type, target_type = job.get("source_connector", ""), job.get("target_connector", "")
    source_entry, target_entry = registry.get(source_type) or {}, registry.get(target_type) or {}
    return [
        *_source_problems(job.get("source") or {}, source_type, source_entry),
        *_target_problems(job.get("target") or {}, target_type, target_entry),
    ]
