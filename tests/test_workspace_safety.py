"""Faults lose nothing and write nowhere else: symlinks, refused updates, killed and parallel runs.

Every test runs the real `copier copy` / `copier update` command line in a subprocess (the
faults are signals and concurrent processes) on a committed git workspace, and compares
the files byte for byte.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from conftest import COPIER, EXAMPLE_ANSWERS, copy_template, generate, git, load_yaml, snapshot

STRIPE = ".copier-answers/mycompany/stripe_customers_to_iceberg.yml"
STRIPE_ASSET = "assets/stripe/v1.0/stripe_customers.yaml"
STRIPE_JOB = "jobs/mycompany/stripe_customers_to_iceberg.yaml"
EXAMPLE = yaml.safe_load(EXAMPLE_ANSWERS.read_text())
DATA_FILES = Path(os.environ.get("TMPDIR", "/tmp")) / f"dativo-gen-safety-{os.getpid()}"
SCRATCH_FILES = (".dativo-gen/staging/", ".dativo-gen/locks/", ".dativo-gen/journal/")
# A place_files.py that waits when it runs in the folder named by this variable: the moment staging exists.
PAUSE = "DATIVO_GEN_TEST_PAUSE_IN"


def copier(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(COPIER), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=180,
        stdin=subprocess.DEVNULL,
        env={**os.environ, **(env or {})},
    )


def update(workspace: Path, *data: str, answers_file: str = STRIPE) -> subprocess.CompletedProcess[str]:
    flags = data_flags(data)
    return copier("update", "--trust", "--defaults", "-a", answers_file, *flags, ".", cwd=workspace)


def data_flags(data: tuple[str, ...] | list[str]) -> list[str]:
    """--data KEY=VALUE, or --data-file PATH for an item '@PATH'."""
    return [part for item in data for part in (("--data-file", item[1:]) if item.startswith("@") else ("--data", item))]


def copy(template: Path, workspace: Path, *data: str, overwrite: bool = False) -> subprocess.CompletedProcess[str]:
    flags = data_flags(data) + (["--overwrite"] if overwrite else [])
    return copier("copy", "--trust", "--defaults", "--vcs-ref", "HEAD", *flags, str(template), ".", cwd=workspace)


def example_data(**changes: object) -> list[str]:
    """--data-file flags with the spec session's answers, changed as given."""
    answers = {**EXAMPLE, **changes}
    path = DATA_FILES / f"{abs(hash(yaml.safe_dump(answers)))}.yml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(answers))
    return [f"@{path}"]


def assert_refused_in_one_line(result: subprocess.CompletedProcess[str], *names: str) -> str:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("dativo-gen:")]
    assert len(lines) == 1, result.stderr
    for name in names:
        assert name in lines[0]
    return lines[0]


def commit(workspace: Path, message: str = "jobs") -> None:
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", message)


def clean(workspace: Path) -> bool:
    return git(workspace, "status", "--porcelain") == ""


@pytest.fixture(scope="module")
def one_job_once(committed_template, tmp_path_factory) -> Path:
    workspace = tmp_path_factory.mktemp("one-job") / "workspace"
    workspace.mkdir()
    git(workspace, "init", "-q")
    generate(workspace, EXAMPLE, committed_template)
    commit(workspace)
    return workspace


@pytest.fixture
def one_job(one_job_once, tmp_path) -> Path:
    """A committed workspace holding the spec session's job, and an `outside` folder beside it."""
    (tmp_path / "outside").mkdir()
    return Path(shutil.copytree(one_job_once, tmp_path / "workspace", symlinks=True))


def move_outside(workspace: Path, folder: str) -> Path:
    """Move a folder of the workspace outside and leave a symlink to it, committed."""
    outside = workspace.parent / "outside" / Path(folder).name
    shutil.move(workspace / folder, outside)
    (workspace / folder).symlink_to(os.path.relpath(outside, (workspace / folder).parent))
    commit(workspace, "a folder that lives elsewhere")
    return outside


# --- symlinks -----------------------------------------------------------------------------------


def test_a_copy_through_a_symlinked_assets_folder_writes_nothing_outside(committed_template, tmp_path):
    workspace, outside = tmp_path / "workspace", tmp_path / "outside"
    outside.mkdir()
    workspace.mkdir()
    (workspace / "assets").symlink_to(outside)

    result = copy(committed_template, workspace, *example_data())

    assert_refused_in_one_line(result, STRIPE_ASSET, "outside the workspace")
    assert list(outside.iterdir()) == []
    assert sorted(path.name for path in workspace.iterdir()) == ["assets"]


