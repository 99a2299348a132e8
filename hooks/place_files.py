"""Post-generation task: validate the staged asset and job, then move them and the answers into place.

Copier renders the asset, the job and the answers file into a staging folder of its own
run (.dativo-gen/staging/<run>/, git-ignored: see template/.dativo-gen/.gitignore). Only
when each generated file parses and passes its JSON Schema, the job what `dativo run`
checks (extensions/dativo_gen/runtime.py, with the template's registry), and every target
stays inside the workspace (see extensions/dativo_gen/inside.py), are the three moved to
their final paths, the answers last; so invalid output never lands in assets/ or jobs/
and a job's files never disagree. On failure the staging folder is removed and the task
exits 1 with one line per problem; nothing else was written. Staging folders of runs
that died are removed too: they are never used.

Copier runs this task three times during `copier update` (old copy, project, new
copy), so it is unconditional, idempotent and works relative to the current folder.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import marshal
import os
import shutil
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import fastjsonschema
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inside_module import load_inside

# libyaml's loader, when PyYAML has it, parses ten times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
REGISTRY_FILE = TEMPLATE_ROOT / "registry" / "connectors.yaml"
RUNTIME_MODULE = TEMPLATE_ROOT / "extensions" / "dativo_gen" / "runtime.py"
STAGING_ROOT = Path(".dativo-gen/staging")
ASSET_SCHEMA = "asset-odcs.schema.json"
JOB_SCHEMA = "job.schema.json"
STAGED_FILES = ("asset.yaml", "job.yaml", "answers.yml")


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


def load_validator(schema_name: str, cache_dir: Path | None = None) -> Callable[[Any], Any]:
    """The schema's compiled validator, kept in cache_dir between runs when one is given.

    Generating and compiling a validator costs more than the rest of this task.
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


def runtime_problems(job: Any, shown_as: str) -> list[str]:
    """What `dativo run` would refuse in a job that passed its schema."""
    return [f"{shown_as}: {problem}" for problem in runtime_rules().job_problems(job, registry_entries())]


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


def load_document(staged: Path, shown_as: str) -> Any:
    try:
        return yaml.load(staged.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except (OSError, yaml.YAMLError) as error:
        raise InvalidOutput(f"{shown_as}: cannot be read as YAML: {error}") from None


def place_file(staged: Path, final: Path) -> None:
    """Move, overwriting: running twice gives the same result."""
    final.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, final)


def remove_staging(staging: Path) -> None:
    """This run's staging folder (the staging root stays: other runs may be writing into it)."""
    for name in STAGED_FILES:
        (staging / name).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        staging.rmdir()


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def remove_dead_staging() -> None:
    """Staging folders (named <pid>-<random>) of Copier processes that no longer run: never used again."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(STAGING_ROOT):
            pid = entry.name.partition("-")[0]
            if entry.is_dir(follow_symlinks=False) and pid.isdigit() and not process_alive(int(pid)):
                shutil.rmtree(entry.path, ignore_errors=True)


def legacy_asset_problem(document: Any, shown_as: str) -> str:
    """`dativo run` stops before reading data when the asset has no top-level schema list."""
    if isinstance(document, dict) and "asset" in document and "schema" not in document:
        return (
            f"{shown_as}: the nested legacy asset form is refused by `dativo run`, which needs a top-level "
            "schema; generate the asset with asset_format odcs"
        )
    return ""


def check_staged(options: Options) -> list[str]:
    problems = []
    for staged_name, final, schema in (
        ("asset.yaml", options.asset, ASSET_SCHEMA),
        ("job.yaml", options.job, JOB_SCHEMA),
    ):
        try:
            document = load_document(options.staging / staged_name, str(final))
        except InvalidOutput as error:
            problems.append(str(error))
            continue
        if schema == ASSET_SCHEMA and (problem := legacy_asset_problem(document, str(final))):
            problems.append(problem)
            continue
        errors = validation_errors(document, schema, str(final), options.cache_dir)
        if not errors and schema == JOB_SCHEMA:
            errors = runtime_problems(document, str(final))
        problems.extend(errors)
    return problems


class Options(NamedTuple):
    staging: Path
    asset: Path
    job: Path
    answers_file: Path
    cache_dir: Path | None = None


PATH_OPTIONS = ("staging", "asset", "job", "answers_file", "cache_dir")


def parse_options(argv: list[str]) -> Options:
    """--staging DIR --asset FILE --job FILE --answers-file FILE [--cache-dir D]

    Parsed by hand: this runs on every generation, and argparse or getopt take longer
    to import than the whole parse.
    """
    values: dict[str, Any] = {}
    for flag, value in zip(argv[::2], argv[1::2], strict=True):
        name = flag.removeprefix("--").replace("-", "_")
        if not flag.startswith("--") or name not in Options._fields:
            raise SystemExit(f"place_files.py: unknown option {flag}\n{parse_options.__doc__.splitlines()[0]}")
        values[name] = Path(value) if name in PATH_OPTIONS else value
    return Options(**values)


def main(argv: list[str] | None = None) -> int:
    args = parse_options(sys.argv[1:] if argv is None else argv)
    inside = load_inside()
    staged = [args.staging / name for name in STAGED_FILES]
    if escaped := inside.escapes(".", [*staged, args.asset, args.job, args.answers_file]):
        print(inside.refusal(escaped), file=sys.stderr)
        return 1
    remove_dead_staging()
    problems = check_staged(args)
    if problems:
        remove_staging(args.staging)
        print("dativo-gen: generated files are invalid; nothing was written:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    try:
        # The answers last; the Copier process puts back what was placed if this fails (see journal.py).
        place_file(args.staging / "asset.yaml", args.asset)
        place_file(args.staging / "job.yaml", args.job)
        place_file(args.staging / "answers.yml", args.answers_file)
    except OSError as error:  # a read-only folder, a full disk
        remove_staging(args.staging)
        print(f"dativo-gen: cannot place the generated files: {error}", file=sys.stderr)
        return 1
    remove_staging(args.staging)
    return 0


if __name__ == "__main__":
    sys.exit(main())
