"""Benchmark: how much slower dativo-gen's spec scenario is than a bare Copier template.

It times, as subprocesses with the `copier` script of this interpreter's environment:

  scenario  copier copy --trust --defaults --quiet --vcs-ref HEAD
                --data-file examples/stripe_customers.yml <this repo> <fresh dst>
  baseline  copier copy --defaults --quiet --vcs-ref HEAD --data name=x <bare template> <fresh dst>

The bare template is built in a temporary directory: a git repo with one str question
and one file rendering it. Both commands pay the same fixed costs (interpreter start-up,
importing Copier, cloning a local repo), so the ratio scenario/baseline shows the
overhead of the registry extension, the questions and the place_files.py task.

A third case, floor, is what Copier itself costs for this template's shape: the same
repository and the same questions, each reduced to its type, its help text and the
scenario's answer as a static default, with no extension, validator, condition, task or
migration and one rendered file (make_floor_template). floor/baseline is the part of
the ratio that no code of ours can remove; scenario/floor is ours.

The scenario runs against a packed single-branch clone of this repo's HEAD, as a
user's copy of the published template is: Copier clones the template on every run, and
that clone would otherwise cost more here with every loose object and branch of a
working repository. Uncommitted changes are therefore not measured.

Both templates are given to Copier as it is given a published one (--source url, the
default): as a `git+file://` URL, which Copier 9.19 treats like `gh:org/dativo-gen`. It
keeps a mirror of the repository in its user cache and checks out a worktree of it on
each run (copier/_vcs.py, _clone_via_cache). `--source path` gives the plain folder
instead, which Copier clones with `--filter=blob:none` on every run and then fetches
each file's content lazily at checkout: a way of using a template in development.

Both cases are measured twice, each run with its own user cache folder
(XDG_CACHE_HOME; DATIVO_GEN_CACHE_DIR and COPIER_CACHE_DIR are removed from the
environment, so dativo-gen and Copier both cache there), never the user's own:

  warm  one cache folder for all runs, filled by 2 warm-up rounds: every run after the
        first of a template version.
  cold  a new, empty cache folder for every run, no warm-up: the first run after
        installing or upgrading the template. Nothing else is cold: the interpreter's
        and the installed packages' compiled files and the operating system's file
        cache stay as they are, as they are for a user who has run any Copier command.

In each, the commands run alternately (baseline, scenario, ...) for --rounds rounds,
each into a fresh destination; time.perf_counter brackets each run. The targets are a
median per-round ratio of at most 1.2x warm and 1.35x cold; the exit code is 0 either way.
The CPU time of each run (user + system of Copier and every process it starts) is printed
too: on a machine busy with other work it moves far less than wall time.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COPIER = Path(sys.executable).parent / "copier"
DATA_FILE = ROOT / "examples" / "stripe_customers.yml"
TARGETS = {"warm": 1.2, "cold": 1.35}
WARMUP_ROUNDS = 2
GIT = ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false"]


def rounds_parser(doc: str, rounds: int, what: str = "counted rounds") -> argparse.ArgumentParser:
    """The command line every benchmark takes: --rounds, checked by parse_rounds."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=rounds, help=f"{what} (default {rounds})")
    return parser


def parse_rounds(parser: argparse.ArgumentParser) -> argparse.Namespace:
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def machine(details: str) -> str:
    """The first line of every benchmark's report: what ran where."""
    return f"copier {importlib.metadata.version('copier')}, {os.cpu_count()} CPUs, {details}"


def verdict(ratio: float, target: float) -> str:
    return "OK" if ratio <= target else "OVER TARGET"


def run_checked(command: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env=env)
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


