"""Post-generation task: validate the staged asset and job, then move them into place.

Copier renders both files into a staging folder. Only when each parses and passes its
JSON Schema are they moved to their final paths, so invalid output never lands in
assets/ or jobs/. On failure the staging folder is removed, the answers file of a job
that never existed is removed too, and the task exits 1 with one line per problem.

Copier runs this task three times during `copier update` (old copy, project, new
copy), so it is unconditional, idempotent and works relative to the current folder.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import marshal
import os
import sys
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any, NamedTuple

import fastjsonschema
import yaml

# libyaml's loader, when PyYAML has it, parses ten times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SCHEMAS_DIR = Path(__file__).resolve().parent / "schemas"
STAGING_ROOT = Path(".dativo-gen")
ASSET_SCHEMAS = {"odcs": "asset-odcs.schema.json", "legacy": "asset-legacy.schema.json"}
JOB_SCHEMA = "job.schema.json"
STAGED_FILES = ("asset.yaml", "job.yaml")


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


def remove_empty_dirs(folder: Path, stop_at: Path) -> None:
    """Remove folder and its parents while they are empty, up to and including stop_at."""
    for current in (folder, *folder.parents):
        if current in (Path("."), Path("")) or not current.is_dir() or any(current.iterdir()):
            return
        current.rmdir()
        if current == stop_at:
            return


def remove_staging(staging: Path) -> None:
    for name in STAGED_FILES:
        (staging / name).unlink(missing_ok=True)
    remove_empty_dirs(staging, STAGING_ROOT)


def check_staged(options: Options) -> list[str]:
    problems = []
    for staged_name, final, schema in (
        ("asset.yaml", options.asset, ASSET_SCHEMAS[options.asset_format]),
        ("job.yaml", options.job, JOB_SCHEMA),
    ):
        try:
            document = load_document(options.staging / staged_name, str(final))
        except InvalidOutput as error:
            problems.append(str(error))
            continue
        problems.extend(validation_errors(document, schema, str(final), options.cache_dir))
    return problems


class Options(NamedTuple):
    staging: Path
    asset: Path
    job: Path
    asset_format: str = "odcs"
    operation: str = "copy"
    answers_file: Path | None = None
    cache_dir: Path | None = None


PATH_OPTIONS = ("staging", "asset", "job", "answers_file", "cache_dir")


def parse_options(argv: list[str]) -> Options:
    """--staging DIR --asset FILE --job FILE [--asset-format F] [--operation OP] [--answers-file F] [--cache-dir D]

    Parsed by hand: this runs on every generation, and argparse or getopt take longer
    to import than the whole parse.
    """
    values: dict[str, Any] = {}
    for flag, value in zip(argv[::2], argv[1::2], strict=True):
        name = flag.removeprefix("--").replace("-", "_")
        if not flag.startswith("--") or name not in Options._fields:
            raise SystemExit(f"place_files.py: unknown option {flag}\n{parse_options.__doc__.splitlines()[0]}")
        values[name] = Path(value) if name in PATH_OPTIONS else value
    if values.get("asset_format", "odcs") not in ASSET_SCHEMAS:
        raise SystemExit(f"place_files.py: --asset-format must be one of {', '.join(sorted(ASSET_SCHEMAS))}")
    return Options(**values)


def main(argv: list[str] | None = None) -> int:
    args = parse_options(sys.argv[1:] if argv is None else argv)
    problems = check_staged(args)
    if problems:
        remove_staging(args.staging)
        # A first copy that fails leaves no answers behind for a job that does not exist.
        if args.operation == "copy" and args.answers_file and not args.job.exists():
            args.answers_file.unlink(missing_ok=True)
            remove_empty_dirs(args.answers_file.parent, Path("."))
        print("dativo-gen: generated files are invalid; nothing was written:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    place_file(args.staging / "asset.yaml", args.asset)
    place_file(args.staging / "job.yaml", args.job)
    remove_staging(args.staging)
    return 0


if __name__ == "__main__":
    sys.exit(main())
