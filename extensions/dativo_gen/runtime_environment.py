"""What `dativo run` needs around a job: environment variables, tools, where the data lands.

Facts from the runtime's code (dativo-ingest 6794f02): the database extractors fill what
the job's connection leaves out from PG* / MYSQL_* variables and always take the user
and password from there; every target is written as Parquet to S3 (cli.py), its bucket
read from `connection.s3.bucket` or `connection.minio.bucket` after the recipe's
connection is merged one level deep, else from S3_BUCKET; the uploader takes endpoint,
keys and region from that mapping, else from S3_ENDPOINT / MINIO_ENDPOINT, AWS_* or MINIO_*,
and falls back to http://localhost:9000 when no endpoint is set.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from . import suggest
from .registry import DATABASE, Connector
from .runtime import ENDPOINT_VARIABLES, storage_read

ENV_REFERENCE = re.compile(r"\$\{(\w+)\}")
# A variable is a secret when one of its words is (or ends with) one of these: PGPASSWORD,
# MINIO_SECRET_KEY, STRIPE_API_KEY, AWS_SESSION_TOKEN. Hosts, ports, databases, users,
# regions and endpoints are plain settings.
SECRET_WORDS = ("PASSWORD", "PASSWD", "SECRET", "KEY", "TOKEN", "CREDENTIALS")
# Connection variables each database extractor reads for what the job's connection leaves out.
DATABASE_VARIABLES = {
    "postgres": ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD"),
    "mysql": ("MYSQL_HOST", "MYSQL_PORT", "MYSQL_DATABASE", "MYSQL_USER", "MYSQL_PASSWORD"),
}
# Read from the environment whatever the job says (user and password are never written).
DATABASE_CREDENTIALS = {"postgres": ("PGUSER", "PGPASSWORD"), "mysql": ("MYSQL_USER", "MYSQL_PASSWORD")}
# The uploader's fallbacks for what the storage mapping leaves out, MinIO's or AWS's.
STORAGE_VARIABLES = {
    "minio": ("MINIO_ACCESS_KEY", "MINIO_SECRET_KEY"),
    "s3": ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"),
}
BUCKET_VARIABLE = "S3_BUCKET"
DEFAULT_ENDPOINT = "http://localhost:9000"


def is_secret(variable: str) -> bool:
    return any(word.endswith(SECRET_WORDS) for word in variable.upper().split("_"))


def env_references(value: Any) -> list[str]:
    return list(dict.fromkeys(ENV_REFERENCE.findall(str(value or ""))))


@dataclass
class RunNeeds:
    """Variables to set (plain settings and secrets apart), secret files, and what to know."""

    settings: list[str] = field(default_factory=list)
    secrets: list[str] = field(default_factory=list)
    secret_files: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, *variables: str) -> None:
        for variable in variables:
            kept = self.secrets if is_secret(variable) else self.settings
            if variable not in kept:
                kept.append(variable)


def merged_connection(connector: Connector, job_target: Mapping[str, Any]) -> dict[str, Any]:
    """The target connection as the runtime sees it: the recipe's, the job's merged over it one level deep."""
    return {**suggest.connection_template(connector), **(job_target.get("connection") or {})}


def landing_bucket(target: Connector, job: Mapping[str, Any]) -> str:
    """The bucket the runtime writes to: a nested bucket, else '' (S3_BUCKET at run time)."""
    return str(storage_read(merged_connection(target, job.get("target") or {})).get("bucket") or "")


def data_location(target: Connector, job: Mapping[str, Any], asset: Mapping[str, Any]) -> str:
    """s3://<bucket>/<domain|default>/<dataProduct|default>/<asset name>/, as cli.py builds it."""
    bucket = landing_bucket(target, job) or f"${BUCKET_VARIABLE}"
    table = str(asset["name"]).lower().replace("-", "_").replace(" ", "_")
    return f"s3://{bucket}/{asset.get('domain') or 'default'}/{asset.get('dataProduct') or 'default'}/{table}/"


