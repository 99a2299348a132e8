"""Read and write a job's answers file the way Copier does, for the migration scripts.

Both refuse a path that leads outside the workspace (extensions/dativo_gen/inside.py);
a write replaces the file atomically, so a full disk leaves the old answers whole.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from inside_module import load_inside

INSIDE = load_inside()


def stay_inside(*paths: Path | str) -> None:
    """Exit 1 with one line, before anything is written, when a path leads outside the workspace (cwd)."""
    if problems := INSIDE.escapes(".", list(paths)):
        print(INSIDE.refusal(problems), file=sys.stderr)
        raise SystemExit(1)


# The comment Copier's own answers template puts first; kept so the file looks the same.
HEADER = "# Changes here will be overwritten by Copier; NEVER EDIT MANUALLY\n"


def read_answers(path: Path) -> dict[str, Any]:
    stay_inside(path)
    answers = yaml.safe_load(path.read_text(encoding="utf-8"))
    return answers if isinstance(answers, dict) else {}


def write_answers(path: Path, answers: dict[str, Any]) -> None:
    stay_inside(path)
    # As Copier's to_nice_yaml writes it: block style, 4-space indent, sorted keys.
    body = yaml.safe_dump(answers, default_flow_style=False, indent=4, allow_unicode=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
    try:
        partial.write_text(HEADER + body, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
