"""Task: move a job's answers file to the path its answers give it now.

`copier update -a .copier-answers/<tenant>/<old job>.yml --data job_name=new` writes
the new answers back to the file named with -a, so after a change of `tenant_id` or
`job_name` the file would keep the old job's name, and a later job with that name would
share it. copier.yml runs this task only when the two paths differ (see
extensions/dativo_gen/answers_path.py).

Usage: move_answers.py CURRENT_ANSWERS_FILE ANSWERS_FILE_FOR_THESE_ANSWERS
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from inside_module import load_inside


def remove_empty_parents(folder: Path, stop_at: Path) -> None:
    while folder != stop_at and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def move_answers(current: Path, wanted: Path) -> str:
    """Move current to wanted; return a problem, or '' when done or nothing to do."""
    inside = load_inside()
    if escaped := inside.escapes(".", [current, wanted]):
        return inside.refusal(escaped).removeprefix("dativo-gen: ")
    if current == wanted or not current.is_file():
        return ""
    if wanted.exists() and wanted.read_bytes() != current.read_bytes():
        return f"{wanted} already holds the answers of another job; choose another job_name or tenant_id"
    wanted.parent.mkdir(parents=True, exist_ok=True)
    os.replace(current, wanted)
    remove_empty_parents(current.parent, Path(wanted.parts[0]))
    return ""


def main(argv: list[str]) -> int:
    problem = move_answers(Path(argv[0]), Path(argv[1]))
    if problem:
        print(f"dativo-gen: {problem}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
