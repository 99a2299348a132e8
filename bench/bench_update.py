"""Benchmark: `copier update` of one job in a 20-job workspace, against two baselines.

It times, as subprocesses with the `copier` script of this interpreter's environment:

  scenario   copier update --trust --defaults --quiet -a <one job's answers file>
                 --data retention_days=N <workspace of 20 jobs>
  one-job    the same command on a workspace holding only that job
  bare       copier update --defaults --quiet --data name=N <copy of a bare template>
  floor      copier update --defaults --quiet --data retention_days=N <copy of the floor>

The 20 jobs mix 4 tenants, 5 sources (API, database, files) and 4 targets. The template
is a packed single-branch clone of this repo's HEAD, as a user's copy of the published
template is (bench_generate.py's make_published_template; uncommitted changes are not
measured). The bare template is bench_generate.py's: one str question, one file, plus
its answers file. scenario/one-job shows what the other 19 jobs cost,
scenario/bare the overhead of dativo-gen over Copier's own update. The floor is
bench_generate.py's too (make_floor_template: this repository, the same questions made
static with the measured job's answers, nothing of ours), copied once: floor/bare is what
Copier itself costs to update a template of this shape, scenario/floor is ours.

Each round runs the four cases in turn, each changing its answer (N alternates), and
resets the workspace with git afterwards, so every run does the same work. After
1 warm-up round, --rounds rounds are counted; time.perf_counter brackets each run.
It prints the medians with min-max and the median per-round ratios (min-max); the target
is scenario/bare <= 1.6x, and the exit code is 0 either way.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml  # Copier's dependency
from bench_generate import (
    COPIER,
    GIT,
    machine,
    make_baseline_template,
    make_floor_template,
    make_published_template,
    parse_rounds,
    per_round_ratios,
    print_timings,
    rounds_parser,
    run_checked,
    spread,
    verdict,
)

WARMUP_ROUNDS = 1
TARGET_RATIO = 1.6
JOB_COUNT = 20
TENANTS = ("acme", "globex", "initech", "umbrella")
SOURCES = (
    ("stripe", ()),
    ("hubspot", ()),
    ("postgres", ()),
    ("mysql", ()),
    ("csv", ("--data", "fields=id:integer!, email, updated_at:timestamp")),
)
TARGETS = ("iceberg", "s3", "minio", "postgres")
MEASURED_JOB = 7
# Copy and update the commit checked out, as the tests do (a published template would take its newest tag).
VCS_REF = ("--vcs-ref", "HEAD")


def job_answers(index: int) -> tuple[str, list[str]]:
    """The answers file and the --data options of job number `index`."""
    tenant = TENANTS[index % len(TENANTS)]
    source, extra = SOURCES[index % len(SOURCES)]
    target = TARGETS[index // len(SOURCES) % len(TARGETS)]
    asset = f"{source}_data_{index}"
    data = ["--data", f"tenant_id={tenant}", "--data", f"source_connector={source}"]
    data += ["--data", f"asset_name={asset}", "--data", f"target_connector={target}", *extra]
    return f".copier-answers/{tenant}/{asset}_to_{target}.yml", data


def make_workspace(template: Path, folder: Path, jobs: list[int]) -> Path:
    folder.mkdir(parents=True)
    run_checked([*GIT, "init", "--quiet"], folder)
    for index in jobs:
        _, data = job_answers(index)
        copy = [str(COPIER), "copy", "--trust", "--defaults", "--quiet", *VCS_REF, *data, str(template), "."]
        run_checked(copy, folder)
    run_checked([*GIT, "add", "-A"], folder)
    run_checked([*GIT, "commit", "--quiet", "-m", "jobs"], folder)
    return folder


def make_bare_template(folder: Path) -> Path:
    """bench_generate.py's bare template, plus the answers file an update needs."""
    make_baseline_template(folder)
    (folder / "template" / "{{ _copier_conf.answers_file }}.jinja").write_text("{{ _copier_answers | to_nice_yaml }}")
    run_checked([*GIT, "add", "-A"], folder)
    run_checked([*GIT, "commit", "--quiet", "-m", "answers file"], folder)
    return folder


