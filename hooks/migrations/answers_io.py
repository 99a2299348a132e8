"""Read and write a job's answers file the way Copier does, for the migration scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

# The comment Copier's own answers template puts first; kept so the file looks the same.
HEADER = "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n"


def read_answers(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def write_answers(path: Path, answers: dict[str, Any]) -> None:
    # As Copier's to_nice_yaml writes it: block style, 4-space indent, sorted keys.
    body = yaml.safe_dump(answers, default_flow_style=False, indent=4, allow_unicode=True)
    path.write_text(HEADER + body, encoding="utf-8")
