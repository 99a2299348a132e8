"""Many jobs share one workspace; each one updates alone through its own answers file."""

from __future__ import annotations

from pathlib import Path

from conftest import EXAMPLE_ANSWERS, git, load_yaml, run_cli, snapshot

STRIPE_ANSWERS = ".copier-answers/mycompany/stripe_customers_to_iceberg.yml"
STRIPE_ASSET = "assets/stripe/v1.0/stripe_customers.yaml"
POSTGRES_JOB = "jobs/acme/postgres_orders_to_s3.yaml"


def copy_into(template: Path, workspace: Path, *args: str) -> None:
    result = run_cli("copy", "--trust", "--defaults", *args, str(template), str(workspace))
    assert result.returncode == 0, result.stderr


def test_jobs_coexist_and_update_one_at_a_time(committed_template, workspace):
    workspace.mkdir()
    git(workspace, "init", "-q")
    copy_into(committed_template, workspace, "--data-file", str(EXAMPLE_ANSWERS))
    copy_into(
        committed_template,
        workspace,
        "--data",
        "source_connector=postgres",
        "--data",
        "asset_name=postgres_orders",
        "--data",
        "target_connector=s3",
    )
    assert sorted(path.name for path in (workspace / ".copier-answers").rglob("*.yml")) == [
        "postgres_orders_to_s3.yml",
        "stripe_customers_to_iceberg.yml",
    ]
    # a hand edit that the update must keep
    asset_path = workspace / STRIPE_ASSET
    edited = asset_path.read_text().replace("    type: double\n", "    type: double\n    description: cents\n")
    asset_path.write_text(edited)
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "two jobs")
    before = snapshot(workspace)

    result = run_cli(
        "update", "--trust", "--defaults", "-a", STRIPE_ANSWERS, "--data", "retention_days=60", str(workspace)
    )
    assert result.returncode == 0, result.stderr

    after = snapshot(workspace)
    assert sorted(after) == sorted(before)  # nothing staged or stale left behind
    assert sorted(name for name in after if after[name] != before[name]) == [STRIPE_ANSWERS, STRIPE_ASSET]
    asset = load_yaml(asset_path)
    assert asset["compliance"]["retention_days"] == 60
    assert asset["schema"][-1] == {"name": "balance", "type": "double", "required": False, "description": "cents"}
    assert load_yaml(workspace / STRIPE_ANSWERS)["retention_days"] == 60
    assert load_yaml(workspace / POSTGRES_JOB)["source"]["tables"] == [
        {"name": "public.orders", "object": "orders", "cursor_field": "updated_at"}
    ]