@pytest.mark.parametrize("overwrite", [False, True], ids=["update", "copy --overwrite"])
def test_a_symlinked_jobs_folder_is_not_written_through(one_job, overwrite, committed_template):
    outside = move_outside(one_job, "jobs/mycompany")
    before, outside_before = snapshot(one_job), snapshot(outside)

    if overwrite:
        result = copy(committed_template, one_job, *example_data(retention_days=60), overwrite=True)
    else:
        result = update(one_job, "retention_days=60")

    assert_refused_in_one_line(result, STRIPE_JOB)
    assert (snapshot(one_job), snapshot(outside)) == (before, outside_before)
    assert clean(one_job)


def test_renaming_a_tenant_into_symlinked_folders_moves_nothing_out(one_job):
    for folder in (".copier-answers/other", "jobs/other"):
        target = one_job.parent / "outside" / folder.replace("/", "_")
        target.mkdir()
        (one_job / folder).symlink_to(os.path.relpath(target, (one_job / folder).parent))
    commit(one_job, "links")
    before = snapshot(one_job)

    result = update(one_job, "tenant_id=other")

    assert_refused_in_one_line(result, ".copier-answers/other/stripe_customers_to_iceberg.yml", "jobs/other/")
    assert snapshot(one_job) == before
    assert [path for path in (one_job.parent / "outside").rglob("*") if path.is_file()] == []
    assert clean(one_job)


@pytest.mark.parametrize("linked", [STRIPE_JOB, STRIPE], ids=["job file", "answers file"])
def test_an_update_of_a_job_whose_committed_file_is_a_symlink_is_refused_before_anything_changes(one_job, linked):
    real = one_job.parent / "outside" / Path(linked).name
    shutil.move(one_job / linked, real)
    (one_job / linked).symlink_to(real)
    commit(one_job, "a linked file")
    before, real_before = snapshot(one_job), real.read_bytes()

    result = update(one_job, "retention_days=60")

    assert_refused_in_one_line(result, linked, "is a symlink")
    assert (snapshot(one_job), real.read_bytes()) == (before, real_before)
    assert clean(one_job)


# --- refused updates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (["tenant_id=a/b"], "tenant_id: 'a/b' is not a valid name"),
        (["retention_days=0", "asset_version=1.1"], "retention_days: 0 is not from 1 to 36500"),
    ],
)
def test_a_refused_update_leaves_the_workspace_byte_identical(one_job, data, message):
    before = snapshot(one_job)

    result = update(one_job, *data)

    assert_refused_in_one_line(result, message)
    assert snapshot(one_job) == before
    assert clean(one_job)
    assert update(one_job, "retention_days=60").returncode == 0  # and the retry works


# --- killed, terminated and interrupted runs ----------------------------------------------------


@pytest.fixture(scope="module")
def pausing_template(tmp_path_factory) -> Path:
    """The template, committed, with a placement task that waits where PAUSE says: staging exists then."""
    template = copy_template(tmp_path_factory.mktemp("pausing") / "template")
    hook = template / "hooks" / "place_files.py"
    text = hook.read_text()
    pause = (
        "    if os.environ.get('DATIVO_GEN_TEST_PAUSE_IN') == os.path.realpath('.'):\n"
        "        __import__('time').sleep(120)\n"
    )
    hook.write_text(text.replace("    args = parse_options(", pause + "    args = parse_options(", 1))
    git(template, "init", "-q")
    commit(template, "template that pauses")
    return template


def start_paused(args: list[str], workspace: Path) -> subprocess.Popen[str]:
    """A Copier run in its own process group, returned once its files are staged in the workspace."""
    process = subprocess.Popen(
        [str(COPIER), *args],
        cwd=workspace,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
        env={**os.environ, PAUSE: os.path.realpath(workspace)},
    )
    deadline = time.monotonic() + 120
    while not list((workspace / ".dativo-gen" / "staging").glob("*/staged")):
        assert process.poll() is None, process.stderr.read()
        assert time.monotonic() < deadline, "the run never staged its files"
        time.sleep(0.05)
    return process


@pytest.fixture
def paused_workspace(pausing_template, tmp_path) -> Path:
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    git(workspace, "init", "-q")
    generate(workspace, EXAMPLE, pausing_template)
    commit(workspace)
    return workspace


