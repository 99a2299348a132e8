"""The placement task: invalid output never lands, valid output lands idempotently."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import EXAMPLE_ANSWERS, ROOT, copy_template, generate, load_yaml, run_cli, snapshot
from dativo_gen.registry import load_registry
from dativo_gen.staged_output import staged_digests
from hooks import staged_bundle

HOOK = ROOT / "hooks" / "place_files.py"
STAGING = Path(".dativo-gen/staging/1-run")
ASSET = Path("assets/stripe/v1.0/orders.yaml")
JOB = Path("jobs/acme/orders_to_iceberg.yaml")
ANSWERS = Path(".copier-answers/acme/orders_to_iceberg.yml")


@pytest.fixture
def staged(tmp_path: Path) -> Path:
    """A workspace whose staging folder holds the files of the spec session."""
    generated = tmp_path / "generated"
    answers = generate(generated, yaml.safe_load(EXAMPLE_ANSWERS.read_text()))
    workspace = tmp_path / "ws"
    asset = generated / answers["assets_dir"] / f"{answers['asset_name']}.yaml"
    job = generated / answers["jobs_dir"] / f"{answers['job_name']}.yaml"
    stage(workspace, {"asset.yaml": asset.read_text(), "job.yaml": job.read_text(), "answers.yml": "_src_path: x\n"})
    return workspace


def stage(workspace: Path, parts: dict[str, str]) -> None:
    """The staged file of a run, as Copier renders it."""
    (workspace / STAGING).mkdir(parents=True, exist_ok=True)
    (workspace / STAGING / staged_bundle.STAGED_FILE).write_text(staged_bundle.pack(parts))


def staged_parts(workspace: Path) -> dict[str, str]:
    data = (workspace / STAGING / staged_bundle.STAGED_FILE).read_bytes()
    return {name: part.decode() for name, part in staged_bundle.unpack(data).items()}


def run_hook(workspace: Path, *extra: str, flags: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            *flags,
            str(HOOK),
            "--staging",
            str(STAGING),
            "--asset",
            str(ASSET),
            "--job",
            str(JOB),
            "--answers-file",
            str(ANSWERS),
            *extra,
        ],
        cwd=workspace,
        capture_output=True,
        text=True,
        timeout=60,
    )


def files_in(workspace: Path) -> list[str]:
    return sorted(snapshot(workspace))


def corrupt(workspace: Path, name: str, change) -> None:
    parts = staged_parts(workspace)
    document = yaml.safe_load(parts[name])
    change(document)
    stage(workspace, {**parts, name: yaml.safe_dump(document)})


def test_valid_files_are_moved_into_place(staged):
    result = run_hook(staged)
    assert result.returncode == 0, result.stderr
    assert files_in(staged) == sorted([str(ANSWERS), str(ASSET), str(JOB)])
    assert load_yaml(staged / JOB)["tenant_id"] == "mycompany"


def test_running_twice_gives_the_same_workspace(staged):
    staged_files = staged_parts(staged)
    assert run_hook(staged).returncode == 0
    stage(staged, staged_files)
    assert run_hook(staged).returncode == 0
    assert files_in(staged) == sorted([str(ANSWERS), str(ASSET), str(JOB)])


def test_invalid_job_names_the_file_and_the_json_path_and_lands_nothing(staged):
    corrupt(staged, "job.yaml", lambda job: job["source"]["incremental"].update(lookback_days=-1))
    result = run_hook(staged)
    assert result.returncode == 1
    assert f"{JOB}: $.source.incremental.lookback_days: -1 must be bigger than or equal to 0" in result.stderr
    # the first copy of a job that failed leaves nothing behind, not even its answers
    assert files_in(staged) == []
    assert not (staged / STAGING).exists()


def _sheets_source(job):
    job["source_connector"] = "google_sheets"
    job["source"] = {"files": [{"path": "sheet-id", "object": "sheet"}]}


def _nested(*keys):
    def change(job):
        for key in keys[:-1]:
            job = job[key]
        job.pop(keys[-1])

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # the runtime refuses full_refresh, and any strategy but the registry's (Stripe: created)
        (
            lambda job: job["source"]["incremental"].update(strategy="full_refresh"),
            "$.source.incremental.strategy: 'full_refresh' must be one of",
        ),
        (
            lambda job: job["source"]["incremental"].update(strategy="updated_at"),
            "$.source.incremental.strategy: 'updated_at' is refused; stripe uses 'created'",
        ),
        (
            _nested("source", "incremental", "cursor_field"),
            "$.source.incremental: strategy 'created' needs cursor_field",
        ),
        # off is no key at all
        (lambda job: job["source"].update(incremental={}), "$.source.incremental: must contain at least 1 properties"),
        (
            lambda job: job["source"]["incremental"].update(strategy="file_modified_time"),
            "$.source: strategy 'file_modified_time' needs source.files",
        ),
        (_sheets_source, "$.source: google_sheets reads source.sheets; it is missing"),
        # the writer reads the bucket only from connection.s3 or connection.minio
        (_nested("target", "connection", "s3", "bucket"), "$.target.connection.s3: must contain ['bucket'] properties"),
        (
            lambda job: job["target"].update(connection={"bucket": "lake"}),
            "$.target.connection.s3.bucket: missing; the writer reads it only there",
        ),
        (
            lambda job: job["target"]["connection"].update(s3={"endpoint": "${S3_ENDPOINT}"}, minio={"bucket": "b"}),
            "$.target.connection.s3: must contain ['bucket'] properties",
        ),
        (
            lambda job: job.update(schema_validation_mode="lenient"),
            "$.schema_validation_mode: 'lenient' must be one of",
        ),
    ],
)
def test_a_job_dativo_run_would_refuse_does_not_land(staged, change, message):
    corrupt(staged, "job.yaml", change)
    result = run_hook(staged)
    assert result.returncode == 1
    assert f"{JOB}: {message}" in result.stderr
    assert files_in(staged) == []


def test_invalid_asset_is_reported_with_its_path(staged):
    corrupt(staged, "asset.yaml", lambda asset: asset["schema"][1].update(type="varchar"))
    result = run_hook(staged)
    assert result.returncode == 1
    assert f"{ASSET}: $.schema[1].type: 'varchar' must be one of" in result.stderr


def test_a_type_the_runtime_would_store_as_text_is_refused(staged):
    """`dativo run` writes unknown type names, bigint included, as string columns."""
    corrupt(staged, "asset.yaml", lambda asset: asset["schema"][0].update(type="bigint"))
    result = run_hook(staged)
    assert result.returncode == 1
    assert f"{ASSET}: $.schema[0].type: 'bigint' must be one of" in result.stderr


def test_a_legacy_asset_is_refused_as_dativo_run_refuses_it(staged):
    def nest(asset):
        nested = {key: asset.pop(key) for key in list(asset)}
        asset["asset"] = nested

    corrupt(staged, "asset.yaml", nest)
    result = run_hook(staged)
    assert result.returncode == 1
    problems = result.stderr.splitlines()[1:]
    assert len(problems) == 1
    assert problems[0].startswith(f"  {ASSET}: the nested legacy asset form is refused by `dativo run`")
    assert "top-level schema" in problems[0]
    assert files_in(staged) == []


def test_failed_update_keeps_the_existing_job_and_answers(staged):
    (staged / JOB).parent.mkdir(parents=True)
    (staged / JOB).write_text("tenant_id: previous\n")
    (staged / ANSWERS).parent.mkdir(parents=True)
    (staged / ANSWERS).write_text("tenant_id: previous\n")
    corrupt(staged, "job.yaml", lambda job: job.pop("logging"))
    result = run_hook(staged)
    assert result.returncode == 1
    assert f"{JOB}: $: must contain ['logging'] properties" in result.stderr
    assert load_yaml(staged / JOB) == {"tenant_id": "previous"}
    assert load_yaml(staged / ANSWERS) == {"tenant_id": "previous"}
    assert not (staged / STAGING).exists()


def test_unparsable_staged_file_is_reported(staged):
    stage(staged, {**staged_parts(staged), "job.yaml": "tenant_id: [unclosed\n"})
    result = run_hook(staged)
    assert result.returncode == 1
    assert f"{JOB}: cannot be read as YAML" in result.stderr


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "no asset.yaml part where one should start"),
        (b"asset.yaml 99\nshort", "the asset.yaml part is cut short"),
        (b"job.yaml 0\n", "no asset.yaml part where one should start"),
    ],
)
def test_a_staged_file_that_is_not_one_is_reported_and_lands_nothing(staged, content, problem):
    staged_file = staged / STAGING / staged_bundle.STAGED_FILE
    staged_file.write_bytes(content)
    result = run_hook(staged)
    assert result.returncode == 1
    assert f"the staged files cannot be read: staged: {problem}" in result.stderr
    assert files_in(staged) == []
    assert not (staged / STAGING).exists()


def test_content_after_the_last_part_is_refused_too(staged):
    staged_file = staged / STAGING / staged_bundle.STAGED_FILE
    staged_file.write_bytes(staged_file.read_bytes() + b"job.yaml 3\nxyz")
    with pytest.raises(ValueError, match=r"unexpected content after the answers\.yml part"):
        staged_bundle.unpack(staged_file.read_bytes())


def test_parts_keep_any_text_exactly():
    parts = {"asset.yaml": "a: 1\nanswers.yml 3\n", "job.yaml": "é ✓ \r\n\x00", "answers.yml": ""}
    packed = staged_bundle.pack(parts).encode()
    assert {name: part.decode() for name, part in staged_bundle.unpack(packed).items()} == parts


def test_invalid_output_in_a_real_copy_leaves_the_workspace_as_it_was(tmp_path, workspace):
    # A template whose job schema no generated job can pass.
    template = copy_template(tmp_path / "template")
    schema_path = template / "hooks" / "schemas" / "job.schema.json"
    schema = json.loads(schema_path.read_text())
    schema["properties"]["environment"] = {"enum": ["nowhere"]}
    schema_path.write_text(json.dumps(schema))
    workspace.mkdir()
    (workspace / "README.md").write_text("an existing workspace\n")
    before = snapshot(workspace)

    result = run_cli(
        "copy", "--trust", "--defaults", "--data", "source_connector=stripe", str(template), str(workspace)
    )

    assert result.returncode != 0
    assert "jobs/acme/stripe_charges_to_iceberg.yaml: $.environment: 'dev' must be one of ['nowhere']" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(workspace) == before
    assert sorted(p.name for p in workspace.iterdir()) == ["README.md"]


def checked_in_copier(workspace: Path) -> str:
    """The --checked value the extension gives the task for this staging folder."""
    return staged_digests(ROOT, workspace / STAGING, load_registry(ROOT))


def imported_modules(importtime_stderr: str) -> set[str]:
    return {line.split("|")[-1].strip() for line in importtime_stderr.splitlines() if line.startswith("import time:")}


def test_files_checked_in_copier_move_with_the_standard_library_only(staged):
    result = run_hook(staged, "--checked", checked_in_copier(staged), flags=("-S", "-X", "importtime"))
    assert result.returncode == 0, result.stderr
    assert load_yaml(staged / JOB)["tenant_id"] == "mycompany"
    # hooks/schema_check.py is loaded by path, which importtime does not list: json, re and urllib.parse are
    # what it and staged_checks import
    checks = {"yaml", "staged_checks", "json", "re", "urllib.parse", "pathlib"}
    assert not checks & imported_modules(result.stderr)


def test_a_file_changed_after_the_check_in_copier_is_checked_again(staged):
    checked = checked_in_copier(staged)
    corrupt(staged, "job.yaml", lambda job: job["source"]["incremental"].update(lookback_days=-1))
    result = run_hook(staged, "--checked", checked, flags=("-S",))
    assert result.returncode == 1
    assert f"{JOB}: $.source.incremental.lookback_days: -1 must be bigger than or equal to 0" in result.stderr
    assert files_in(staged) == []


def test_copier_gives_no_verdict_for_files_that_fail_a_check(staged):
    assert checked_in_copier(staged).count(",") == 1
    corrupt(staged, "job.yaml", lambda job: job["source"]["incremental"].update(strategy="updated_at"))
    assert checked_in_copier(staged) == ""
    (staged / STAGING / staged_bundle.STAGED_FILE).write_bytes(b"asset.yaml 99\nshort")
    assert checked_in_copier(staged) == ""


def test_unknown_option_is_refused_with_the_usage(staged):
    result = run_hook(staged, "--colour", "blue")
    assert result.returncode != 0
    assert "unknown option --colour" in result.stderr