def commits_to_catalog(target: Connector, job: Mapping[str, Any]) -> bool:
    """Only a recipe's top-level `catalog` turns the Iceberg commit on, read from the recipe the job names."""
    names_recipe = str(job.get("target_connector_path", "")).endswith(f"/connectors/{target.name}.yaml")
    return bool(target.recipe.get("catalog")) and names_recipe


def _source_needs(needs: RunNeeds, source: Connector, job: Mapping[str, Any], tenant: str) -> None:
    connection = (job.get("source") or {}).get("connection")
    if source.kind == DATABASE:
        needs.add(*(env_references(connection) if connection else DATABASE_VARIABLES.get(source.name, ())))
        needs.add(*DATABASE_CREDENTIALS.get(source.name, ()))
        incremental = (job.get("source") or {}).get("incremental") or {}
        if days := incremental.get("lookback_days"):
            cursor = incremental.get("cursor_field") or "the cursor"
            needs.notes.append(
                f"A first run reads only rows whose {cursor} is within the last {days} "
                f"day{'s' if days != 1 else ''} (lookback_days): older rows are not backfilled."
            )
    credentials = source.recipe.get("credentials") or {}
    if credentials.get("from_env"):
        needs.add(credentials["from_env"])
    if credentials.get("file_template"):
        # Read only by the filesystem secret backend (dativo run --secret-manager filesystem).
        needs.secret_files.append(credentials["file_template"].format(tenant=tenant))
    if source.default_engine == "airbyte":
        needs.notes.append(f"{source.name} runs as an Airbyte container: Docker must be available to dativo run.")


def _target_needs(needs: RunNeeds, target: Connector, job: Mapping[str, Any]) -> None:
    connection = merged_connection(target, job.get("target") or {})
    minio = "minio" in connection or any(name.startswith("MINIO_") for name in env_references(connection))
    storage = "minio" if minio else "s3"
    if not landing_bucket(target, job):
        needs.add(BUCKET_VARIABLE)
    endpoint = storage_read(connection).get("endpoint")
    if not endpoint or env_references(endpoint):
        needs.add(ENDPOINT_VARIABLES[storage])
        example = " (for AWS: https://s3.amazonaws.com)" if storage == "s3" else ""
        needs.notes.append(
            f"Set {env_references(endpoint)[0] if endpoint else ENDPOINT_VARIABLES[storage]}: without an endpoint "
            f"the runtime writes to {DEFAULT_ENDPOINT}{example}."
        )
    needs.add(*env_references(storage_read(connection)), *STORAGE_VARIABLES[storage])
    if commits_to_catalog(target, job):
        # An Iceberg commit: the Nessie URI is the job's, else NESSIE_URI.
        nessie = connection.get("nessie")
        uri = nessie.get("uri") if isinstance(nessie, dict) else nessie
        needs.add(*(env_references(uri) if uri else ["NESSIE_URI"]))


def _recipe_note(job: Mapping[str, Any]) -> str:
    """The runtime opens the recipe paths as written: the template's recipes must be there."""
    recipes = [str(job[key]) for key in ("source_connector_path", "target_connector_path") if job.get(key)]
    root = recipes[0].rsplit("/connectors/", 1)[0] if recipes else ""
    return (
        f"dativo run opens {', '.join(recipes)} as written and reads {root}/registry/connectors.yaml: "
        f"put this template's connectors/ and registry/ folders at {root} (the runtime image's own "
        "recipes have no Nessie catalog and no connectors/without_catalog/)."
    )


def run_needs(source: Connector, target: Connector, job: Mapping[str, Any], tenant: str) -> RunNeeds:
    needs = RunNeeds()
    _source_needs(needs, source, job, tenant)
    _target_needs(needs, target, job)
    needs.notes.append(_recipe_note(job))
    return needs
