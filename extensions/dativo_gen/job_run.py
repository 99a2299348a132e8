"""The run writing one job: its lock and journal, from before the first write to the end of the run.

The Copier process owns both (it lives for the whole run, tasks and migrations are its
children). The run starts at the first render that knows the job: for `copier copy` when
Copier starts writing, for `copier update` when the migrations start, before anything
is written. It finishes at the last task (copy) or the last migration (update), which
copier.yml marks with finish_job_run(). A run that does not get there (a refusal, an
error, Ctrl-C, SIGTERM) puts the job's files back when it is collected or the process
exits; a killed one is cleaned up by the next run (journal.py).

`copier update` renders the job again in the workspace with a second Copier worker, in
the same process: that worker joins the update's run (registry below) instead of
waiting for a lock its own process holds.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
import types
import weakref
from pathlib import Path

from copier.errors import UserMessageError

from .job_lock import JobBusy, JobLock, job_key, lock_timeout
from .journal import Journal, journals, restore_journal

UPDATES_KEY = "updates"  # job keys always hold a '-'
# Shared by every copy of this package in the process (each template checkout loads its own).
_REGISTRY = sys.modules.setdefault("dativo_gen_job_runs", types.ModuleType("dativo_gen_job_runs"))
if not hasattr(_REGISTRY, "awaiting"):
    _REGISTRY.awaiting = weakref.WeakValueDictionary()


def _abandon(locks: list[JobLock], journal: Journal) -> None:
    """The run ended without finishing: put the job's files back, then let others in."""
    try:
        journal.roll_back()
    finally:
        for lock in reversed(locks):
            lock.release()


def cannot_write(error: OSError) -> UserMessageError:
    return UserMessageError(f"dativo-gen: cannot write in the workspace, nothing was written: {error}")


def busy(what: str, lock: JobLock, workspace: Path) -> UserMessageError:
    return UserMessageError(
        f"dativo-gen: another run is writing {what} ({lock.path.relative_to(workspace)}); "
        "nothing was written, run again when it has finished"
    )


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM ends the run like Ctrl-C: the exception unwinds, the files are put back at exit.
    raise SystemExit(128 + signum)


class JobRun:
    def __init__(self, workspace: Path, tenant: object, job: object, run_id: str):
        self.workspace = workspace.absolute()
        self.job = f"{tenant}/{job}"
        key = job_key(tenant, job)
        self.locks = [JobLock(self.workspace, key)]
        self.journal = Journal(self.workspace, key, run_id)
        self.finalizer: weakref.finalize | None = None
        self.sigterm_installed = False

    def start(self, joined_by: str = "", one_update_at_a_time: bool = False) -> None:
        """Take the job's lock (waiting at most the deadline) and journal it; raise a one-line refusal when busy.

        An update also takes the workspace's update lock: Copier applies an update as a
        diff of the whole workspace, which would bring back a file another update just moved.
        """
        if one_update_at_a_time:
            self.locks.append(JobLock(self.workspace, UPDATES_KEY))
        deadline = time.monotonic() + lock_timeout()
        try:
            for lock in self.locks:
                lock.acquire(max(0.0, deadline - time.monotonic()))
            self.finalizer = weakref.finalize(self, _abandon, self.locks, self.journal)
            recover_dead_runs(self.workspace, self.journal.path)
            self.journal.begin()
        except (JobBusy, OSError) as error:
            _abandon(self.locks, self.journal)  # releases only the locks taken; no journal of ours yet to undo
            if self.finalizer is not None:
                self.finalizer.detach()
            if isinstance(error, OSError):  # a read-only workspace, a full disk
                raise cannot_write(error) from None
            what = f"job {self.job}" if lock is self.locks[0] else "this workspace (an update)"
            raise busy(what, lock, self.workspace) from None
        self.sigterm_installed = (
            threading.current_thread() is threading.main_thread() and signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
        )
        if self.sigterm_installed:
            signal.signal(signal.SIGTERM, _terminate)
        if joined_by:
            _REGISTRY.awaiting[joined_by] = self

    def lock_also(self, tenant: object, job: object) -> None:
        """An update that renames its job writes the new name's files too: hold that job's lock as well."""
        if tenant is None or job is None or job_key(tenant, job) in {lock.path.stem for lock in self.locks}:
            return
        lock = JobLock(self.workspace, job_key(tenant, job))
        try:
            lock.acquire(lock_timeout())
        except JobBusy:
            raise busy(f"job {tenant}/{job}", lock, self.workspace) from None
        except OSError as error:
            raise cannot_write(error) from None
        self.locks.append(lock)

    def cover(self, paths: list[str], scratch: list[str] = ()) -> None:
        try:
            self.journal.cover(paths, list(scratch))
        except OSError as error:  # a full disk, a read-only folder: nothing of this run is written yet
            self.abandon()
            raise cannot_write(error) from None

    def finish(self) -> None:
        """The job is written: drop the journal, release the lock."""
        if self.finalizer is None or not self.finalizer.alive:
            return
        self.finalizer.detach()
        self.journal.commit()
        for lock in reversed(self.locks):
            lock.release()
        self.restore_sigterm()

    def restore_sigterm(self) -> None:
        """Give a process that runs Copier in-process its default SIGTERM back."""
        if self.sigterm_installed and threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            self.sigterm_installed = False

    def abandon(self) -> None:
        """Refused by our own checks: put back anything written (normally nothing) and release now."""
        if self.finalizer is not None:
            self.finalizer()
        self.restore_sigterm()


def worker_key(workspace: Path, answers_file: str) -> str:
    return f"{workspace.absolute()}:{answers_file}"


def joined_run(workspace: Path, answers_file: str) -> JobRun | None:
    """The update run a second worker in this process belongs to (taken once), if any."""
    return _REGISTRY.awaiting.pop(worker_key(workspace, answers_file), None)


def recover_dead_runs(workspace: Path, own: Path) -> None:
    """Put back the files of runs that died on other jobs (their lock is free)."""
    for journal in journals(workspace):
        if journal == own:
            continue
        other = JobLock(workspace, journal.stem)
        if other.try_acquire():
            try:
                restore_journal(workspace, journal)
            finally:
                other.release()