def test_a_killed_copy_leaves_nothing_that_stops_or_fools_the_next_copy_and_update(paused_workspace, pausing_template):
    before = snapshot(paused_workspace)
    killed = start_paused(
        ["copy", "--trust", "--defaults", "--vcs-ref", "HEAD",
         *data_flags(example_data(log_level="DEBUG", asset_name="orders")), str(pausing_template), "."],
        paused_workspace,
    )  # fmt: skip
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()

    # What the dead run left (staging, lock, journal) is git-ignored scratch: nothing makes an update refuse.
    assert clean(paused_workspace)
    assert {name for name in snapshot(paused_workspace) if not name.startswith(SCRATCH_FILES)} == set(before)

    again = copy(pausing_template, paused_workspace, *example_data(asset_name="orders"))
    assert again.returncode == 0, again.stderr
    answers_file = ".copier-answers/mycompany/orders_to_iceberg.yml"
    answers = load_yaml(paused_workspace / answers_file)
    job = load_yaml(paused_workspace / "jobs/mycompany/orders_to_iceberg.yaml")
    assert answers["log_level"] == job["logging"]["level"] == "INFO"  # not the dead run's DEBUG
    assert not [name for name in snapshot(paused_workspace) if name.startswith(SCRATCH_FILES)]
    commit(paused_workspace, "orders")

    updated = update(paused_workspace, "retention_days=60", answers_file=answers_file)
    assert updated.returncode == 0, updated.stderr
    assert load_yaml(paused_workspace / "assets/stripe/v1.0/orders.yaml")["compliance"]["retention_days"] == 60


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_terminated_or_interrupted_update_leaves_no_trace(paused_workspace, signum):
    before = snapshot(paused_workspace)
    # asset_version makes the forget migration edit the answers file before the files are staged.
    process = start_paused(
        ["update", "--trust", "--defaults", "-a", STRIPE, "--data", "asset_version=1.1", "."], paused_workspace
    )

    process.send_signal(signum)  # to Copier only, as `kill PID` does
    _, stderr = process.communicate(timeout=60)

    assert process.returncode != 0
    assert "Traceback" not in stderr
    assert snapshot(paused_workspace) == before
    assert clean(paused_workspace)


# --- parallel runs ------------------------------------------------------------------------------


def in_parallel(runs: list) -> list[subprocess.CompletedProcess[str]]:
    with ThreadPoolExecutor(len(runs)) as pool:
        return list(pool.map(lambda run: run(), runs))


def assert_job_agrees(workspace: Path, answers_file: str) -> dict:
    """The answers file, the asset and the job come from the same run."""
    answers = load_yaml(workspace / answers_file)
    asset = load_yaml(workspace / answers["assets_dir"] / f"{answers['asset_name']}.yaml")
    job = load_yaml(workspace / answers["jobs_dir"] / f"{answers['job_name']}.yaml")
    assert asset["compliance"]["retention_days"] == answers["retention_days"]
    assert job["logging"]["level"] == answers["log_level"]
    return answers


@pytest.mark.parametrize("overwrite", [False, True], ids=["copy", "copy --overwrite"])
def test_four_parallel_copies_of_one_job_end_cleanly_and_agree(committed_template, tmp_path, overwrite):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    levels = ["DEBUG", "INFO", "WARNING", "ERROR"]
    runs = [
        lambda i=i: copy(
            committed_template,
            workspace,
            *example_data(retention_days=10 + i, log_level=levels[i]),
            overwrite=overwrite,
        )
        for i in range(4)
    ]

    results = in_parallel(runs)

    succeeded = [result for result in results if result.returncode == 0]
    for result in results:
        assert "Traceback" not in result.stderr
        if result.returncode:
            assert_refused_in_one_line(result, "already exist with different content")
    assert len(succeeded) == (4 if overwrite else 1)
    assert_job_agrees(workspace, STRIPE)
    assert not (workspace / ".dativo-gen" / "locks").exists()


def test_eight_parallel_copies_of_different_jobs_all_succeed(committed_template, tmp_path):
    workspace = tmp_path / "workspace"
    workspace.mkdir()
    runs = [
        lambda i=i: copy(committed_template, workspace, *example_data(asset_name=f"table{i}", retention_days=10 + i))
        for i in range(8)
    ]

    results = in_parallel(runs)

    assert [result.returncode for result in results] == [0] * 8, [r.stderr for r in results if r.returncode]
    for i in range(8):
        answers = assert_job_agrees(workspace, f".copier-answers/mycompany/table{i}_to_iceberg.yml")
        assert answers["retention_days"] == 10 + i


