"""The checks a run's staged files pass before they land, with their messages.

Each staged file must parse as YAML and pass its JSON Schema; the asset must have the
top-level schema `dativo run` needs, and the job must pass what `dativo run` checks
(extensions/dativo_gen/runtime.py, with the template's registry).

One set of rules for two callers: the extension checks the staged files in Copier's
own process, where YAML, the runtime rules and the registry are loaded already
(extensions/dativo_gen/staged_output.py), and hooks/place_files.py checks them itself
when it runs without that verdict. Needs PyYAML and fastjsonschema, not Copier.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import marshal
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

import fastjsonschema
import yaml

# libyaml's loader, when PyYAML has it, parses ten times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
REGISTRY_FILE = TEMPLATE_ROOT / "registry" / "connectors.yaml"
RUNTIME_MODULE = TEMPLATE_ROOT / "extensions" / "dativo_gen" / "runtime.py"
ASSET_SCHEMA = "asset-odcs.schema.json"
JOB_SCHEMA = "job.schema.json"
# What `dativo run` refuses in a job that passed its schema: '$.path: problem' lines.
JobProblems = Callable[[Any], list[str]]


class InvalidOutput(Exception):
    """A generated file that must not land; the message names the file and the JSON path."""


@functools.cache
def local_schemas() -> dict[str, dict[str, Any]]:
    """Our schemas by file name, read once."""
    return {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS_DIR.glob("*.schema.json")}


def validator_source(schema_name: str) -> str:
    # Cross-file $refs resolve to our own files by $id, never to the network.
    by_id = {schema["$id"]: schema for schema in local_schemas().values()}
    handlers = {"https": by_id.__getitem__, "http": by_id.__getitem__}
    # A root without $id makes the generated entry point `validate`.
    root = {"$schema": "http://json-schema.org/draft-07/schema#", "$ref": local_schemas()[schema_name]["$id"]}
    return fastjsonschema.compile_to_code(root, handlers=handlers)


def validator_cache_file(schema_name: str, cache_dir: Path) -> Path:
    schemas = json.dumps(local_schemas(), sort_keys=True)
    key_text = f"{fastjsonschema.VERSION}:{sys.implementation.cache_tag}:{schema_name}:{schemas}"
    return cache_dir / "validators" / f"{hashlib.sha1(key_text.encode()).hexdigest()[:16]}.marshal"


def write_best_effort(path: Path, data: bytes) -> None:
    """Atomically, and silently not at all where the cache cannot be written."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        with contextlib.suppress(OSError):
            partial.unlink()


@functools.cache
def load_validator(schema_name: str, cache_dir: Path | None = None) -> Callable[[Any], Any]:
    """The schema's compiled validator, kept in cache_dir between runs when one is given.

    Generating and compiling a validator costs more than all the checks.
    """
    cache_file = validator_cache_file(schema_name, cache_dir) if cache_dir else None
    try:
        code = marshal.loads(cache_file.read_bytes()) if cache_file else None
    except (OSError, EOFError, ValueError, TypeError):
        code = None
    if not isinstance(code, types.CodeType):  # a damaged entry is compiled again
        code = compile(validator_source(schema_name), f"<validator for {schema_name}>", "exec")
        if cache_file:
            write_best_effort(cache_file, marshal.dumps(code))
    namespace: dict[str, Any] = {}
    exec(code, namespace)
    return namespace["validate"]


@functools.cache
def runtime_rules() -> Any:
    """The extension's runtime.py, loaded on its own (the extension package needs Copier)."""
    spec = importlib.util.spec_from_file_location("dativo_gen_runtime", RUNTIME_MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def registry_entries() -> dict[str, Any]:
    try:
        data = yaml.load(REGISTRY_FILE.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except (OSError, yaml.YAMLError):
        return {}  # the extension refused this registry before any file was rendered
    return (data or {}).get("connectors") or {} if isinstance(data, dict) else {}


def template_job_problems(job: Any) -> list[str]:
    """What `dativo run` would refuse in a job, by the rules and registry of this template."""
    return runtime_rules().job_problems(job, registry_entries())


def json_path(name: str) -> str:
    """fastjsonschema's `data.source.tables[0]` as the JSON path `$.source.tables[0]`."""
    return "$" + name.removeprefix("data")


def validation_errors(document: Any, schema_name: str, shown_as: str, cache_dir: Path | None = None) -> list[str]:
    """The problem that makes `document` fail its schema ([] when it passes)."""
    try:
        load_validator(schema_name, cache_dir)(document)
    except fastjsonschema.JsonSchemaValueException as error:
        path = json_path(error.name)
        detail = error.message.removeprefix(error.name).strip()
        if isinstance(error.value, (str, int, float, bool)) or error.value is None:
            detail = f"{error.value!r} {detail}"
        return [f"{shown_as}: {path}: {detail}"]
    return []


def parse_document(data: bytes | OSError, shown_as: str) -> Any:
    """A staged file's content (or why it could not be read) as YAML."""
    try:
        if isinstance(data, OSError):
            raise data
        return yaml.load(data.decode("utf-8"), Loader=_SafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise InvalidOutput(f"{shown_as}: cannot be read as YAML: {error}") from None


def read_staged(path: Path) -> bytes | OSError:
    try:
        return path.read_bytes()
    except OSError as error:
        return error


def legacy_asset_problem(document: Any, shown_as: str) -> str:
    """`dativo run` stops before reading data when the asset has no top-level schema list."""
    if isinstance(document, dict) and "asset" in document and "schema" not in document:
        return (
            f"{shown_as}: the nested legacy asset form is refused by `dativo run`, which needs a top-level "
            "schema; generate the asset with asset_format odcs"
        )
    return ""


def staged_problems(
    asset: tuple[bytes | OSError, str],
    job: tuple[bytes | OSError, str],
    job_problems: JobProblems,
    cache_dir: Path | None = None,
) -> list[str]:
    """One line per problem of the staged asset and job, each given as (content, final path)."""
    problems = []
    for (data, shown_as), schema in ((asset, ASSET_SCHEMA), (job, JOB_SCHEMA)):
        try:
            document = parse_document(data, shown_as)
        except InvalidOutput as error:
            problems.append(str(error))
            continue
        if schema == ASSET_SCHEMA and (problem := legacy_asset_problem(document, shown_as)):
            problems.append(problem)
            continue
        errors = validation_errors(document, schema, shown_as, cache_dir)
        if not errors and schema == JOB_SCHEMA:
            errors = [f"{shown_as}: {problem}" for problem in job_problems(document)]
        problems.extend(errors)
    return problems
