"""Every path a run writes, moves or deletes stays inside the workspace, symlinks included.

Copier refuses to render through a symlink that leads out of the destination; the
placement and move tasks and the migrations use this module for the same rule, and the
extension checks a job's paths with it before anything is written, so a refused run
names the path in one line and writes nothing.

Standard library only: the hooks load this file on its own (see load_inside() in them),
and the placement task has a strict speed budget.
"""

from __future__ import annotations

import os
from pathlib import Path


def escape(workspace: Path | str, relative: Path | str) -> str:
    """Why writing `relative` could touch something outside `workspace` ('' when it cannot).

    Refused: an absolute path or `..` that leaves the workspace, a folder on the way that
    is (or goes through) a symlink leading outside, and a target that is itself a symlink
    (replacing it would look like writing the file it points to, and git keeps the link).
    """
    relative = Path(relative)
    root = os.path.realpath(workspace)
    if relative.is_absolute():
        return f"{relative}: an absolute path, outside the workspace"
    target = os.path.join(root, relative)
    parent = os.path.realpath(os.path.dirname(target))
    if os.path.commonpath([root, parent]) != root:
        return f"{relative}: its folder leads outside the workspace (to {parent}) through a symlink or '..'"
    if os.path.islink(target):
        return f"{relative}: is a symlink (to {os.readlink(target)}); replace it with a regular file or remove it"
    return ""


def escapes(workspace: Path | str, paths: list[Path | str]) -> list[str]:
    """The problems of every path (in order, each once)."""
    seen: dict[str, str] = {}
    for path in paths:
        if path and str(path) not in seen:
            seen[str(path)] = escape(workspace, path)
    return [problem for problem in seen.values() if problem]


def refusal(problems: list[str]) -> str:
    """One line naming the paths; nothing was written."""
    return f"dativo-gen: refusing to write outside the workspace, nothing was written: {'; '.join(problems)}"
