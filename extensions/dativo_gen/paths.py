"""Where a job's generated files go, from its answers.

No imports beyond the standard library: hooks/migrations/carry_moved_edits.py loads this
file on its own, outside Copier, to find the files of every job in a workspace.
"""

from __future__ import annotations

import posixpath
from collections.abc import Mapping
from typing import Any


def asset_file(answers: Mapping[str, Any]) -> str:
    return posixpath.normpath(f"{answers['assets_dir']}/{answers['asset_name']}.yaml")


def job_file(answers: Mapping[str, Any]) -> str:
    return posixpath.normpath(f"{answers['jobs_dir']}/{answers['job_name']}.yaml")


def generated_paths(answers: Mapping[str, Any]) -> tuple[str, str] | None:
    """(asset file, job file) of answers; None when they do not name both."""
    try:
        return asset_file(answers), job_file(answers)
    except (KeyError, TypeError):
        return None
