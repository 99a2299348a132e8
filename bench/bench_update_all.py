"""Benchmark: `make update-all` on a 20-job workspace, against 20 separate `copier update` commands.

It times, on a workspace of 20 jobs (bench_update.py's mix of tenants, sources, targets):

  update-all  python hooks/update_all.py <workspace> --vcs-ref HEAD --data retention_days=N
                  (every job updated in one process, each committed, the report printed)
  separate    copier update --trust --defaults --quiet --vcs-ref HEAD -a <answers file>
                  --data retention_days=N <workspace>, once per job; only these 20 commands
                  are timed, not the commit after each that lets the next one start

Both run from a packed single-branch clone of this repo's HEAD, update_all.py included,
as a user's copy of the published template is (uncommitted changes are not measured).
Each round runs both, N changing every time so that every job is really updated, and puts
the workspace back to its first commit afterwards. The jobs were copied just before, so
the caches are warm. Wall time is the figure (target <= 0.5x); CPU time (user and system,
of the processes and their children) is printed too, as it varies less with the load of
the machine. No target is enforced: medians with min-max, median per-round ratios.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from bench_generate import (
    COPIER,
    GIT,
    machine,
    make_published_template,
    paired_report,
    parse_rounds,
    rounds_parser,
    run_checked,
    verdict,
)
from bench_update import JOB_COUNT, VCS_REF, job_answers, make_workspace

TARGET_RATIO = 0.5


def reset(workspace: Path, base: str) -> None:
    run_checked(["git", "reset", "--quiet", "--hard", base], workspace)
    run_checked(["git", "clean", "-fdq"], workspace)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], cwd: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of one command, its children's CPU (user and system) included."""
    cpu, start = children_cpu(), time.perf_counter()
    run_checked(command, cwd)
    return time.perf_counter() - start, children_cpu() - cpu


def time_update_all(template: Path, workspace: Path, value: int) -> tuple[float, float]:
    command = [sys.executable, str(template / "hooks" / "update_all.py"), str(workspace), *VCS_REF]
    return timed([*command, "--data", f"retention_days={value}"], workspace)


def time_separate(workspace: Path, value: int) -> tuple[float, float]:
    wall = cpu = 0.0
    for index in range(JOB_COUNT):
        answers_file, _ = job_answers(index)
        command = [str(COPIER), "update", "--trust", "--defaults", "--quiet", *VCS_REF, "-a", answers_file]
        job_wall, job_cpu = timed([*command, "--data", f"retention_days={value}", "."], workspace)
        wall, cpu = wall + job_wall, cpu + job_cpu
        run_checked([*GIT, "add", "-A"], workspace)
        run_checked([*GIT, "commit", "--quiet", "-m", f"update {answers_file}"], workspace)
    return wall, cpu


def report(timings: dict[str, list[tuple[float, float]]]) -> None:
    ratio = paired_report(timings, "update-all", "separate", ("wall", "CPU"), "wall")
    print(f"ratio {ratio:.2f}x wall (target <= {TARGET_RATIO:.2f}x): {verdict(ratio, TARGET_RATIO)}")


def main() -> int:
    args = parse_rounds(rounds_parser(__doc__, 3))
    print(machine(f"{args.rounds} rounds, {JOB_COUNT} jobs"))
    timings: dict[str, list[tuple[float, float]]] = {"update-all": [], "separate": []}
    with tempfile.TemporaryDirectory(prefix="dativo-bench-update-all-") as tmp:
        workdir = Path(tmp)
        template = make_published_template(workdir / "template")
        workspace = make_workspace(template, workdir / "workspace", list(range(JOB_COUNT)))
        base = run_checked(["git", "rev-parse", "HEAD"], workspace).stdout.strip()
        for index in range(args.rounds):
            timings["update-all"].append(time_update_all(template, workspace, 40 + 2 * index))
            reset(workspace, base)
            timings["separate"].append(time_separate(workspace, 41 + 2 * index))
            reset(workspace, base)
    report(timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