def make_bare_workspace(bare_template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    run_checked([*GIT, "init", "--quiet"], folder)
    run_checked([str(COPIER), "copy", "--defaults", "--quiet", *VCS_REF, str(bare_template), "."], folder)
    run_checked([*GIT, "add", "-A"], folder)
    run_checked([*GIT, "commit", "--quiet", "-m", "bare"], folder)
    return folder


def make_floor_of_job(template: Path, workspace: Path, answers_file: str, folder: Path) -> Path:
    """bench_generate.py's floor template, its static defaults the answers a job of workspace recorded."""
    return make_floor_template(template, folder, yaml.safe_load((workspace / answers_file).read_text()))


def time_update(command: list[str], workspace: Path) -> float:
    start = time.perf_counter()
    run_checked(command, workspace)
    elapsed = time.perf_counter() - start
    run_checked(["git", "reset", "--quiet", "--hard"], workspace)
    run_checked(["git", "clean", "-fdq"], workspace)
    return elapsed


def cases(template: Path, bare_template: Path, workdir: Path) -> dict[str, tuple[Path, list[str], str]]:
    """name -> (workspace, update command without --data, the answer it changes)."""
    answers_file, _ = job_answers(MEASURED_JOB)
    update = [str(COPIER), "update", "--trust", "--defaults", "--quiet", *VCS_REF, "-a", answers_file]
    one_job = make_workspace(template, workdir / "one", [MEASURED_JOB])
    floor = make_floor_of_job(template, one_job, answers_file, workdir / "floor-template")
    plain_update = [str(COPIER), "update", "--defaults", "--quiet", *VCS_REF]
    return {
        "scenario": (make_workspace(template, workdir / "twenty", list(range(JOB_COUNT))), update, "retention_days"),
        "one-job": (one_job, update, "retention_days"),
        "bare": (make_bare_workspace(bare_template, workdir / "bare"), plain_update, "name"),
        "floor": (make_bare_workspace(floor, workdir / "floor"), plain_update, "retention_days"),
    }


def time_rounds(runs: dict[str, tuple[Path, list[str], str]], rounds: int) -> dict[str, list[float]]:
    timings: dict[str, list[float]] = {name: [] for name in runs}
    for index in range(WARMUP_ROUNDS + rounds):
        for name, (workspace, command, key) in runs.items():
            elapsed = time_update([*command, "--data", f"{key}={40 + index}", "."], workspace)
            if index >= WARMUP_ROUNDS:
                timings[name].append(elapsed)
    return timings


def report(timings: dict[str, list[float]]) -> None:
    print_timings(timings)
    for case, baseline, what in (
        ("scenario", "one-job", ""),
        ("scenario", "bare", ""),
        ("floor", "bare", " (Copier alone, these questions, this repository)"),
        ("scenario", "floor", " (dativo-gen's own code)"),
    ):
        ratios = per_round_ratios(timings, case, baseline)
        print(f"{case} / {baseline}{what}: {spread(ratios, 'x')}, median of per-round ratios")
    ratio = statistics.median(per_round_ratios(timings, "scenario", "bare"))
    target = f"target <= {TARGET_RATIO:.2f}x"
    print(f"ratio {ratio:.2f}x against the bare template ({target}): {verdict(ratio, TARGET_RATIO)}")


def main() -> int:
    args = parse_rounds(rounds_parser(__doc__, 7))
    print(machine(f"{args.rounds} rounds after {WARMUP_ROUNDS} warm-up round"))
    with tempfile.TemporaryDirectory(prefix="dativo-bench-update-") as tmp:
        workdir = Path(tmp)
        template = make_published_template(workdir / "template")
        bare_template = make_bare_template(workdir / "bare-template")
        timings = time_rounds(cases(template, bare_template, workdir), args.rounds)
    report(timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
