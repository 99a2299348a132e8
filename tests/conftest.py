"""Shared helpers: run the real template with Copier and read back what it wrote."""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import copier
import jsonschema
import pytest
import yaml
from copier._cli import CopierApp
from referencing import Registry
from referencing.jsonschema import DRAFT7

from db_servers import Server, ServerUnavailable, running_server

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT.parent / "shared" / "reference" / "dativo-ingest"
EXAMPLE_ANSWERS = ROOT / "examples" / "stripe_customers.yml"
COPIER = Path(sys.executable).parent / "copier"

sys.path[:0] = [str(ROOT), str(ROOT / "extensions")]


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def generate(dst: Path, answers: dict[str, Any], template: Path = ROOT) -> dict[str, Any]:
    """Run `copier copy` in-process with these answers; return the answers Copier recorded.

    The template itself refuses answers to questions it does not have.
    """
    worker = copier.run_copy(
        str(template),
        str(dst),
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref="HEAD",
        quiet=True,
    )
    return worker._answers_to_remember()


def snapshot(workspace: Path) -> dict[str, bytes]:
    """Every file of a workspace (outside .git) and its bytes."""
    return {
        str(path.relative_to(workspace)): path.read_bytes()
        for path in workspace.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(workspace).parts
    }


def run_copier(*args: str) -> tuple[int, str]:
    """Copier's command line in this process: (exit status, what it printed on stderr).

    Faster than a subprocess, and an exception Copier would print as a traceback
    escapes into the test instead.
    """
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        _, status = CopierApp.run(["copier", *args], exit=False)
    return status, stderr.getvalue()


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(COPIER), *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def copy_cli(
    destination: Path, *options: str, template: Path = ROOT, ref: str = "HEAD"
) -> subprocess.CompletedProcess[str]:
    """`copier copy --trust --defaults --vcs-ref REF OPTIONS... TEMPLATE DESTINATION`, in a process of its own."""
    return run_cli("copy", "--trust", "--defaults", "--vcs-ref", ref, *options, str(template), str(destination))


def copy_spec_example(workspace: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """`copier copy` of the spec's example answers (examples/stripe_customers.yml) into workspace."""
    result = copy_cli(workspace, "--data-file", str(EXAMPLE_ANSWERS), *extra)
    assert result.returncode == 0, result.stderr
    return result


def generated_files(workspace: Path, answers: dict[str, Any]) -> tuple[Any, Any]:
    """The parsed asset and job of one generation, found where the answers put them.

    Each also gets the same verdict from hooks/schema_check.py as from jsonschema, its oracle.
    """
    asset = workspace / answers["assets_dir"] / f"{answers['asset_name']}.yaml"
    job = workspace / answers["jobs_dir"] / f"{answers['job_name']}.yaml"
    documents = load_yaml(asset), load_yaml(job)
    for document, schema_name in zip(documents, ("asset-odcs.schema.json", "job.schema.json"), strict=True):
        assert_schema_verdicts_agree(document, schema_name)
    return documents


@functools.cache
def schema_oracle(schema_name: str) -> jsonschema.Draft7Validator:
    """jsonschema's validator for one of hooks/schemas/, their cross-file $refs resolved among them."""
    schemas = {path.name: json.loads(path.read_text()) for path in (ROOT / "hooks" / "schemas").glob("*.schema.json")}
    registry = Registry().with_resources((schema["$id"], DRAFT7.create_resource(schema)) for schema in schemas.values())
    return jsonschema.Draft7Validator(schemas[schema_name], registry=registry)


def assert_schema_verdicts_agree(document: Any, schema_name: str) -> None:
    from hooks.staged_checks import validation_errors

    ours = validation_errors(document, schema_name, "document")
    oracle = [error.message for error in schema_oracle(schema_name).iter_errors(document)]
    assert bool(ours) == bool(oracle), f"schema_check: {ours}; jsonschema: {oracle}"


def missing_from(document: Any, expected: Any, where: str = "$") -> list[str]:
    """Where `document` lacks a key or value of `expected` (mappings may have more keys)."""
    if isinstance(expected, dict) and isinstance(document, dict):
        return [
            problem
            for key, value in expected.items()
            for problem in (
                missing_from(document[key], value, f"{where}.{key}") if key in document else [f"{where}.{key}: missing"]
            )
        ]
    return [] if document == expected else [f"{where}: {document!r} instead of {expected!r}"]


def skip_outside_ci(message: str) -> None:
    """What CI must have is a failure there, and a skip with its reason elsewhere."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def reference_schema(relative: str) -> dict[str, Any]:
    path = REFERENCE / "schemas" / relative
    if not path.is_file():
        skip_outside_ci(f"reference schema {path} is not available beside the checkout")
    return json.loads(path.read_text(encoding="utf-8"))


def _server(dialect: str) -> Iterator[Server | str]:
    """A private server for the session, or why there is none."""
    try:
        with running_server(dialect) as server:
            yield server
    except ServerUnavailable as error:
        yield f"no {dialect} server: {error}"


@pytest.fixture(scope="session")
def _postgres_session() -> Iterator[Server | str]:
    yield from _server("postgres")


@pytest.fixture(scope="session")
def _mysql_session() -> Iterator[Server | str]:
    yield from _server("mysql")


@pytest.fixture(params=["postgres", "mysql"])
def database(request, monkeypatch) -> Server:
    """A live PostgreSQL or MariaDB server, its connection variables set for this test only."""
    server = request.getfixturevalue(f"_{request.param}_session")
    if isinstance(server, str):
        skip_outside_ci(server)
    for name, value in server.env.items():
        monkeypatch.setenv(name, value)
    return server


GIT_IDENTITY = ["-c", "user.name=dativo-gen tests", "-c", "user.email=tests@dativo-gen.invalid"]


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *GIT_IDENTITY, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


TEMPLATE_PARTS = ("copier.yml", "template", "extensions", "hooks", "registry", "connectors")


def copy_template(dst: Path) -> Path:
    """A plain (non-git) copy of the template, for tests that change a part of it."""
    dst.mkdir(parents=True, exist_ok=True)
    for part in TEMPLATE_PARTS:
        source = ROOT / part
        copy = shutil.copytree if source.is_dir() else shutil.copy2
        copy(source, dst / part)
    return dst


@pytest.fixture(scope="session")
def committed_template(tmp_path_factory) -> Path:
    """The template as it is in the working tree, committed in a repo of its own.

    `copier update` needs the commit recorded at copy time; with uncommitted changes
    Copier records a commit that exists only in its temporary clone.
    """
    template = tmp_path_factory.mktemp("committed-template")
    tracked = git(ROOT, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for relative in filter(None, tracked):
        source = ROOT / relative
        if source.is_file():
            (template / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, template / relative)
    git(template, "init", "-q")
    git(template, "add", "-A")
    git(template, "commit", "-qm", "template under test")
    return template


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return tmp_path / "workspace"
