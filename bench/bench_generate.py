"""Benchmark: how much slower dativo-gen's spec scenario is than a bare Copier template.

It times, as subprocesses with the `copier` script of this interpreter's environment:

  scenario  copier copy --trust --defaults --quiet --vcs-ref HEAD
                --data-file examples/stripe_customers.yml <this repo> <fresh dst>
  baseline  copier copy --defaults --quiet --vcs-ref HEAD --data name=x <bare template> <fresh dst>

The bare template is built in a temporary directory: a git repo with one str question
and one file rendering it. Both commands pay the same fixed costs (interpreter start-up,
importing Copier, cloning a local repo), so the ratio scenario/baseline shows the
overhead of the registry extension, the questions and the place_files.py task.

The scenario runs against a packed single-branch clone of this repo's HEAD, as a
user's copy of the published template is: Copier clones the template on every run, and
that clone would otherwise cost more here with every loose object and branch of a
working repository. Uncommitted changes are therefore not measured.

After 2 warm-up rounds, the commands run alternately (baseline, scenario, ...) for
--rounds rounds, each into a fresh destination; time.perf_counter brackets each run.
The target is a median per-round ratio of at most 1.5x; the exit code is 0 either way.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIER = Path(sys.executable).parent / "copier"
DATA_FILE = ROOT / "examples" / "stripe_customers.yml"
TARGET_RATIO = 1.5
WARMUP_ROUNDS = 2
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]


def run_checked(command: list[str], cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"command failed (exit {result.returncode}): {' '.join(command)}\n{result.stderr}")
    return result


def make_baseline_template(folder: Path) -> Path:
    """A git repo with `_subdirectory: template`, one str question and one template file."""
    (folder / "template").mkdir(parents=True)
    (folder / "copier.yml").write_text("_subdirectory: template\nname:\n  type: str\n  default: world\n")
    (folder / "template" / "hello.txt.jinja").write_text("Hello {{ name }}!\n")
    run_checked([*GIT, "init", "--quiet"], folder)
    run_checked([*GIT, "add", "-A"], folder)
    run_checked([*GIT, "commit", "--quiet", "-m", "baseline template"], folder)
    return folder


def make_published_template(folder: Path) -> Path:
    """This repo's HEAD as a packed, single-branch clone."""
    run_checked([*GIT, "clone", "--quiet", "--no-local", "--single-branch", str(ROOT), str(folder)], ROOT)
    return folder


def commands(baseline_template: Path, template: Path) -> dict[str, list[str]]:
    """The copier command of each case, without its destination."""
    common = [str(COPIER), "copy", "--defaults", "--quiet", "--vcs-ref", "HEAD"]
    return {
        "baseline": [*common, "--data", "name=x", str(baseline_template)],
        "scenario": [*common, "--trust", "--data-file", str(DATA_FILE), str(template)],
    }


def time_copy(command: list[str], dst: Path) -> float:
    start = time.perf_counter()
    run_checked([*command, str(dst)], dst.parent)
    return time.perf_counter() - start


def time_rounds(cases: dict[str, list[str]], rounds: int, workdir: Path) -> dict[str, list[float]]:
    """Run the cases alternately; return the timings of the counted rounds per case."""
    timings: dict[str, list[float]] = {name: [] for name in cases}
    for index in range(WARMUP_ROUNDS + rounds):
        for name, command in cases.items():
            elapsed = time_copy(command, workdir / f"{name}-{index}")
            if index >= WARMUP_ROUNDS:
                timings[name].append(elapsed)
    return timings


def print_timings(timings: dict[str, list[float]]) -> None:
    print(f"{'':10} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in timings.items():
        print(f"{name:10} {statistics.median(values):7.3f}s {min(values):7.3f}s {max(values):7.3f}s")


def report(timings: dict[str, list[float]]) -> None:
    print_timings(timings)
    base, scen = timings["baseline"], timings["scenario"]
    per_round = statistics.median(s / b for s, b in zip(scen, base, strict=True))
    of_medians = statistics.median(scen) / statistics.median(base)
    print(f"median of per-round ratios: {per_round:.2f}x, ratio of medians: {of_medians:.2f}x")
    verdict = "OK" if per_round <= TARGET_RATIO else "OVER TARGET"
    print(f"ratio {per_round:.2f}x (target <= {TARGET_RATIO:.2f}x): {verdict}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="counted rounds (default 15)")
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    dirty = bool(run_checked(["git", "status", "--porcelain"], ROOT).stdout.strip())
    print(
        f"copier {importlib.metadata.version('copier')}, {os.cpu_count()} CPUs, "
        f"{args.rounds} rounds after {WARMUP_ROUNDS} warm-up rounds"
    )
    if dirty:
        print("note: uncommitted changes are not measured; the scenario uses the committed HEAD")
    with tempfile.TemporaryDirectory(prefix="dativo-bench-") as tmp:
        workdir = Path(tmp)
        baseline_template = make_baseline_template(workdir / "baseline-template")
        template = make_published_template(workdir / "template")
        timings = time_rounds(commands(baseline_template, template), args.rounds, workdir)
    report(timings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
