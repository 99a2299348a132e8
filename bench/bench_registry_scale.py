"""Benchmark: the spec scenario with a registry of 2,000 connectors, against the shipped one.

It times, as subprocesses with the `copier` script of this interpreter's environment:

  shipped   copier copy --trust --defaults --quiet --vcs-ref HEAD
                --data-file examples/stripe_customers.yml <packed clone of HEAD> <fresh dst>
  scaled    the same command on a template whose registry holds --connectors connectors

The scaled template is the packed clone plus synthetic connectors: copies of the shipped
entries and recipes under new names (stripe_0001, postgres_0002, ...), each with its own
recipe (and its copy without the catalog where the original has one), committed and cloned
again, packed, so that Copier's clone costs what a published template's would.

The figure is user CPU (of the copier process and its children, from getrusage), the cost
that grows with the registry; wall time is printed too (checking out the 2,000 recipe files
is most of its growth). After 1 warm-up round the two cases alternate for --rounds rounds.
No target is enforced: it prints medians with min-max and the median per-round ratio.
"""

from __future__ import annotations

import copy
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml
from bench_generate import (
    COPIER,
    DATA_FILE,
    GIT,
    machine,
    make_published_template,
    paired_report,
    parse_rounds,
    rounds_parser,
    run_checked,
    verdict,
)

WARMUP_ROUNDS = 1
TARGET_RATIO = 1.3


def add_synthetic_connectors(template: Path, total: int) -> int:
    """Grow the template's registry to `total` connectors; returns how many were added."""
    registry_path = template / "registry" / "connectors.yaml"
    registry = yaml.safe_load(registry_path.read_text(encoding="utf-8"))
    shipped = dict(registry["connectors"])
    recipes = {name: yaml.safe_load((template / "connectors" / f"{name}.yaml").read_text()) for name in shipped}
    without_catalog = template / "connectors" / "without_catalog"
    originals = sorted(shipped)
    added = max(total - len(shipped), 0)
    for index in range(added):
        original = originals[index % len(originals)]
        name = f"{original}_{index + 1:04d}"
        registry["connectors"][name] = copy.deepcopy(shipped[original])  # no YAML aliases
        recipe = {**recipes[original], "name": name}
        (template / "connectors" / f"{name}.yaml").write_text(yaml.safe_dump(recipe, sort_keys=False))
        if (without_catalog / f"{original}.yaml").is_file():
            plain = yaml.safe_load((without_catalog / f"{original}.yaml").read_text())
            (without_catalog / f"{name}.yaml").write_text(yaml.safe_dump({**plain, "name": name}, sort_keys=False))
    registry_path.write_text(yaml.safe_dump(registry, sort_keys=False), encoding="utf-8")
    return added


def make_scaled_template(published: Path, folder: Path, total: int) -> Path:
    """A packed clone of the published template with `total` connectors committed on top."""
    work = folder.with_name(folder.name + "-work")
    run_checked([*GIT, "clone", "--quiet", str(published), str(work)], published.parent)
    add_synthetic_connectors(work, total)
    run_checked([*GIT, "add", "-A"], work)
    run_checked([*GIT, "commit", "--quiet", "-m", f"{total} connectors"], work)
    return make_published_template_of(work, folder)


def make_published_template_of(repository: Path, folder: Path) -> Path:
    run_checked([*GIT, "clone", "--quiet", "--no-local", "--single-branch", str(repository), str(folder)], repository)
    return folder


def time_copy(command: list[str], dst: Path) -> tuple[float, float]:
    """(user CPU, wall) seconds of one copy, its children's user CPU included."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime
    start = time.perf_counter()
    run_checked([*command, str(dst)], dst.parent)
    wall = time.perf_counter() - start
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_utime - before, wall


def time_rounds(cases: dict[str, list[str]], rounds: int, workdir: Path) -> dict[str, list[tuple[float, float]]]:
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    for index in range(WARMUP_ROUNDS + rounds):
        for name, command in cases.items():
            measured = time_copy(command, workdir / f"{name}-{index}")
            if index >= WARMUP_ROUNDS:
                timings[name].append(measured)
    return timings


def report(timings: dict[str, list[tuple[float, float]]], total: int) -> None:
    print(f"{total} connectors (scaled) against the shipped registry:")
    ratio = paired_report(timings, "scaled", "shipped", ("user CPU", "wall"), "user CPU")
    print(f"ratio {ratio:.2f}x user CPU (target <= {TARGET_RATIO:.2f}x): {verdict(ratio, TARGET_RATIO)}")


def main() -> int:
    parser = rounds_parser(__doc__, 7)
    parser.add_argument("--connectors", type=int, default=2000, help="connectors of the scaled registry (default 2000)")
    args = parse_rounds(parser)
    print(machine(f"{args.rounds} rounds after {WARMUP_ROUNDS} warm-up round, {args.connectors} connectors"))
    with tempfile.TemporaryDirectory(prefix="dativo-bench-scale-") as tmp:
        workdir = Path(tmp)
        shipped = make_published_template(workdir / "shipped")
        scaled = make_scaled_template(shipped, workdir / "scaled", args.connectors)
        common = [str(COPIER), "copy", "--trust", "--defaults", "--quiet", "--vcs-ref", "HEAD", "--data-file"]
        cases = {
            "shipped": [*common, str(DATA_FILE), str(shipped)],
            "scaled": [*common, str(DATA_FILE), str(scaled)],
        }
        timings = time_rounds(cases, args.rounds, workdir)
    report(timings, args.connectors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
