"""Refuse to replace another job's files: checked once all questions are answered, before Copier writes.

The asset and job files are moved into place by the placement task, which Copier does not
see, so its own overwrite prompt never covers them. Comparing parsed content lets two
jobs share one asset when they would write the same one.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from .documents import asset_file, build_asset, build_job, job_file
from .registry import Registry


def _differs(path: Path, document: dict[str, Any]) -> bool:
    if not path.exists():
        return False
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) != document
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True


def clobbered_files(registry: Registry, answers: Mapping[str, Any], workspace: Path) -> list[str]:
    """The workspace files this generation would replace with different content."""
    planned = {
        asset_file(answers): build_asset(registry, answers),
        job_file(answers): build_job(registry, answers),
    }
    return [relative for relative, document in planned.items() if _differs(workspace / relative, document)]


def clobber_message(files: list[str], answers_file: str) -> str:
    listed = "\n".join(f"  {name}" for name in files)
    return (
        "dativo-gen: these files already exist with different content, so nothing was written:\n"
        f"{listed}\n"
        f"To change this job, update it: copier update --trust -a {answers_file}\n"
        "For a new job, choose another job_name, asset_name or asset_version.\n"
        "To replace the files anyway, run the copy again with --overwrite."
    )