def make_floor_template(published: Path, folder: Path, answers: dict) -> Path:
    """The published clone with its questions made static and one rendered file (see the module doc)."""
    import yaml  # Copier's dependency; only this case needs it

    run_checked([*GIT, "clone", "--quiet", "--no-local", str(published), str(folder)], published)
    config = yaml.safe_load((folder / "copier.yml").read_text())
    floor = {"_subdirectory": "template", "_answers_file": ".copier-answers.yml"}
    for key, question in config.items():
        if key.startswith("_"):
            continue
        static = {"type": question.get("type") if question.get("type") in ("int", "bool") else "str"}
        static["help"] = re.sub(r"\{\{.*?\}\}", "", str(question.get("help", "")))
        static["default"] = answers.get(key, "")
        if isinstance(question.get("choices"), (list, dict)):
            static["choices"] = question["choices"]
        floor[key] = static
    (folder / "copier.yml").write_text(yaml.safe_dump(floor, sort_keys=False))
    run_checked([*GIT, "rm", "-r", "--quiet", "template"], folder)
    (folder / "template").mkdir()
    (folder / "template" / "tenant.txt.jinja").write_text("{{ tenant_id }}\n")
    (folder / "template" / "{{ _copier_conf.answers_file }}.jinja").write_text("{{ _copier_answers | to_nice_yaml }}")
    run_checked([*GIT, "add", "-A"], folder)
    run_checked([*GIT, "commit", "--quiet", "-m", "floor: the same questions, static"], folder)
    return folder


def scenario_answers(command: list[str], workdir: Path) -> dict:
    """The answers the scenario records, from one copy."""
    import yaml

    destination = workdir / "scenario-answers"
    run_checked([*command, str(destination)], workdir, cache_environment(workdir / "answers-cache"))
    (answers_file,) = (destination / ".copier-answers").glob("*/*.yml")
    return yaml.safe_load(answers_file.read_text())


def template_source(folder: Path, source: str) -> str:
    """How Copier is given the template: a URL, as a published template, or the folder."""
    return f"git+{folder.as_uri()}" if source == "url" else str(folder)


def commands(
    baseline_template: Path, template: Path, source: str = "url", floor_template: Path | None = None
) -> dict[str, list[str]]:
    """The copier command of each case, without its destination."""
    common = [str(COPIER), "copy", "--defaults", "--quiet", "--vcs-ref", "HEAD"]
    cases = {
        "baseline": [*common, "--data", "name=x", template_source(baseline_template, source)],
        "scenario": [*common, "--trust", "--data-file", str(DATA_FILE), template_source(template, source)],
    }
    if floor_template:
        cases["floor"] = [*common, template_source(floor_template, source)]
    return cases


def cache_environment(cache_dir: Path) -> dict[str, str]:
    """The environment of a run whose user cache (dativo-gen's and Copier's) is cache_dir."""
    env = {key: value for key, value in os.environ.items() if key not in ("DATIVO_GEN_CACHE_DIR", "COPIER_CACHE_DIR")}
    return {**env, "XDG_CACHE_HOME": str(cache_dir)}


def time_copy(command: list[str], dst: Path, env: dict[str, str] | None = None) -> float:
    start = time.perf_counter()
    run_checked([*command, str(dst)], dst.parent, env)
    return time.perf_counter() - start


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_rounds(
    cases: dict[str, list[str]],
    rounds: int,
    workdir: Path,
    cache: str = "warm",
    cpu: dict[str, list[float]] | None = None,
) -> dict[str, list[float]]:
    """Run the cases alternately; return the timings of the counted rounds per case.

    cache "warm": one cache folder, warmed up first; "cold": an empty one for every run.
    cpu, when given, gets each counted run's CPU time (user + system, Copier and the
    processes it starts), which other work on the machine changes far less than wall time.
    """
    timings: dict[str, list[float]] = {name: [] for name in cases}
    warmup = WARMUP_ROUNDS if cache == "warm" else 0
    for index in range(warmup + rounds):
        for name, command in cases.items():
            cache_dir = workdir / (f"{cache}-cache-{name}-{index}" if cache == "cold" else "warm-cache")
            cache_dir.mkdir(exist_ok=True)
            cpu_before = children_cpu()
            elapsed = time_copy(command, workdir / f"{cache}-{name}-{index}", cache_environment(cache_dir))
            if index >= warmup:
                timings[name].append(elapsed)
                if cpu is not None:
                    cpu.setdefault(name, []).append(children_cpu() - cpu_before)
    return timings


def print_timings(timings: dict[str, list[float]]) -> None:
    print(f"{'':10} {'median':>8} {'min':>8} {'max':>8}")
    for name, values in timings.items():
        print(f"{name:10} {statistics.median(values):7.3f}s {min(values):7.3f}s {max(values):7.3f}s")


