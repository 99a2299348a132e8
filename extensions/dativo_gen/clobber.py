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

# libyaml where PyYAML has it: an asset of thousands of fields parses in a fraction of the time.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _differs(path: Path, document: dict[str, Any]) -> bool:
    if not path.exists():
        return False
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader) != document
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return True


def clobbered_files(registry: Registry, answers: Mapping[str, Any], workspace: Path) -> dict[str, str]:
    """The workspace files this generation would replace with different content, by kind (asset, job)."""
    planned = {
        "asset": (asset_file(answers), build_asset(registry, answers)),
        "job": (job_file(answers), build_job(registry, answers)),
    }
    return {
        kind: relative for kind, (relative, document) in planned.items() if _differs(workspace / relative, document)
    }


def clobber_message(files: dict[str, str], answers_file: str) -> str:
    lines = ["dativo-gen: these files already exist with different content, so nothing was written:"]
    lines += [f"  {relative}" for relative in files.values()]
    if "job" in files:
        lines.append(f"This job exists already; to change it, update it: copier update --trust -a {answers_file}")
    else:
        lines.append("Another job uses this asset with other content; choose another asset_name or asset_version.")
    lines.append("To replace the files anyway, run the copy again with --overwrite.")
    return "\n".join(lines)
