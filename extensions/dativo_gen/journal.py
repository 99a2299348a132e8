"""All or nothing per job: a job's files as they were before a run, put back if the run does not finish.

Before a run writes anything, .dativo-gen/journal/<tenant>-<job>.json records each file
the run may write (answers file, asset, job; old and new paths) with its bytes, or that
it did not exist, and the scratch folders the run renders into. A run that finishes
removes its journal. A run that fails, is interrupted or terminated puts the files back
on its way out; a run killed outright leaves its journal, and the next run that finds a
journal whose job nobody holds (see job_lock.py) puts them back before it starts.

Standard library only, like inside.py, which every restored path goes through.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from .inside import escape
from .job_lock import SCRATCH

JOURNALS = SCRATCH / "journal"


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.restore")
    try:
        partial.write_bytes(data)
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


def _read(path: Path) -> str | None:
    try:
        return base64.b64encode(path.read_bytes()).decode()
    except FileNotFoundError:
        return None


class Journal:
    def __init__(self, workspace: Path, key: str, run: str):
        self.workspace = workspace
        self.path = workspace / JOURNALS / f"{key}.json"
        self.run = run
        self.entries: dict[str, Any] = {"run": run, "files": {}, "scratch": []}

    def begin(self) -> None:
        """Put back what a dead run left, then start this run's journal."""
        restore_journal(self.workspace, self.path)
        self._save()

    def cover(self, paths: list[str], scratch: list[str] = ()) -> None:
        """Record the files not yet recorded as they are now, before this run writes them."""
        files = self.entries["files"]
        new = [path for path in paths if path and path not in files and not escape(self.workspace, path)]
        extra = [folder for folder in scratch if folder not in self.entries["scratch"]]
        if not new and not extra:
            return
        for path in new:
            files[path] = _read(self.workspace / path)
        self.entries["scratch"].extend(extra)
        self._save()

    def _save(self) -> None:
        _write_atomically(self.path, json.dumps(self.entries).encode())

    def commit(self) -> None:
        self.path.unlink(missing_ok=True)
        _remove_empty(self.path.parent)

    def roll_back(self) -> None:
        """Put this run's files back, unless another run has taken the journal over."""
        try:
            owner = json.loads(self.path.read_bytes()).get("run")
        except (OSError, ValueError, AttributeError):
            return
        if owner == self.run:
            restore_journal(self.workspace, self.path)


def _remove_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def restore_journal(workspace: Path, journal: Path) -> bool:
    """Put back the files a journal recorded and remove the run's scratch; False when there was none."""
    try:
        entries = json.loads(journal.read_bytes())
        files, scratch = dict(entries["files"]), list(entries["scratch"])
    except FileNotFoundError:
        return False
    except (OSError, ValueError, KeyError, TypeError):
        files, scratch = {}, []  # unreadable: a journal cut short before it recorded anything
    # Files the run created go first: on a full disk that frees the room the others need.
    for relative, content in sorted(files.items(), key=lambda item: item[1] is not None):
        if escape(workspace, relative):
            continue
        path = workspace / relative
        if content is None:
            path.unlink(missing_ok=True)
        elif _read(path) != content:
            _write_atomically(path, base64.b64decode(content))
    for folder in scratch:
        if not escape(workspace, folder):
            shutil.rmtree(workspace / folder, ignore_errors=True)
            _remove_empty((workspace / folder).parent)
    journal.unlink(missing_ok=True)
    _remove_empty(journal.parent)
    return True


def journals(workspace: Path) -> list[Path]:
    with contextlib.suppress(OSError):
        return sorted((workspace / JOURNALS).glob("*.json"))
    return []