def per_round_ratios(timings: dict[str, list[float]], case: str = "scenario", base: str = "baseline") -> list[float]:
    return [s / b for s, b in zip(timings[case], timings[base], strict=True)]


def report(timings: dict[str, list[float]], cache: str = "warm", cpu: dict[str, list[float]] | None = None) -> None:
    print(f"{cache} cache:")
    print_timings(timings)
    ratios = per_round_ratios(timings)
    per_round = statistics.median(ratios)
    of_medians = statistics.median(timings["scenario"]) / statistics.median(timings["baseline"])
    print(
        f"median of per-round ratios: {per_round:.2f}x (min {min(ratios):.2f}x, max {max(ratios):.2f}x), "
        f"ratio of medians: {of_medians:.2f}x"
    )
    if cpu:
        cpu_ratios = per_round_ratios(cpu)
        print(
            f"CPU time, median of per-round ratios: {statistics.median(cpu_ratios):.2f}x "
            f"(baseline {statistics.median(cpu['baseline']):.3f}s, scenario {statistics.median(cpu['scenario']):.3f}s)"
        )
    if "floor" in timings:
        for what, measured in (("wall", timings), ("CPU", cpu or {})):
            if measured:
                floor, ours = per_round_ratios(measured, "floor"), per_round_ratios(measured, "scenario", "floor")
                print(f"{what}: floor (Copier alone, these questions, this repository) / baseline {spread(floor, 'x')}")
                print(f"{what}: scenario / floor (dativo-gen's own code) {spread(ours, 'x')}")
    target = TARGETS[cache]
    print(f"{cache} ratio {per_round:.2f}x (target <= {target:.2f}x): {verdict(per_round, target)}")


def spread(values: list[float], unit: str = "s") -> str:
    """median (min-max)"""
    return f"{statistics.median(values):.3f}{unit} ({min(values):.3f}-{max(values):.3f})"


def paired_report(
    timings: dict[str, list[tuple[float, float]]], case: str, base: str, measures: tuple[str, str], headline: str
) -> float:
    """Print two measures per run (medians with min-max, per-round ratios case/base); return the headline's ratio."""
    print(f"{'':12} {measures[0] + ' median (min-max)':>30} {measures[1] + ' median (min-max)':>30}")
    for name, values in timings.items():
        print(f"{name:12} {spread([v[0] for v in values]):>30} {spread([v[1] for v in values]):>30}")
    ratios = {}
    for index, what in enumerate(measures):
        ratios[what] = [c[index] / b[index] for c, b in zip(timings[case], timings[base], strict=True)]
        print(f"{case} / {base}, {what}: {spread(ratios[what], 'x')}, median of per-round ratios")
    return statistics.median(ratios[headline])


def main() -> int:
    parser = rounds_parser(__doc__, 15, "counted rounds of each cache state")
    parser.add_argument("--cache", choices=("both", *TARGETS), default="both", help="cache states to measure")
    parser.add_argument(
        "--source",
        choices=("url", "path"),
        default="url",
        help="give Copier the templates as git+file:// URLs, as published templates (default), or as folders",
    )
    args = parse_rounds(parser)
    dirty = bool(run_checked(["git", "status", "--porcelain"], ROOT).stdout.strip())
    print(
        machine(
            f"{args.rounds} rounds per cache state, warm after {WARMUP_ROUNDS} warm-up rounds, "
            f"templates given as {'git+file:// URLs' if args.source == 'url' else 'folders'}"
        )
    )
    if dirty:
        print("note: uncommitted changes are not measured; the scenario uses the committed HEAD")
    with tempfile.TemporaryDirectory(prefix="dativo-bench-") as tmp:
        workdir = Path(tmp)
        baseline_template = make_baseline_template(workdir / "baseline-template")
        template = make_published_template(workdir / "template")
        answers = scenario_answers(commands(baseline_template, template, args.source)["scenario"], workdir)
        floor_template = make_floor_template(template, workdir / "floor-template", answers)
        for cache in TARGETS if args.cache == "both" else (args.cache,):
            cpu: dict[str, list[float]] = {}
            cases = commands(baseline_template, template, args.source, floor_template)
            report(time_rounds(cases, args.rounds, workdir, cache, cpu), cache, cpu)
    return 0


if __name__ == "__main__":
    sys.exit(main())
