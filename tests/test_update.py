"""Living jobs: `copier update` of one job among many, renames, conflicts, template versions.

Every test runs the real `copier update` (in-process where only the result matters,
through the CLI where the user-facing message does) on a git workspace of three jobs
with different tenants, sources and targets.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import copier
import pytest
import yaml
from jinja2 import Environment

from conftest import EXAMPLE_ANSWERS, ROOT, copy_template, generate, git, load_yaml, run_cli, snapshot
from dativo_gen.follow import answers_to_recompute, renderer, templated_defaults
from dativo_gen.staged_output import is_throwaway_copy

STRIPE = ".copier-answers/mycompany/stripe_customers_to_iceberg.yml"
POSTGRES = ".copier-answers/acme/postgres_orders_to_s3.yml"
HUBSPOT = ".copier-answers/globex/hubspot_contacts_to_postgres.yml"
STRIPE_ASSET = "assets/stripe/v1.0/stripe_customers.yaml"
STRIPE_JOB = "jobs/mycompany/stripe_customers_to_iceberg.yaml"
JOBS = {
    STRIPE: yaml.safe_load(EXAMPLE_ANSWERS.read_text()),
    POSTGRES: {"source_connector": "postgres", "asset_name": "postgres_orders", "target_connector": "s3"},
    HUBSPOT: {"tenant_id": "globex", "source_connector": "hubspot", "target_connector": "postgres"},
}


def build_workspace(template: Path, workspace: Path) -> Path:
    workspace.mkdir(parents=True)
    git(workspace, "init", "-q")
    for answers in JOBS.values():
        generate(workspace, answers, template)
    commit(workspace, "jobs")
    return workspace


def commit(workspace: Path, message: str) -> None:
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", message)


@pytest.fixture(scope="module")
def three_jobs_once(committed_template, tmp_path_factory) -> Path:
    return build_workspace(committed_template, tmp_path_factory.mktemp("three-jobs") / "workspace")


@pytest.fixture
def three_jobs(three_jobs_once, workspace) -> Path:
    """A fresh copy of the committed three-job workspace, .git included."""
    return Path(shutil.copytree(three_jobs_once, workspace, symlinks=True))


def update(
    workspace: Path, answers_file: str, vcs_ref: str | None = None, conflict: str = "inline", **data: Any
) -> None:
    """`copier update --trust --defaults -a answers_file --data ...`, in-process."""
    copier.run_update(
        str(workspace),
        answers_file=answers_file,
        data=data,
        defaults=True,
        overwrite=True,
        unsafe=True,
        quiet=True,
        vcs_ref=vcs_ref,
        conflict=conflict,
    )


def changed_files(before: dict[str, bytes], after: dict[str, bytes]) -> dict[str, list[str]]:
    return {
        "added": sorted(set(after) - set(before)),
        "removed": sorted(set(before) - set(after)),
        "changed": sorted(name for name in set(before) & set(after) if before[name] != after[name]),
    }


def edit_yaml_line(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_update_re_renders_only_that_job_and_keeps_hand_edits(three_jobs):
    edit_yaml_line(
        three_jobs / STRIPE_ASSET,
        "  owner: data-team@mycompany.com\n",
        "  owner: data-team@mycompany.com\n  slack: '#data'\n",
    )
    commit(three_jobs, "hand edit")
    before = snapshot(three_jobs)

    update(three_jobs, STRIPE, retention_days=60, objects="[customers, charges]")

    after = snapshot(three_jobs)
    assert changed_files(before, after) == {
        "added": [],
        "removed": [],
        "changed": [STRIPE, STRIPE_ASSET, STRIPE_JOB],
    }
    asset = load_yaml(three_jobs / STRIPE_ASSET)
    assert asset["compliance"]["retention_days"] == 60
    assert asset["team"] == {"owner": "data-team@mycompany.com", "slack": "#data"}
    assert load_yaml(three_jobs / STRIPE_JOB)["source"]["objects"] == ["customers", "charges"]
    answers = load_yaml(three_jobs / STRIPE)
    assert (answers["retention_days"], answers["objects"]) == (60, "customers, charges")


@pytest.mark.parametrize("conflict", ["inline", "rej"])
def test_a_conflicting_hand_edit_is_reported_the_copier_way(three_jobs, conflict):
    edit_yaml_line(three_jobs / STRIPE_ASSET, "retention_days: 30", "retention_days: 45")
    commit(three_jobs, "hand edit on the line the update changes")

    update(three_jobs, STRIPE, conflict=conflict, retention_days=60)

    text = (three_jobs / STRIPE_ASSET).read_text()
    if conflict == "inline":
        # git sees the file as unmerged, and each side of the conflict is one of the two answers
        assert STRIPE_ASSET in git(three_jobs, "ls-files", "--unmerged")
        ours = text.split("<<<<<<< before updating\n")[1].split("=======\n")[0]
        theirs = text.split("=======\n")[1].split(">>>>>>> after updating\n")[0]
        assert (yaml.safe_load(ours), yaml.safe_load(theirs)) == ({"retention_days": 45}, {"retention_days": 60})
    else:
        # the new answer lands; the hand edit that no longer applies waits in a .rej file
        assert load_yaml(three_jobs / STRIPE_ASSET)["compliance"]["retention_days"] == 60
        rejected = (three_jobs / f"{STRIPE_ASSET}.rej").read_text().splitlines()
        assert "+  retention_days: 45" in rejected


def test_files_follow_renamed_answers_with_their_hand_edits_and_nothing_stale_is_left(three_jobs):
    edit_yaml_line(
        three_jobs / STRIPE_ASSET,
        "  owner: data-team@mycompany.com\n",
        "  owner: data-team@mycompany.com\n  slack: '#data'\n",
    )
    commit(three_jobs, "hand edit in a file that will move")
    before = snapshot(three_jobs)

    update(three_jobs, STRIPE, asset_version="1.1", target_connector="s3")

    after = snapshot(three_jobs)
    assert changed_files(before, after) == {
        "added": [
            ".copier-answers/mycompany/stripe_customers_to_s3.yml",
            "assets/stripe/v1.1/stripe_customers.yaml",
            "jobs/mycompany/stripe_customers_to_s3.yaml",
        ],
        "removed": [STRIPE, STRIPE_ASSET, STRIPE_JOB],
        "changed": [],
    }
    job = load_yaml(three_jobs / "jobs/mycompany/stripe_customers_to_s3.yaml")
    assert job["asset_path"] == "/app/assets/stripe/v1.1/stripe_customers.yaml"
    assert job["target_connector"] == "s3"
    answers = load_yaml(three_jobs / ".copier-answers/mycompany/stripe_customers_to_s3.yml")
    assert (answers["job_name"], answers["assets_dir"]) == ("stripe_customers_to_s3", "assets/stripe/v1.1")
    asset = load_yaml(three_jobs / "assets/stripe/v1.1/stripe_customers.yaml")
    assert asset["version"] == "1.1"
    assert asset["team"] == {"owner": "data-team@mycompany.com", "slack": "#data"}


MIGRATION_SCRIPTS = ("forget_answers.py", "carry_moved_edits.py")


@pytest.mark.parametrize(
    ("data", "started"),
    [
        ({"retention_days": "60"}, []),  # nothing follows, nothing moves
        ({"asset_version": "1.1"}, list(MIGRATION_SCRIPTS)),  # assets_dir follows, the asset moves
    ],
)
def test_the_migration_scripts_start_only_when_they_have_work(three_jobs, data, started):
    options = [f"--data={key}={value}" for key, value in data.items()]
    result = run_cli("update", "--trust", "--defaults", "-a", STRIPE, *options, ".", cwd=three_jobs)

    assert result.returncode == 0, result.stderr
    # Copier names each task it starts: " > Running task 1 of 3: [..., '.../forget_answers.py', ...]"
    assert [name for name in MIGRATION_SCRIPTS if f"migrations/{name}" in result.stderr] == started, result.stderr


# Runs an update in a process of its own and prints the processes it started (an audit hook
# sees every subprocess.Popen, git's included) as JSON: [[argv, folder], ...].
UPDATE_LISTING_STARTS = """
import json, os, sys
import copier
starts = []
def note(event, args):
    if event == "subprocess.Popen":
        argv = [args[1]] if isinstance(args[1], (str, bytes)) else args[1]
        starts.append([[str(part) for part in argv], str(args[2] or os.getcwd())])
