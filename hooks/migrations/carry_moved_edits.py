"""After every `copier update`: hand edits follow an asset or job file that moved.

Copier re-applies hand edits path by path. When new answers move a file (asset_version
1.0 -> 1.1 moves the asset to assets/<source>/v1.1/), Copier patches the old path and then
deletes it as a file the new version no longer has, so the edits would be lost. This
script runs in the workspace at the end of the update (a `_migrations` entry without a
version, stage `after`). For each generated file that moved it renders the job as it was
(old template commit, old answers) to get the file as generated, and three-way merges
"as generated -> as you left it" into the file at its new path with `git merge-file`.
Overlapping changes get conflict markers, like Copier's own `--conflict inline`.

Usage: carry_moved_edits.py OLD_ANSWERS_FILE NEW_ASSET NEW_JOB
       (paths relative to the workspace, which is the current folder)
"""

from __future__ import annotations

import posixpath
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml


def committed(path: str) -> str | None:
    """The file as it was committed before the update (None if it was not)."""
    result = subprocess.run(["git", "show", f"HEAD:./{path}"], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def generated_paths(answers: dict[str, Any]) -> tuple[str, str]:
    # The same paths as extensions/dativo_gen/documents.py asset_file() and job_file().
    asset = posixpath.normpath(f"{answers['assets_dir']}/{answers['asset_name']}.yaml")
    job = posixpath.normpath(f"{answers['jobs_dir']}/{answers['job_name']}.yaml")
    return asset, job


def moved_files(old_answers: dict[str, Any], new_paths: tuple[str, str]) -> list[tuple[str, str]]:
    """(old, new) for each generated file whose path changed and whose old path is gone."""
    return [
        (old, new)
        for old, new in zip(generated_paths(old_answers), new_paths, strict=True)
        if old != new and not Path(old).exists() and Path(new).is_file()
    ]


def render_as_generated(old_answers: dict[str, Any], folder: Path) -> None:
    """The job as Copier generated it last time: old template commit, old answers."""
    import copier  # only when a file moved: importing Copier takes half a second

    data = {key: value for key, value in old_answers.items() if not key.startswith("_")}
    copier.run_copy(
        old_answers["_src_path"],
        str(folder),
        data=data,
        vcs_ref=old_answers["_commit"],
        defaults=True,
        unsafe=True,
        quiet=True,
    )


def carry_edits(old: str, new: str, as_generated: Path, yours: str) -> bool:
    """Merge your edits of `old` into `new`; True when they conflict."""
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as edited:
        edited.write(yours)
    merged = subprocess.run(
        [
            "git",
            "merge-file",
            "-L",
            "after updating",
            "-L",
            "as generated",
            "-L",
            "your edits",
            new,
            str(as_generated),
            edited.name,
        ],
        capture_output=True,
    )
    Path(edited.name).unlink()
    return merged.returncode != 0


def main(argv: list[str]) -> int:
    old_answers_file, new_asset, new_job = argv
    old_text = committed(old_answers_file)
    if old_text is None:
        return 0
    old_answers = yaml.safe_load(old_text) or {}
    moves = [
        (old, new, yours)
        for old, new in moved_files(old_answers, (new_asset, new_job))
        if (yours := committed(old)) is not None
    ]
    if not moves:
        return 0
    with tempfile.TemporaryDirectory(prefix="dativo-gen-as-generated-") as folder:
        render_as_generated(old_answers, Path(folder))
        for old, new, yours in moves:
            as_generated = Path(folder) / old
            if as_generated.read_text(encoding="utf-8") == yours:
                continue
            conflicted = carry_edits(old, new, as_generated, yours)
            state = "with conflicts, resolve them" if conflicted else "merged"
            print(f"dativo-gen: your edits of {old} carried to {new} ({state})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
