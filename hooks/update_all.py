"""Update every job of a workspace, one Copier update per answers file, and say what changed.

Usage: python hooks/update_all.py WORKSPACE [COPIER UPDATE OPTIONS...]
       make update-all WORKSPACE=path [ARGS="--vcs-ref v0.2.0 --conflict rej"]

Copier updates one answers file at a time and only in a clean git tree, so each job's
update is committed on its own ("dativo-gen: update <tenant>/<job>") before the next
one starts; review or revert them one by one with git. A job Copier refuses (for
example one whose connector left the registry) is reported and skipped. A job that
ends with conflicts stops the run with the tree as Copier left it: resolve, commit and
run again. Extra options go to every update, as `copier update` takes them (--vcs-ref,
--conflict, --data, --data-file, ...).

Every update runs in this process through Copier's Python API (copier.run_update), so
Copier is imported once, not once per job, and the template's extension once per
template version (extensions/registry_extension.py). Each job's output (Copier's
messages, the template's tasks) is kept aside as a process of its own would have had
it, and shown only for a job that is not updated.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import gc
import os
import signal
import subprocess
import sys
import tempfile
import traceback
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import copier
import yaml
from copier.errors import UserMessageError

ANSWERS_ROOT = ".copier-answers"
GIT_IDENTITY = ["-c", "user.name=dativo-gen", "-c", "user.email=dativo-gen@localhost"]


def git(workspace: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=workspace, check=True, capture_output=True, text=True).stdout


def is_git_workspace(workspace: Path) -> bool:
    if not workspace.is_dir():
        return False
    inside = subprocess.run(
        ["git", "rev-parse", "--is-inside-work-tree"], cwd=workspace, capture_output=True, text=True
    )
    return inside.stdout.strip() == "true"


def changed_paths(workspace: Path) -> list[str]:
    """`git status --porcelain` lines: two status letters, a space, the path."""
    return git(workspace, "status", "--porcelain", "--untracked-files=all").splitlines()


def has_conflicts(status_lines: list[str]) -> bool:
    return any(line[:2] in ("UU", "AA", "DU", "UD") or line.endswith(".rej") for line in status_lines)


def answers_files(workspace: Path) -> list[str]:
    return sorted(path.relative_to(workspace).as_posix() for path in (workspace / ANSWERS_ROOT).rglob("*.yml"))


def job_label(answers_file: str) -> str:
    return answers_file.removeprefix(f"{ANSWERS_ROOT}/").removesuffix(".yml")


@functools.cache  # asked once per run, not once per job
def git_has_identity(workspace: Path) -> bool:
    result = subprocess.run(["git", "config", "user.email"], cwd=workspace, capture_output=True, text=True)
    return bool(result.stdout.strip())


def commit_job(workspace: Path, answers_file: str, status_lines: list[str]) -> None:
    # `commit -a` takes the changed and removed files; new ones (a job that moved) need `add -A` first.
    new_files = any(line.startswith("?? ") for line in status_lines)
    if new_files:
        git(workspace, "add", "-A")
    # Local identity only when the user has none; their own config wins otherwise.
    identity = [] if git_has_identity(workspace) else GIT_IDENTITY
    message = f"dativo-gen: update {job_label(answers_file)}"
    git(workspace, *identity, "commit", "-q", *([] if new_files else ["-a"]), "-m", message)


def template_version(workspace: Path, answers_file: str) -> str:
    """The `_commit` line of Copier's answers file: the template version the job was made with."""
    path = workspace / answers_file
    for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
        if line.startswith("_commit:"):
            return line.partition(":")[2].strip()
    return "?"