def update_while_locked(workspace: Path, job: str, *data: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """An update while another process holds the lock of job (tenant-job), with a 1 s deadline; and its wait."""
    lock = workspace / ".dativo-gen" / "locks" / f"{job}.lock"
    lock.parent.mkdir(parents=True)
    with lock.open("ab") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        started = time.monotonic()
        result = copier(
            "update", "--trust", "--defaults", "-a", STRIPE, *data_flags(data), ".",
            cwd=workspace, env={"DATIVO_GEN_LOCK_TIMEOUT": "1"},
        )  # fmt: skip
        waited = time.monotonic() - started
    lock.unlink()
    for folder in (lock.parent, lock.parent.parent / "journal"):
        if folder.exists():
            folder.rmdir()
    return result, waited


def test_a_run_waits_for_the_job_at_most_its_deadline_and_writes_nothing(one_job):
    before = snapshot(one_job)

    result, waited = update_while_locked(one_job, "mycompany-stripe_customers_to_iceberg", "retention_days=60")

    assert_refused_in_one_line(result, "another run is writing job mycompany/stripe_customers_to_iceberg")
    assert waited < 30
    assert snapshot(one_job) == before
    assert clean(one_job)


def test_an_update_that_renames_its_job_waits_for_the_new_name_too(one_job):
    """A rename writes the new name's files: a run writing that job keeps the update out."""
    before = snapshot(one_job)

    result, _ = update_while_locked(one_job, "mycompany-customers_lake", "job_name=customers_lake")

    assert_refused_in_one_line(result, "another run is writing job mycompany/customers_lake")
    assert snapshot(one_job) == before
    assert clean(one_job)
    assert update(one_job, "job_name=customers_lake").returncode == 0  # free again: the rename goes through
    assert (one_job / "jobs" / "mycompany" / "customers_lake.yaml").is_file()


def test_two_concurrent_updates_leave_no_moved_asset_behind(one_job, committed_template):
    generate(one_job, {"source_connector": "hubspot", "target_connector": "iceberg"}, committed_template)
    commit(one_job, "second job")
    hubspot = ".copier-answers/acme/hubspot_contacts_to_iceberg.yml"

    moving = lambda: update(one_job, "asset_version=1.1")  # noqa: E731
    other = lambda: update(one_job, "retention_days=77", answers_file=hubspot)  # noqa: E731
    results = in_parallel([moving, other])

    refusals = ("Destination repository is dirty", "another run changed this workspace while this update waited")
    assert sorted(result.returncode for result in results) in ([0, 0], [0, 1])
    for result in results:
        assert result.returncode == 0 or any(refusal in result.stderr for refusal in refusals), result.stderr
    if results[0].returncode:  # the other update came first: the moving one runs again once it is committed
        commit(one_job, "hubspot update")
        assert update(one_job, "asset_version=1.1").returncode == 0
    assert not (one_job / STRIPE_ASSET).exists()
    assert (one_job / "assets/stripe/v1.1/stripe_customers.yaml").is_file()


# --- a read-only folder, a full disk --------------------------------------------------------------


@contextlib.contextmanager
def immutable(folder: Path) -> Iterator[None]:
    """A folder nobody can write in, root included (chmod does not stop root)."""
    if subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False).returncode:
        pytest.skip("chattr +i is not available here (it needs root on ext4)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


@pytest.fixture
def small_disk(tmp_path) -> Iterator[Path]:
    """A 4 MiB file system of its own, so that filling it touches nothing else."""
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (it needs root)")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def fill(disk: Path, leave_kib: int) -> Path:
    filler = disk / "filler"
    stats = os.statvfs(disk)
    with filler.open("wb") as out:
        out.write(bytes(stats.f_bavail * stats.f_frsize - leave_kib * 1024))
    return filler


def test_an_update_into_a_read_only_folder_ends_in_one_line_and_leaves_no_trace(one_job):
    before = snapshot(one_job)

    with immutable(one_job / "jobs" / "mycompany"):
        result = update(one_job, "log_level=DEBUG", "retention_days=45")

    assert_refused_in_one_line(result, "cannot place the generated files", STRIPE_JOB)
    assert snapshot(one_job) == before  # the asset, placed before the job failed, is put back
    assert clean(one_job)
    assert update(one_job, "log_level=DEBUG").returncode == 0  # and the retry works


def test_an_update_on_a_full_disk_ends_in_one_line_and_leaves_no_trace(one_job, small_disk):
    workspace = Path(shutil.copytree(one_job, small_disk / "workspace", symlinks=True))
    before = snapshot(workspace)
    filler = fill(small_disk, leave_kib=8)

    result = update(workspace, "log_level=DEBUG", "retention_days=45")

    filler.unlink()
    assert_refused_in_one_line(result, "No space left on device")
    assert snapshot(workspace) == before
    assert clean(workspace)
    assert update(workspace, "log_level=DEBUG").returncode == 0
