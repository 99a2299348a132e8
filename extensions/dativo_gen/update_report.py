"""The message after `copier update`: what the update did to the job, and what it left to resolve.

Copier renders `_message_after_update` once the update is complete (not under --quiet) and
exits 0 even when it leaves conflicts; by itself it says nothing about them. This message
lists the files the update changed, the files that moved (new answers for `job_name`,
`asset_version`, `assets_dir`, ...), the template version it moved from and to, and, in a
framed block at the very end, every file left with conflict markers or a `.rej` file,
with how to resolve and commit.

Copier refuses to update a workspace with uncommitted or untracked files, so what
`git status` shows afterwards is exactly what the update did: one `git status` call is the
only subprocess. The answers the job had before the update are the ones the extension read
when the update started (DativoExtension.check_recorded_answers).
"""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NamedTuple

from .paths import generated_paths

WIDTH = 80
CONFLICT_START, CONFLICT_END = b"<<<<<<< ", b">>>>>>> "
# git status codes of a path git holds as unmerged (Copier records its inline conflicts so).
UNMERGED = frozenset({"DD", "AU", "UD", "UA", "DU", "AA", "UU"})
STATUS_WORDS = {"M": "changed", "A": "added", "D": "removed", "?": "added", "T": "changed"}


class Change(NamedTuple):
    status: str  # two letters, as `git status --porcelain` prints them
    path: str

    @property
    def word(self) -> str:
        if self.status in UNMERGED:
            return "conflict"
        letter = self.status.strip()[:1]
        return STATUS_WORDS.get(letter, "changed")


def workspace_changes(workspace: Path) -> list[Change]:
    """What git sees changed since the last commit; [] when git cannot tell."""
    try:
        result = subprocess.run(
            ["git", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"],
            cwd=workspace,
            capture_output=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if result.returncode != 0:
        return []
    entries = result.stdout.decode("utf-8", "replace").split("\0")
    return [Change(entry[:2], entry[3:]) for entry in entries if len(entry) > 3]


def conflict_labels(path: Path) -> tuple[str, str] | None:
    """The labels of a file's first conflict block (<<<<<<< yours ... >>>>>>> theirs), or None."""
    start = None
    try:
        with path.open("rb") as lines:
            for line in lines:
                if start is None and line.startswith(CONFLICT_START):
                    start = line[len(CONFLICT_START) :].strip().decode("utf-8", "replace")
                elif start is not None and line.startswith(CONFLICT_END):
                    return start, line[len(CONFLICT_END) :].strip().decode("utf-8", "replace")
    except OSError:
        pass
    return None


def moves(
    before: Mapping[str, Any], after: Mapping[str, Any], answers_before: str, answers_after: str
) -> list[tuple[str, str]]:
    """(old, new) for each of the job's files the new answers put elsewhere."""
    old, new = generated_paths(before), generated_paths(after)
    pairs = list(zip(old, new, strict=True)) if old and new else []
    pairs.append((answers_before, answers_after))
    return [(a, b) for a, b in pairs if a and b and a != b]


def file_lines(changes: list[Change], moved: list[tuple[str, str]]) -> list[str]:
    """One entry per file; a file that moved is one entry, its old path above its new one."""
    moved_to = dict(moved)
    arrived = set(moved_to.values())
    lines = []
    for change in changes:
        if change.path in arrived:
            continue
        if change.path in moved_to:
            lines += [f"  moved     {change.path}", f"         -> {moved_to[change.path]}"]
        else:
            lines.append(f"  {change.word:<9} {change.path}")
    return lines


def template_line(before: Mapping[str, Any], after: Mapping[str, Any]) -> str:
    old, new = str(before.get("_commit") or "?"), str(after.get("_commit") or "?")
    return f"Template version: {old} (unchanged)" if old == new else f"Template version: {old} -> {new}"


class Conflict(NamedTuple):
    path: str
    how: str


def conflicts(workspace: Path, changes: list[Change], job_paths: list[str]) -> list[Conflict]:
    """Files left with conflict markers, and .rej files of hunks that did not apply."""
    found: dict[str, Conflict] = {}
    candidates = dict.fromkeys([*job_paths, *(change.path for change in changes)])
    for path in candidates:
        if path.endswith(".rej"):
            if (workspace / path).is_file():
                found[path] = Conflict(path, f"hunks that did not apply to {path[:-4]}")
        elif labels := conflict_labels(workspace / path):
            found[path] = Conflict(path, f"conflict markers <<<<<<< {labels[0]} ... >>>>>>> {labels[1]}")
        elif any(change.path == path and change.status in UNMERGED for change in changes):
            found[path] = Conflict(path, "unmerged in git")
        if (workspace / f"{path}.rej").is_file() and f"{path}.rej" not in found:
            found[f"{path}.rej"] = Conflict(f"{path}.rej", f"hunks that did not apply to {path}")
    return list(found.values())


def files_count(count: int) -> str:
    return f"{count} file{'s' if count != 1 else ''}"


def conflict_block(found: list[Conflict]) -> list[str]:
    """The framed block that ends the message: which files, and how to resolve and commit."""
    rule = "=" * WIDTH
    warning = f"WARNING: the update left conflicts in {files_count(len(found))}. Resolve them before the job runs:"
    lines = [rule, warning]
    for conflict in found:
        lines += [f"  {conflict.path}", f"    {conflict.how}"]
    lines.append("To resolve:")
    if any(not conflict.path.endswith(".rej") for conflict in found):
        lines += [
            "  - In a file with markers, keep what you want of both sides and delete the",
            "    marker lines <<<<<<<, ======= and >>>>>>>. 'before updating' and 'your",
            "    edits' are your version, 'after updating' is what the update writes.",
        ]
    if any(conflict.path.endswith(".rej") for conflict in found):
        lines.append("  - A .rej file holds your edits that did not apply: make them by hand, delete it.")
    lines += [
        "  Then check that no marker is left and commit:",
        "    git diff --check",
        "    git add -A",
        "    git commit -m 'Update the job, conflicts resolved'",
        rule,
    ]
    return lines


def update_report(
    workspace: Path, before: Mapping[str, Any], after: Mapping[str, Any], answers_before: str, answers_after: str
) -> str:
    changes = workspace_changes(workspace)
    job_paths = [*(generated_paths(after) or ()), answers_after]
    found = conflicts(workspace, changes, job_paths)
    job = f"{after.get('tenant_id')}/{after.get('job_name')}"
    lines = [f"Update complete: job {job}", f"  {template_line(before, after)}"]
    if found:
        lines.append(f"  Conflicts left: {files_count(len(found))}, see the WARNING at the end")
    if changes:
        lines += [
            "Files this update changed:",
            *file_lines(changes, moves(before, after, answers_before, answers_after)),
        ]
    else:
        lines.append("Nothing changed: the job's files already match its answers and the template.")
    if changes and not found:
        lines += [
            "Review the changes (git diff), then commit them:",
            "  git add -A",
            f"  git commit -m 'dativo-gen: update {job}'",
        ]
    if found:
        lines += ["", *conflict_block(found)]
    return "\n".join(lines)
