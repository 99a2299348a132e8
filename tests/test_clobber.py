"""A copy never silently replaces another job's files, and never half-replaces them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import generate, git, load_yaml, run_copier, snapshot

ASSET = "assets/stripe/v1.0/stripe_customers.yaml"
JOB = "jobs/acme/stripe_customers_to_iceberg.yaml"
ANSWERS = ".copier-answers/acme/stripe_customers_to_iceberg.yml"
FIRST_JOB = {"source_connector": "stripe", "asset_name": "stripe_customers", "retention_days": 90}


@pytest.fixture(scope="module")
def one_job_workspace(tmp_path_factory, committed_template) -> Path:
    workspace = tmp_path_factory.mktemp("clobber") / "workspace"
    generate(workspace, FIRST_JOB, template=committed_template)
    git(workspace, "init", "-q")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "first job")
    return workspace


@pytest.fixture
def workspace(one_job_workspace, tmp_path) -> Path:
    copy = tmp_path / "workspace"
    shutil.copytree(one_job_workspace, copy)
    return copy


def copy_job(template: Path, workspace: Path, answers: dict, *flags: str) -> tuple[int, str]:
    data = [arg for key, value in answers.items() for arg in ("--data", f"{key}={value}")]
    args = ["copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD", *flags, *data]
    return run_copier(*args, str(template), str(workspace))


def test_a_second_job_may_share_an_identical_asset(workspace, committed_template):
    asset_before = load_yaml(workspace / ASSET)

    status, stderr = copy_job(committed_template, workspace, {**FIRST_JOB, "target_connector": "s3"})

    assert status == 0, stderr
    assert load_yaml(workspace / ASSET) == asset_before
    second_job = load_yaml(workspace / "jobs/acme/stripe_customers_to_s3.yaml")
    assert second_job["asset_path"] == load_yaml(workspace / JOB)["asset_path"]


def test_another_jobs_asset_with_different_content_is_not_replaced(workspace, committed_template):
    before = snapshot(workspace)

    status, stderr = copy_job(
        committed_template, workspace, {**FIRST_JOB, "retention_days": 30, "target_connector": "s3"}
    )

    assert status == 1
    assert stderr.startswith("dativo-gen: these files already exist with different content"), stderr
    assert f"  {ASSET}\n" in stderr and JOB not in stderr
    assert "Another job uses this asset" in stderr
    assert "Traceback" not in stderr
    assert snapshot(workspace) == before


def test_copying_a_job_again_with_other_answers_stops_and_points_to_update(workspace, committed_template):
    before = snapshot(workspace)

    status, stderr = copy_job(committed_template, workspace, {**FIRST_JOB, "environment": "prod"})

    assert status == 1
    assert f"  {JOB}\n" in stderr and ASSET not in stderr, stderr
    assert f"copier update --trust -a {ANSWERS}" in stderr
    assert snapshot(workspace) == before


def test_overwrite_replaces_the_files_as_asked(workspace, committed_template):
    status, stderr = copy_job(committed_template, workspace, {**FIRST_JOB, "environment": "prod"}, "--overwrite")

    assert status == 0, stderr
    assert load_yaml(workspace / JOB)["environment"] == "prod"
    assert load_yaml(workspace / ANSWERS)["environment"] == "prod"


def test_copying_a_job_again_with_the_same_answers_changes_nothing(workspace, committed_template):
    before = snapshot(workspace)

    status, stderr = copy_job(committed_template, workspace, FIRST_JOB)

    assert status == 0, stderr
    assert snapshot(workspace) == before
