"""The `schema_source` question: where the schema comes from, and the fields it suggests.

Inferred fields only ever become defaults (of `fields`, and through it of the PII,
SENSITIVE and cursor questions); the answers record what the person accepted, so an
update never depends on a sample or a database still being there.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .checks import check_table_name
from .fields import FieldError, field_text, parse_fields
from .infer.result import Inference, InferenceError
from .limits import shown
from .questions import fitted
from .registry import DATABASE, FILES, Connector, Registry
from .runtime_environment import ENV_REFERENCE
from .suggest import suggest_table_name

# infer.sample and infer.database are imported where a sample or a table is read: most
# runs infer nothing, and importing them would cost every copy a few milliseconds.

NONE, SAMPLE, DATABASE_SOURCE, CATALOG = "none", "sample", "database", "catalog"
LABELS = {
    NONE: "none: type the fields (or take the starter fields)",
    SAMPLE: "sample: infer them from a CSV, JSON or JSON Lines file",
    DATABASE_SOURCE: "database: read the columns of a live table",
    CATALOG: "catalog: the object's fields from the connector's catalog",
}


def _generator(connector: Connector) -> dict[str, Any]:
    return connector.recipe.get("generator") or {}


def catalog(connector: Connector) -> dict[str, Any]:
    """The recipe's field lists per object (generator.catalog)."""
    return _generator(connector).get("catalog") or {}


def introspection(connector: Connector) -> dict[str, Any]:
    """How to read the connector's tables (generator.introspection: dialect, user_env, password_env)."""
    return _generator(connector).get("introspection") or {}


def connection_variables(connector: Connector) -> list[str]:
    """The environment variables a table is read with: the connection template's and the credentials'."""
    template = str(connector.recipe.get("connection_template") or {})
    names = ENV_REFERENCE.findall(template)
    credentials = introspection(connector)
    names += [credentials[key] for key in ("user_env", "password_env") if credentials.get(key)]
    return list(dict.fromkeys(names))


def connection_is_set(connector: Connector) -> bool:
    """Whether any variable of the connection template is set: without one there is no database to ask."""
    template = str(connector.recipe.get("connection_template") or {})
    return any(os.environ.get(name) for name in ENV_REFERENCE.findall(template))


def suggest_schema_table(connector: Connector, object_name: str, data: Mapping[str, Any]) -> str:
    """The scripted table_name when it is one (its own check reports it otherwise), else the suggestion."""
    scripted = (data or {}).get("table_name")
    if scripted and not check_table_name("table_name", scripted):
        return str(scripted)
    return suggest_table_name(connector, object_name)


def available_sources(connector: Connector) -> list[str]:
    sources = [NONE, SAMPLE]
    if connector.kind == DATABASE and introspection(connector):
        sources.append(DATABASE_SOURCE)
    if catalog(connector):
        sources.append(CATALOG)
    return sources


def source_choices(connector: Connector) -> dict[str, str]:
    return {LABELS[source]: source for source in available_sources(connector)}


def suggest_source(connector: Connector, data: Mapping[str, Any]) -> str:
    """Databases read their table when their connection is set in the environment, files
    their sample when one is given, APIs their catalog.

    Fields given on the command line mean the person brings the schema: nothing is inferred.
    """
    if "fields" in (data or {}):
        return NONE
    available = available_sources(connector)
    if connector.kind == DATABASE and DATABASE_SOURCE in available:
        return DATABASE_SOURCE if connection_is_set(connector) else NONE
    if connector.kind == FILES:
        return SAMPLE if str((data or {}).get("sample_path") or "").strip() else NONE
    return CATALOG if CATALOG in available else NONE


def catalog_fields(connector: Connector, object_name: str) -> Inference:
    entries = catalog(connector).get(object_name)
    if not entries:
        known = ", ".join(catalog(connector)) or "none"
        raise InferenceError(f"{connector.name}'s catalog has no object {shown(object_name)} (it has: {known})")
    try:
        fields = parse_fields(entries)
    except FieldError as error:
        raise InferenceError(f"connectors/{connector.name}.yaml generator.catalog.{object_name}: {error}") from None
    return Inference(fields=fields, origin=f"{connector.name} catalog, object {object_name}")


def while_asking(context: Mapping[str, Any]) -> bool:
    """Whether Copier is asking the questions; inferred defaults mean nothing anywhere else.

    The update migrations also render copier.yml's defaults (to find derived answers), and
    must not read a sample or a database there.
    """
    return context.get("_copier_phase") == "prompt"


