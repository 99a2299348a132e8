"""One writer per job: an flock on .dativo-gen/locks/<tenant>-<job>.lock for the whole Copier run.

The kernel drops an flock when its process dies, so a killed run never blocks the next
one. A run waits for the lock at most DATIVO_GEN_LOCK_TIMEOUT seconds (default 60), then
stops. The lock file is removed on release; a waiter that then holds the lock of a
removed file opens the new one and tries again, so two runs never both hold a job.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import os
import time
from pathlib import Path
from typing import BinaryIO

SCRATCH = Path(".dativo-gen")
LOCKS = SCRATCH / "locks"
DEFAULT_TIMEOUT = 60.0
POLL_SECONDS = 0.05


class JobBusy(Exception):
    """Another run held the job's lock until the deadline."""


def lock_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get("DATIVO_GEN_LOCK_TIMEOUT", DEFAULT_TIMEOUT)))
    except ValueError:
        return DEFAULT_TIMEOUT


def job_key(tenant: object, job: object) -> str:
    """tenant-job: both are identifiers (no '-'), so the key is unambiguous."""
    return f"{tenant}-{job}"


class JobLock:
    def __init__(self, workspace: Path, key: str):
        self.path = workspace / LOCKS / f"{key}.lock"
        self.handle: BinaryIO | None = None

    def _try_once(self) -> bool:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(self.path, "ab")  # noqa: SIM115 (held open: that is the lock)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        # The holder before us may have removed the file after we opened it: lock the new one.
        try:
            same = os.stat(self.path).st_ino == os.fstat(handle.fileno()).st_ino
        except FileNotFoundError:
            same = False
        if not same:
            handle.close()
            return False
        self.handle = handle
        return True

    def try_acquire(self) -> bool:
        with contextlib.suppress(FileNotFoundError):  # its folder removed meanwhile: try again
            return self._try_once()
        return self._try_once()

    def acquire(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        collected = False
        while not self.try_acquire():
            if not collected:
                # A run of this process that failed holds its lock until it is collected.
                gc.collect()
                collected = True
                continue
            if time.monotonic() >= deadline:
                raise JobBusy(str(self.path))
            time.sleep(POLL_SECONDS)

    def release(self) -> None:
        if self.handle is None:
            return
        with contextlib.suppress(OSError):
            self.path.unlink()
        self.handle.close()
        self.handle = None
        for folder in (self.path.parent, self.path.parent.parent):
            with contextlib.suppress(OSError):  # not empty: other runs use it
                folder.rmdir()