def update_options(options: list[str]) -> dict[str, Any]:
    """`copier update`'s command-line options as copier.run_update's arguments.

    The options every update gets anyway (--trust, --defaults, --quiet) are accepted and
    change nothing; -a is each job's own. An unknown option ends the run (exit 2).
    """
    parser = argparse.ArgumentParser(prog="update_all.py WORKSPACE", description="copier update options")
    parser.add_argument("-r", "--vcs-ref")
    parser.add_argument("-o", "--conflict", choices=("rej", "inline"), default="inline")
    parser.add_argument("-c", "--context-lines", type=int, default=3)
    parser.add_argument("-d", "--data", action="append", default=[], metavar="VARIABLE=VALUE")
    parser.add_argument("--data-file", type=Path)
    parser.add_argument("-x", "--exclude", action="append", default=[])
    parser.add_argument("-s", "--skip", action="append", default=[])
    parser.add_argument("-g", "--prereleases", action="store_true")
    parser.add_argument("-n", "--pretend", action="store_true")
    parser.add_argument("-A", "--skip-answered", action="store_true")
    parser.add_argument("-T", "--skip-tasks", action="store_true")
    parser.add_argument("--ask", action="append", default=[])
    parser.add_argument("--trust", "--UNSAFE", "-l", "-f", "--defaults", "-q", "--quiet", action="store_true")
    parsed = parser.parse_args(options)
    data = {}
    for item in parsed.data:
        key, equals, value = item.partition("=")
        if not equals:
            parser.error(f"--data {item!r}: give VARIABLE=VALUE")
        data[key] = value
    if parsed.data_file:
        try:
            from_file = yaml.safe_load(parsed.data_file.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            parser.error(f"--data-file {parsed.data_file}: {error}")
        # As copier's CLI: --data wins over the file.
        data = {**(from_file if isinstance(from_file, dict) else {}), **data}
    vcs_ref = parsed.vcs_ref
    return {
        "data": data,
        "vcs_ref": copier.VcsRef.CURRENT if vcs_ref == copier.VcsRef.CURRENT.value else vcs_ref,
        "conflict": parsed.conflict,
        "context_lines": parsed.context_lines,
        "exclude": parsed.exclude,
        "skip_if_exists": parsed.skip,
        "use_prereleases": parsed.prereleases,
        "pretend": parsed.pretend,
        "skip_answered": parsed.skip_answered,
        "skip_tasks": parsed.skip_tasks,
        "ask": parsed.ask,
    }


class JobResult(NamedTuple):
    returncode: int
    stderr: str


@contextlib.contextmanager
def captured(stream: Any) -> Iterator[list[str]]:
    """What is written to a standard stream meanwhile, by this process and its children; the text lands in the list."""
    stream.flush()
    fd = stream.fileno()
    saved = os.dup(fd)
    text: list[str] = []
    with tempfile.TemporaryFile() as capture:
        os.dup2(capture.fileno(), fd)
        try:
            yield text
        finally:
            stream.flush()
            os.dup2(saved, fd)
            os.close(saved)
            capture.seek(0)
            text.append(capture.read().decode("utf-8", errors="replace"))


def update_job(workspace: Path, answers_file: str, options: dict[str, Any]) -> JobResult:
    """One job's `copier update --trust --defaults --quiet -a answers_file`, in this process."""
    # Its output goes where a `copier update` process's went: stdout nowhere, stderr to the report.
    # Entering catch_warnings resets Python's "shown once" memory: each job shows its warnings.
    with captured(sys.stdout), captured(sys.stderr) as stderr, warnings.catch_warnings():
        try:
            copier.run_update(
                str(workspace),
                answers_file=answers_file,
                defaults=True,
                overwrite=True,
                unsafe=True,
                quiet=True,
                **options,
            )
            returncode = 0
        except UserMessageError as error:
            print(error.message, file=sys.stderr)
            returncode = 1
        except Exception:  # as the copier command would: the traceback, exit 1
            traceback.print_exc()
            returncode = 1
        finally:
            # A run that did not finish puts its files back and lets go of its locks when it
            # is collected (extensions/dativo_gen/job_run.py): now, before the next job,
            # which then starts with the default SIGTERM, as a process of its own would.
            gc.collect()
            # What outlives the first job is Copier's and Python's own (modules, caches): set
            # aside, so that each later collection walks only the objects of its own job.
            if not gc.get_freeze_count():
                gc.freeze()
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
    return JobResult(returncode, stderr[0])


def update_all(workspace: Path, arguments: list[str]) -> int:
    """Update each job; print one report line per job (and its changed files). Exit code: 0, or 1."""
    options = update_options(arguments)
    if not is_git_workspace(workspace):
        print(f"{workspace}: not a folder in a git repository; copier update needs one (git init, commit).")
        return 1
    if changed_paths(workspace):
        print(f"{workspace}: commit or stash your changes first; copier update needs a clean git tree.")
        return 1
    failed = False
    for answers_file in answers_files(workspace):
        label = job_label(answers_file)
        version = template_version(workspace, answers_file)
        result = update_job(workspace, answers_file, options)
        status = changed_paths(workspace)
        if result.returncode != 0 and not status:
            failed = True
            print(f"{label}: not updated")
            print("".join(f"    {line}\n" for line in result.stderr.strip().splitlines()), end="")
            continue
        if not status:
            print(f"{label}: up to date")
            continue
        # A job renamed by --data has its answers file under a new name.
        answers_now = next((line[3:] for line in status if line.startswith(f"?? {ANSWERS_ROOT}/")), answers_file)
        now = template_version(workspace, answers_now)
        print(f"{label}: {'CONFLICTS' if has_conflicts(status) else 'updated'} (template {version} -> {now})")
        print("".join(f"    {line}\n" for line in status), end="")
        if result.returncode != 0 or has_conflicts(status):
            print(f"Stopped at {label}: resolve it in {workspace}, commit, then run again.")
            return 1
        commit_job(workspace, answers_file, status)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__.split("\n\n")[1])
        return 2
    return update_all(Path(argv[0]), argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