def read_sample(path: str) -> Inference:
    """infer_sample, once per file version: a scripted run checks the sample before the
    questions and infers the `fields` default from it afterwards."""
    from .infer.sample import infer_sample

    try:
        stat = Path(path).expanduser().stat()
    except (OSError, ValueError):
        return infer_sample(path)  # reports the missing or unreadable file
    return _read_sample_version(path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _read_sample_version(path: str, mtime_ns: int, size: int) -> Inference:
    from .infer.sample import infer_sample

    return infer_sample(path)


class SchemaInference:
    """Runs each inference once per generation: Copier renders defaults and help many times."""

    def __init__(self, registry: Registry):
        self.registry = registry
        self.results: dict[tuple[Any, ...], Inference | InferenceError | None] = {}

    def result(self, name: str, source: str, sample_path: Any, table: Any, object_name: Any) -> Any:
        """An Inference, the InferenceError that stopped it, or None when nothing is to be inferred."""
        key = (name, source, str(sample_path or ""), str(table or ""), str(object_name or ""))
        if key not in self.results:
            self.results[key] = self._run(*key)
            if isinstance(self.results[key], InferenceError):
                # Scripted runs show no help texts, so say it where they can see it.
                reason = " ".join(str(self.results[key]).split())  # one line, whatever a setting held
                print(f"dativo-gen: {reason}; falling back to typed or starter fields", file=sys.stderr)
        return self.results[key]

    def _run(self, name: str, source: str, sample_path: str, table: str, object_name: str) -> Any:
        connector = self.registry.get(name)
        try:
            if source == SAMPLE:
                return read_sample(sample_path)
            if source == DATABASE_SOURCE and source in available_sources(connector):
                from .infer.database import introspect_table

                template = dict(connector.recipe.get("connection_template") or {})
                return introspect_table(template, introspection(connector), table)
            if source == CATALOG and source in available_sources(connector):
                return catalog_fields(connector, object_name)
        except InferenceError as error:
            return error
        return None

    def field_texts(self, *args: Any) -> list[str] | None:
        """The inferred fields as `name:type!` texts for the `fields` default, or None."""
        result = self.result(*args)
        return [field_text(field) for field in result.fields] if isinstance(result, Inference) else None

    def note(self, *args: Any) -> str:
        """A line or two for the `fields` help: what was inferred, from where, or why not."""
        result = self.result(*args)
        if isinstance(result, InferenceError):
            return fitted(f"No schema inferred: {result}.") + "\n"
        if not isinstance(result, Inference):
            return ""
        lines = [fitted(f"Inferred from {result.origin}: {len(result.fields)} fields, edit them below.")]
        lines += [fitted(f"  note: {note}", "        ") for note in result.notes[:10]]
        if len(result.notes) > 10:
            lines.append(f"  ... and {len(result.notes) - 10} more notes")
        return "\n".join(lines) + "\n"


def check_sample_path(value: Any) -> str:
    """A scripted sample must exist and be readable as CSV, JSON or JSON Lines.

    At the prompt a sample that cannot be read only leaves the fields to type, as a
    database that cannot be reached does.
    """
    try:
        read_sample(str(value or ""))
    except InferenceError as error:
        return f"sample_path: {error}"
    return ""


def schema_source_problems(registry: Registry, data: Mapping[str, Any]) -> list[str]:
    """Scripted schema answers that would otherwise end in a traceback.

    Given fields make a sample moot, and so do the recorded answers `copier update`
    replays, whose sample may be long gone: then the sample is not read.
    """
    name, source = data.get("source_connector"), data.get("schema_source")
    if name not in registry.connectors:
        return []
    connector = registry.get(name)
    available = available_sources(connector)
    if source is not None and source not in available:
        return [f"schema_source: {shown(source)} is not available for {name}; use one of {', '.join(available)}"]
    if "fields" in data:
        return []
    if source == SAMPLE and not data.get("sample_path"):
        return ["sample_path: schema_source is sample, so give the sample file, e.g. --data sample_path=x.csv"]
    sampled = data.get("sample_path") and (source or suggest_source(connector, data)) == SAMPLE
    problem = check_sample_path(data["sample_path"]) if sampled else ""
    return [problem] if problem else []


def sample_supplies_fields(data: Mapping[str, Any]) -> bool:
    """A scripted sample stands in for scripted fields (a missing one is reported as such)."""
    source = data.get("schema_source")
    return source == SAMPLE or (bool(data.get("sample_path")) and source is None)