sys.addaudithook(note)
copier.run_update(sys.argv[1], answers_file=sys.argv[2], data={"asset_version": "1.1"},
                  defaults=True, overwrite=True, unsafe=True, quiet=True)
print(json.dumps(starts))
"""


def test_an_update_starts_the_placement_task_only_in_the_workspace(three_jobs):
    """In the two throwaway copies Copier diffs, the extension places the files itself."""
    result = subprocess.run(
        [sys.executable, "-c", UPDATE_LISTING_STARTS, str(three_jobs), STRIPE],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    starts = json.loads(result.stdout.splitlines()[-1])
    placements = [cwd for argv, cwd in starts if any(part.endswith("place_files.py") for part in argv)]
    assert [Path(cwd).resolve() for cwd in placements] == [three_jobs.resolve()]
    # ...and the copies were right: the asset moved with its version, the old one is gone.
    assert load_yaml(three_jobs / STRIPE)["assets_dir"] == "assets/stripe/v1.1"
    assert (three_jobs / "assets/stripe/v1.1/stripe_customers.yaml").is_file()
    assert not (three_jobs / STRIPE_ASSET).exists()
    assert not list(three_jobs.glob(".dativo-gen/staging/*"))


def test_only_a_temporary_folder_outside_git_is_taken_for_a_throwaway_copy(tmp_path, monkeypatch):
    outside_git, workspace = tmp_path / "copy", tmp_path / "workspace"
    outside_git.mkdir()
    git(tmp_path, "init", "-q", str(workspace))

    assert is_throwaway_copy("update", outside_git)
    assert not is_throwaway_copy("copy", outside_git)
    assert not is_throwaway_copy("update", workspace)
    assert not is_throwaway_copy("update", ROOT / "tests")
    monkeypatch.setenv("GIT_DIR", str(workspace / ".git"))  # git then tracks any folder
    assert not is_throwaway_copy("update", outside_git)


def test_a_shared_asset_stays_for_the_job_that_still_uses_it(three_jobs, committed_template):
    generate(three_jobs, {**JOBS[STRIPE], "target_connector": "s3"}, committed_template)  # shares STRIPE_ASSET
    commit(three_jobs, "a second job on the same asset")
    sibling = ".copier-answers/mycompany/stripe_customers_to_s3.yml"
    before = snapshot(three_jobs)

    update(three_jobs, STRIPE, asset_version="1.1")

    after = snapshot(three_jobs)
    assert changed_files(before, after) == {
        "added": ["assets/stripe/v1.1/stripe_customers.yaml"],
        "removed": [],
        "changed": [STRIPE, STRIPE_JOB],
    }
    assert load_yaml(three_jobs / sibling)["assets_dir"] == "assets/stripe/v1.0"


def test_only_answers_left_at_their_default_follow(committed_template):
    defaults = templated_defaults(load_yaml(committed_template / "copier.yml"))
    recorded = load_yaml(committed_template / "examples" / "stripe_customers.yml") | {
        "asset_version": "1.0",
        "assets_dir": "assets/stripe/v1.0",  # the default
        "jobs_dir": "jobs/mycompany",  # the default, its inputs unchanged
        "job_name": "stripe_daily",  # chosen by hand
        "s3_prefix": "raw/stripe/stripe_customers",  # the default, but given again with --data
    }
    data = {"asset_version": "2.0", "target_connector": "s3", "s3_prefix": "raw/stripe/stripe_customers"}

    followed, new = answers_to_recompute(defaults, recorded, data, renderer(Environment()))

    assert followed == ["assets_dir"]
    assert (new["assets_dir"], new["job_name"]) == ("assets/stripe/v2.0", "stripe_daily")


def test_renaming_a_job_onto_another_job_stops_before_anything_changes(three_jobs):
    before = snapshot(three_jobs)

    result = run_cli(
        "update",
        "--trust",
        "--defaults",
        "-a",
        POSTGRES,
        "--data",
        "tenant_id=mycompany",
        "--data",
        "job_name=stripe_customers_to_iceberg",
        str(three_jobs),
    )

    onto_asset = run_cli(
        "update", "--trust", "--defaults", "-a", POSTGRES, "--data", "assets_dir=assets/stripe/v1.0",
        "--data", "asset_name=stripe_customers", str(three_jobs),
    )  # fmt: skip

    assert (result.returncode, onto_asset.returncode) == (1, 1)
    assert "Traceback" not in result.stderr + onto_asset.stderr
    assert f"{POSTGRES}: the new answers move this job to {STRIPE}" in result.stderr
    assert f"{POSTGRES}: the new answers would write over {STRIPE_ASSET}, another job's file" in onto_asset.stderr
    assert snapshot(three_jobs) == before


def tag_version(template: Path, version: str) -> None:
    git(template, "add", "-A")
    git(template, "commit", "-qm", f"template {version}")
    git(template, "tag", version)


@pytest.fixture
def versioned_template(tmp_path: Path) -> Path:
    """The template as version 1.0.0 in a git repo of its own; tests commit the next version."""
    template = copy_template(tmp_path / "template")
    git(template, "init", "-q")
    tag_version(template, "1.0.0")
    return template


def test_a_connector_dropped_from_the_registry_stops_the_update_with_the_options(versioned_template, tmp_path):
    workspace = build_workspace(versioned_template, tmp_path / "workspace")
    registry = versioned_template / "registry" / "connectors.yaml"
    entries = yaml.safe_load(registry.read_text())
    del entries["connectors"]["s3"]
    entries["connectors"]["stripe"]["objects_supported"] = ["charges", "invoices"]
    registry.write_text(yaml.safe_dump(entries, sort_keys=False))
    (versioned_template / "connectors" / "s3.yaml").unlink()
    tag_version(versioned_template, "2.0.0")
    before = snapshot(workspace)

    dropped_target = run_cli("update", "--trust", "--defaults", "-a", POSTGRES, str(workspace))
    dropped_object = run_cli("update", "--trust", "--defaults", "-a", STRIPE, str(workspace))
    assert snapshot(workspace) == before

    assert (dropped_target.returncode, dropped_object.returncode) == (1, 1)
    assert "Traceback" not in dropped_target.stderr + dropped_object.stderr
    assert f"job acme/postgres_orders_to_s3 ({POSTGRES})" in dropped_target.stderr
    assert "target_connector: unknown connector 's3'; use one of csv, google_sheets, iceberg," in dropped_target.stderr
    assert f"job mycompany/stripe_customers_to_iceberg ({STRIPE})" in dropped_object.stderr
    assert "objects: 'customers' not supported by stripe; use one or more of charges, invoices" in (
        dropped_object.stderr
    )

    # update-all reports the job it cannot update, updates the others, one commit each
    job_template = next((versioned_template / "template").rglob("job.yaml.jinja"))
    job_template.write_text(job_template.read_text() + "# runtime: dativo 2\n")
    tag_version(versioned_template, "2.0.1")
    available = run_cli("check-update", "-a", HUBSPOT, "--output-format", "json", str(workspace))
    assert yaml.safe_load(available.stdout)["update_available"] is True, available.stderr
    update_all = run_update_all(workspace)
    assert update_all.returncode == 1
    report = update_all.stdout.splitlines()
    assert report[0] == "acme/postgres_orders_to_s3: not updated"
    assert report[1].startswith(f"    dativo-gen: job acme/postgres_orders_to_s3 ({POSTGRES})")
    assert "globex/hubspot_contacts_to_postgres: updated (template 1.0.0 -> 2.0.1)" in report
    assert "mycompany/stripe_customers_to_iceberg: not updated" in report
    assert git(workspace, "log", "-1", "--format=%s") == "dativo-gen: update globex/hubspot_contacts_to_postgres\n"
    assert git(workspace, "status", "--porcelain") == ""

    # answering the question again lets the update through
    result = run_cli(
        "update", "--trust", "--defaults", "-a", POSTGRES, "--data", "target_connector=minio", str(workspace)
    )
    assert result.returncode == 0, result.stderr
    assert load_yaml(workspace / ".copier-answers/acme/postgres_orders_to_minio.yml")["_commit"] == "2.0.1"


def run_update_all(workspace: Path, *options: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, str(ROOT / "hooks" / "update_all.py"), str(workspace), *options]
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


def test_update_all_passes_copier_update_options_to_every_job_and_commits_each(three_jobs):
    result = run_update_all(three_jobs, "--conflict", "rej", "--data", "retention_days=45")

    assert result.returncode == 0, result.stdout + result.stderr
    jobs = [line for line in result.stdout.splitlines() if not line.startswith("    ")]
    labels = [line.partition(":")[0] for line in jobs]
    assert labels == [
        "acme/postgres_orders_to_s3",
        "globex/hubspot_contacts_to_postgres",
        "mycompany/stripe_customers_to_iceberg",
    ]
    assert all(": updated (template " in line for line in jobs), result.stdout
    assert git(three_jobs, "log", "-3", "--format=%s").split("\n")[:3] == [
        f"dativo-gen: update {label}" for label in reversed(labels)
    ]
    assert [load_yaml(three_jobs / answers)["retention_days"] for answers in JOBS] == [45, 45, 45]
    assert result.stderr == ""  # what each update printed is kept aside, as before


def test_update_all_refuses_an_option_copier_update_does_not_have(three_jobs):
    before = snapshot(three_jobs)
    result = run_update_all(three_jobs, "--retention", "45")
    assert result.returncode == 2
    assert "unrecognized arguments: --retention 45" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(three_jobs) == before


def test_a_job_recorded_with_the_legacy_asset_form_stops_the_update_with_the_reason(three_jobs):
    """Copier would silently drop the refused answer and take odcs; the person is told instead."""
    edit_yaml_line(three_jobs / STRIPE, "asset_format: odcs", "asset_format: legacy")
    commit(three_jobs, "a job from the days of the legacy form")
    before = snapshot(three_jobs)

    result = run_cli("update", "--trust", "--defaults", "-a", STRIPE, str(three_jobs))

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    refused = "dativo-gen: asset_format: 'legacy' cannot be used: `dativo run` refuses the nested asset form"
    assert refused in result.stderr
    assert snapshot(three_jobs) == before


# Version 1.0.0 of a template that asked `retention`; 2.0.0 asks `retention_days` instead.
OLD_RETENTION_QUESTION = """\
retention:
  type: int
  help: Retention in days
  default: 90

