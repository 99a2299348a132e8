"""The checks a run's staged files pass before they land, with their messages.

Each staged file must parse as YAML and pass its JSON Schema; the asset must have the
top-level schema `dativo run` needs, and the job must pass what `dativo run` checks
(extensions/dativo_gen/runtime.py, with the template's registry).

One set of rules for two callers: the extension checks the staged files in Copier's
own process, where YAML, the runtime rules and the registry are loaded already
(extensions/dativo_gen/staged_output.py), and hooks/place_files.py checks them itself
when it runs without that verdict. Needs PyYAML, not Copier: the schemas of
hooks/schemas/ are checked by hooks/schema_check.py, in the standard library.
"""

from __future__ import annotations

import functools
import importlib.machinery
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

# libyaml's loader, when PyYAML has it, parses ten times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
REGISTRY_FILE = TEMPLATE_ROOT / "registry" / "connectors.yaml"
RUNTIME_MODULE = TEMPLATE_ROOT / "extensions" / "dativo_gen" / "runtime.py"
SCHEMA_CHECK_MODULE = Path(__file__).resolve().with_name("schema_check.py")
ASSET_SCHEMA = "asset-odcs.schema.json"
JOB_SCHEMA = "job.schema.json"
# What `dativo run` refuses in a job that passed its schema: '$.path: problem' lines.
JobProblems = Callable[[Any], list[str]]


class InvalidOutput(Exception):
    """A generated file that must not land; the message names the file and the JSON path."""


def load_by_path(name: str, path: Path) -> ModuleType:
    """A module of this template checkout, loaded on its own (an update runs two checkouts) and
    by the loader of this module: in Copier's process the extension's, which keeps compiled code."""
    loader = type(__spec__.loader) if __spec__ and __spec__.loader else importlib.machinery.SourceFileLoader
    spec = importlib.util.spec_from_file_location(name, path, loader=loader(name, str(path)))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.cache
def local_schemas() -> Any:
    """Our schemas by file name, read once, every keyword and $ref checked (hooks/schema_check.py)."""
    schema_check = load_by_path(f"{__name__}_schema_check", SCHEMA_CHECK_MODULE)
    return schema_check.Schemas(
        {path.name: json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS_DIR.glob("*.schema.json")}
    )


@functools.cache
def runtime_rules() -> Any:
    """The extension's runtime.py, loaded on its own (the extension package needs Copier)."""
    return load_by_path("dativo_gen_runtime", RUNTIME_MODULE)


def registry_entries() -> dict[str, Any]:
    try:
        data = yaml.load(REGISTRY_FILE.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except (OSError, yaml.YAMLError):
        return {}  # the extension refused this registry before any file was rendered
    return (data or {}).get("connectors") or {} if isinstance(data, dict) else {}


def template_job_problems(job: Any) -> list[str]:
    """What `dativo run` would refuse in a job, by the rules and registry of this template."""
    return runtime_rules().job_problems(job, registry_entries())


def validation_errors(document: Any, schema_name: str, shown_as: str) -> list[str]:
    """The problem that makes `document` fail its schema ([] when it passes)."""
    problem = local_schemas().first_problem(document, schema_name)
    return [f"{shown_as}: {problem}"] if problem else []


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
        errors = validation_errors(document, schema, shown_as)
        if not errors and schema == JOB_SCHEMA:
            errors = [f"{shown_as}: {problem}" for problem in job_problems(document)]
        problems.extend(errors)
    return problems
