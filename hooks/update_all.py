"""Update every job of a workspace, one `copier update -a <answers file>` each, and say what changed.

Usage: python hooks/update_all.py WORKSPACE [COPIER UPDATE OPTIONS...]
       make update-all WORKSPACE=path [ARGS="--vcs-ref v0.2.0 --conflict rej"]

Copier updates one answers file at a time and only in a clean git tree, so each job's
update is committed on its own ("dativo-gen: update <tenant>/<job>") before the next
one starts; review or revert them one by one with git. A job Copier refuses (for
example one whose connector left the registry) is reported and skipped. A job that
ends with conflicts stops the run with the tree as Copier left it: resolve, commit and
run again. Extra options go to every `copier update` (--vcs-ref, --conflict, --data).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ANSWERS_ROOT = ".copier-answers"
# Use the copier of this interpreter's environment when there is one.
_LOCAL_COPIER = Path(sys.executable).parent / "copier"
COPIER = str(_LOCAL_COPIER) if _LOCAL_COPIER.exists() else "copier"
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


def git_has_identity(workspace: Path) -> bool:
    result = subprocess.run(["git", "config", "user.email"], cwd=workspace, capture_output=True, text=True)
    return bool(result.stdout.strip())


def commit_job(workspace: Path, answers_file: str) -> None:
    git(workspace, "add", "-A")
    # Local identity only when the user has none; their own config wins otherwise.
    identity = [] if git_has_identity(workspace) else GIT_IDENTITY
    git(workspace, *identity, "commit", "-q", "-m", f"dativo-gen: update {job_label(answers_file)}")


def template_version(workspace: Path, answers_file: str) -> str:
    """The `_commit` line of Copier's answers file: the template version the job was made with."""
    path = workspace / answers_file
    for line in path.read_text(encoding="utf-8").splitlines() if path.is_file() else []:
        if line.startswith("_commit:"):
            return line.partition(":")[2].strip()
    return "?"


def update_job(workspace: Path, answers_file: str, options: list[str]) -> subprocess.CompletedProcess[str]:
    command = [COPIER, "update", "--trust", "--defaults", "--quiet", "-a", answers_file, *options, str(workspace)]
    return subprocess.run(command, capture_output=True, text=True)


def update_all(workspace: Path, options: list[str]) -> int:
    """Update each job; print one report line per job (and its changed files). Exit code: 0, or 1."""
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
        commit_job(workspace, answers_file)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if not argv or argv[0].startswith("-"):
        print(__doc__.split("\n\n")[1])
        return 2
    return update_all(Path(argv[0]), argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
