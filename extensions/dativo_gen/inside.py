"""Every path a run writes, moves or deletes stays inside the workspace, symlinks included.

Copier refuses to render through a symlink that leads out of the destination; the
placement and move tasks and the migrations use this module for the same rule, and the
extension checks a job's paths with it before anything is written, so a refused run
names the path in one line and writes nothing.

Only `os`: the hooks load this file on its own (hooks/inside_module.py), and the
placement task has a strict speed budget (pathlib alone would double its imports).
"""

from __future__ import annotations

import os


def _as_pathlib_shows(path: str | os.PathLike[str]) -> str:
    """Without empty and '.' parts, as pathlib would show it; '..' stays: it may go through a symlink."""
    text = os.fspath(path)
    parts = "/".join(part for part in text.split("/") if part not in ("", "."))
    return ("/" + parts) if text.startswith("/") else (parts or ".")


def escape(workspace: str | os.PathLike[str], relative: str | os.PathLike[str]) -> str:
    """Why writing `relative` could touch something outside `workspace` ('' when it cannot).

    Refused: an absolute path or `..` that leaves the workspace, a folder on the way that
    is (or goes through) a symlink leading outside, and a target that is itself a symlink
    (replacing it would look like writing the file it points to, and git keeps the link).
    """
    relative = _as_pathlib_shows(relative)
    root = os.path.realpath(workspace)
    if os.path.isabs(relative):
        return f"{relative}: an absolute path, outside the workspace"
    target = os.path.join(root, relative)
    parent = os.path.realpath(os.path.dirname(target))
    if os.path.commonpath([root, parent]) != root:
        return f"{relative}: its folder leads outside the workspace (to {parent}) through a symlink or '..'"
    if os.path.islink(target):
        return f"{relative}: is a symlink (to {os.readlink(target)}); replace it with a regular file or remove it"
    return ""


def escapes(workspace: str | os.PathLike[str], paths: list[str | os.PathLike[str]]) -> list[str]:
    """The problems of every path (in order, each once)."""
    seen: dict[str, str] = {}
    for path in paths:
        if path and str(path) not in seen:
            seen[str(path)] = escape(workspace, path)
    return [problem for problem in seen.values() if problem]


def refusal(problems: list[str]) -> str:
    """One line naming the paths; nothing was written."""
    return f"dativo-gen: refusing to write outside the workspace, nothing was written: {'; '.join(problems)}"