retention_days:
  type: int
  default: "{{ retention }}"
  when: false
"""
# Put among copier.yml's migrations, before the last one (which ends the run).
RENAME_MIGRATION = """\
  - version: "2.0.0"
    when: "{{ _stage == 'before' }}"
    command:
      - "{{ _copier_python }}"
      - "{{ _copier_conf.src_path / 'hooks' / 'migrations' / 'rename_answer.py' }}"
      - "{{ _copier_conf.answers_file }}"
      - retention
      - retention_days
"""
LAST_MIGRATION = "  # Last: the update is complete"


def test_a_versioned_migration_carries_a_renamed_answer_from_v1_to_v2(tmp_path):
    template = copy_template(tmp_path / "template")
    config = template / "copier.yml"
    current = config.read_text()
    question = current[current.index("retention_days:\n") :].split("\n\n")[0] + "\n"
    config.write_text(current.replace(question, OLD_RETENTION_QUESTION))
    git(template, "init", "-q")
    tag_version(template, "1.0.0")
    assert current.count(LAST_MIGRATION) == 1
    config.write_text(current.replace(LAST_MIGRATION, RENAME_MIGRATION + LAST_MIGRATION))
    tag_version(template, "2.0.0")
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    git(workspace, "init", "-q")
    copier.run_copy(
        str(template),
        str(workspace),
        data={**JOBS[STRIPE], "retention": 30},
        vcs_ref="1.0.0",
        defaults=True,
        unsafe=True,
        quiet=True,
    )
    # the migration did not run on the copy: the answer is recorded under its old key
    answers = load_yaml(workspace / STRIPE)
    assert (answers["_commit"], answers["retention"]) == ("1.0.0", 30)
    assert "retention_days" not in answers
    assert load_yaml(workspace / STRIPE_ASSET)["compliance"]["retention_days"] == 30
    commit(workspace, "job at 1.0.0")

    update(workspace, STRIPE, vcs_ref="2.0.0")

    answers = load_yaml(workspace / STRIPE)
    assert (answers["_commit"], answers["retention_days"]) == ("2.0.0", 30)
    assert "retention" not in answers
    assert load_yaml(workspace / STRIPE_ASSET)["compliance"]["retention_days"] == 30


def test_recopy_rebuilds_the_workspace_from_its_answers_files(three_jobs):
    before = snapshot(three_jobs)
    for generated in ("assets", "jobs"):
        shutil.rmtree(three_jobs / generated)

    up_to_date = run_cli("check-update", "-a", HUBSPOT, "--output-format", "json", str(three_jobs))
    assert up_to_date.returncode == 0, up_to_date.stderr
    assert yaml.safe_load(up_to_date.stdout)["update_available"] is False
    for answers_file in JOBS:
        copier.run_recopy(
            str(three_jobs), answers_file=answers_file, defaults=True, overwrite=True, unsafe=True, quiet=True
        )

    assert snapshot(three_jobs) == before
