"""After every `copier update`: hand edits follow an asset or job file that moved.

Copier re-applies hand edits path by path. When new answers move a file (asset_version
1.0 -> 1.1 moves the asset to assets/<source>/v1.1/), Copier patches the old path and then
deletes it as a file the new version no longer has, so the edits would be lost. This
script runs in the workspace at the end of the update (a `_migrations` entry without a
version, stage `after`). For each generated file that moved it renders the job as it was
(old template commit, old answers) to get the file as generated, and three-way merges
"as generated -> as you left it" into the file at its new path with `git merge-file`.
Overlapping changes get conflict markers, like Copier's own `--conflict inline`.

Two jobs may share one asset file. When one of them moves away from it, Copier deletes
the old file although the other job still names it; the file is put back from git.

Usage: carry_moved_edits.py OLD_ANSWERS_FILE NEW_ASSET NEW_JOB
       (paths relative to the workspace, which is the current folder)
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from answers_io import stay_inside

ANSWERS_ROOT = ".copier-answers"
PATHS_MODULE = Path(__file__).resolve().parents[2] / "extensions" / "dativo_gen" / "paths.py"


def committed(path: str) -> str | None:
    """The file as it was committed before the update (None if it was not)."""
    result = subprocess.run(["git", "show", f"HEAD:./{path}"], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def load_paths_module() -> ModuleType:
    """The extension's paths.py, loaded on its own (the extension package needs Copier)."""
    spec = importlib.util.spec_from_file_location("dativo_gen_paths", PATHS_MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


PATHS = load_paths_module()


def generated_paths(answers: dict[str, Any]) -> tuple[str, str]:
    return PATHS.asset_file(answers), PATHS.job_file(answers)


def moved_files(old_answers: dict[str, Any], new_paths: tuple[str, str]) -> list[tuple[str, str]]:
    """(old, new) for each generated file whose path changed and whose old path is gone."""
    return [
        (old, new)
        for old, new in zip(generated_paths(old_answers), new_paths, strict=True)
        if old != new and not Path(old).exists() and Path(new).is_file()
    ]


def other_users(path: str, new_paths: tuple[str, str]) -> list[str]:
    """The answers files of other jobs (under .copier-answers/) whose generated files include path."""
    users = []
    for answers_file in sorted(Path(ANSWERS_ROOT).rglob("*.yml")):
        answers = yaml.safe_load(answers_file.read_text(encoding="utf-8")) or {}
        try:
            paths = generated_paths(answers)
        except (KeyError, TypeError):
            continue
        if paths != new_paths and path in paths:
            users.append(answers_file.as_posix())
    return users


def keep_shared_file(path: str, new_paths: tuple[str, str]) -> None:
    if users := other_users(path, new_paths):
        stay_inside(path)
        subprocess.run(["git", "checkout", "HEAD", "--", path], check=True, capture_output=True)
        print(f"dativo-gen: kept {path}: {', '.join(users)} still use it", file=sys.stderr)


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


def carry_edits(new: str, as_generated: Path, yours: str) -> bool:
    """Merge the changes from as_generated to yours into the file new; True when they conflict."""
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
    old_answers = yaml.safe_load(old_text)
    if not isinstance(old_answers, dict):
        return 0  # a committed symlink, not answers: the extension refuses such an update before it starts
    new_paths = (new_asset, new_job)
    stay_inside(old_answers_file, *new_paths)
    moves = moved_files(old_answers, new_paths)
    for old, _ in moves:
        keep_shared_file(old, new_paths)
    edited = [(old, new, yours) for old, new in moves if (yours := committed(old)) is not None]
    if not edited:
        return 0
    with tempfile.TemporaryDirectory(prefix="dativo-gen-as-generated-") as folder:
        render_as_generated(old_answers, Path(folder))
        for old, new, yours in edited:
            as_generated = Path(folder) / old
            if as_generated.read_text(encoding="utf-8") == yours:
                continue
            conflicted = carry_edits(new, as_generated, yours)
            state = "with conflicts, resolve them" if conflicted else "merged"
            print(f"dativo-gen: your edits of {old} carried to {new} ({state})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
