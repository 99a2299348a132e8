"""Benchmark: `make update-all` on a 20-job workspace, against 20 separate `copier update` commands.

It times, on a workspace of 20 jobs (bench_update.py's mix of tenants, sources, targets):

  update-all  python hooks/update_all.py <workspace> --vcs-ref HEAD --data retention_days=N
                  (every job updated in one process, each committed, the report printed)
  separate    copier update --trust --defaults --quiet --vcs-ref HEAD -a <answers file>
                  --data retention_days=N <workspace>, once per job; only these 20 commands
                  are timed, not the commit after each that lets the next one start

and, as a floor (what Copier alone costs for this template's shape), 20 updates of
bench_generate.py's floor template (this repository, the same questions made static,
nothing of ours), one job per workspace:

  floor-in-one    copier.run_update(...) for the 20 workspaces, in one Python process
  floor-separate  copier update --defaults --quiet --vcs-ref HEAD --data retention_days=N,
                      once per workspace

floor-in-one / separate is the least update-all / separate can be with Copier doing the
updates; floor-in-one / floor-separate is what one process saves Copier alone.

All run from a packed single-branch clone of this repo's HEAD, update_all.py included,
as a user's copy of the published template is (uncommitted changes are not measured).
Each round runs all four, N changing every time so that every job is really updated, and puts
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
    spread,
    verdict,
)
from bench_update import JOB_COUNT, VCS_REF, job_answers, make_bare_workspace, make_floor_of_job, make_workspace

TARGET_RATIO = 0.5
CASES = ("update-all", "separate", "floor-in-one", "floor-separate")


def reset(workspace: Path, base: str) -> None:
    run_checked(["git", "reset", "--quiet", "--hard", base], workspace)
    run_checked(["git", "clean", "-fdq"], workspace)


def reset_all(workspaces: list[Path]) -> None:
    for workspace in workspaces:
        reset(workspace, "HEAD")


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


def summed(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The (wall, CPU) seconds of several runs together."""
    return sum(wall for wall, _ in runs), sum(cpu for _, cpu in runs)


def time_separate(workspace: Path, value: int) -> tuple[float, float]:
    runs = []
    for index in range(JOB_COUNT):
        answers_file, _ = job_answers(index)
        command = [str(COPIER), "update", "--trust", "--defaults", "--quiet", *VCS_REF, "-a", answers_file]
        runs.append(timed([*command, "--data", f"retention_days={value}", "."], workspace))
        run_checked([*GIT, "add", "-A"], workspace)
        run_checked([*GIT, "commit", "--quiet", "-m", f"update {answers_file}"], workspace)
    return summed(runs)


# The floor's 20 updates in one process, as update_all.py runs Copier: argv is N, then the workspaces.
FLOOR_IN_ONE_PROCESS = """
import sys
import copier
for workspace in sys.argv[2:]:
    copier.run_update(workspace, data={"retention_days": int(sys.argv[1])}, defaults=True,
                      overwrite=True, quiet=True, vcs_ref="HEAD")
"""


def make_floor_workspaces(template: Path, workspace: Path, workdir: Path) -> list[Path]:
    floor = make_floor_of_job(template, workspace, job_answers(0)[0], workdir / "floor-template")
    return [make_bare_workspace(floor, workdir / f"floor-{index}") for index in range(JOB_COUNT)]


def time_floor_in_one(workspaces: list[Path], value: int) -> tuple[float, float]:
    command = [sys.executable, "-c", FLOOR_IN_ONE_PROCESS, str(value), *map(str, workspaces)]
    return timed(command, workspaces[0].parent)


def time_floor_separate(workspaces: list[Path], value: int) -> tuple[float, float]:
    command = [str(COPIER), "update", "--defaults", "--quiet", *VCS_REF, "--data", f"retention_days={value}", "."]
    return summed([timed(command, workspace) for workspace in workspaces])


def report(timings: dict[str, list[tuple[float, float]]]) -> None:
    ratio = paired_report(timings, "update-all", "separate", ("wall", "CPU"), "wall")
    for case, base in (("floor-in-one", "separate"), ("floor-in-one", "floor-separate")):
        ratios = [c[0] / b[0] for c, b in zip(timings[case], timings[base], strict=True)]
        print(f"{case} / {base}, wall: {spread(ratios, 'x')}, median of per-round ratios")
    print(f"ratio {ratio:.2f}x wall (target <= {TARGET_RATIO:.2f}x): {verdict(ratio, TARGET_RATIO)}")


def main() -> int:
    args = parse_rounds(rounds_parser(__doc__, 3))
    print(machine(f"{args.rounds} rounds, {JOB_COUNT} jobs"))
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in CASES}
    with tempfile.TemporaryDirectory(prefix="dativo-bench-update-all-") as tmp:
        workdir = Path(tmp)
        template = make_published_template(workdir / "template")
        workspace = make_workspace(template, workdir / "workspace", list(range(JOB_COUNT)))
        floors = make_floor_workspaces(template, workspace, workdir)
        base = run_checked(["git", "rev-parse", "HEAD"], workspace).stdout.strip()
        for index in range(args.rounds):
            timings["update-all"].append(time_update_all(template, workspace, 40 + 2 * index))
            reset(workspace, base)
            timings["separate"].append(time_separate(workspace, 41 + 2 * index))
            reset(workspace, base)
            timings["floor-in-one"].append(time_floor_in_one(floors, 40 + 2 * index))
            reset_all(floors)
            timings["floor-separate"].append(time_floor_separate(floors, 41 + 2 * index))
            reset_all(floors)
    report(timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
