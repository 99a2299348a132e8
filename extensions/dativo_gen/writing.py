"""Before a run writes a job: every path inside the workspace, every answer valid, the job's run started.

`copier update` runs the `before` migrations (which may edit the answers file) before
Copier asks or validates anything, so at the start of the migrations the answers given
with --data are checked here with the questions' own validators, rendered with the
recorded answers they change. Only then is the job's run started (lock and journal,
job_run.py). `copier copy` starts it when Copier starts writing, after every question.
"""

from __future__ import annotations

import os
import secrets
import subprocess
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import yaml
from copier.errors import UserMessageError
from jinja2 import Environment

from .documents import asset_file, job_file
from .drift import read_recorded_answers
from .inside import escapes, refusal
from .job_lock import LOCKS, SCRATCH
from .job_run import JobRun, joined_run, worker_key
from .journal import JOURNALS
from .preflight import BOOLEAN_WORDS, Question
from .validation import AnswerProblems

FALSE_WORDS = frozenset("n no f false off 0".split())


def scripted_value(value: Any, question: Question) -> Any:
    """A --data value as Copier casts it before validating (preflight refused what does not cast)."""
    if not isinstance(value, str):
        return value
    if question.type == "int":
        return int(value)
    if question.type == "bool" and value.strip().lower() in BOOLEAN_WORDS:
        return value.strip().lower() not in FALSE_WORDS
    if question.type in ("yaml", "json"):
        return yaml.safe_load(value)
    return value


class JobWriting:
    def __init__(
        self,
        environment: Environment,
        validators: Mapping[str, str],
        questions: Mapping[str, Question],
        problems: AnswerProblems,
        answers_file_for: Callable[[Any], str],
    ):
        self.environment = environment
        self.validators = validators
        self.questions = questions
        self.problems = problems
        self.answers_file_for = answers_file_for
        self.run_id = f"{os.getpid()}-{secrets.token_hex(4)}"
        self.run: JobRun | None = None
        self.owns_run = False
        self.started_update = False
        self.started_render = False

    def staging(self) -> str:
        return f".dativo-gen/staging/{self.run_id}"

    def scratch_paths(self) -> list[str]:
        return [f"{self.staging()}/asset.yaml", f"{LOCKS}/x.lock", f"{JOURNALS}/x.json"]

    def refuse(self, message: str) -> None:
        if self.run is not None and self.owns_run:
            self.run.abandon()
        raise UserMessageError(message)

    def before_update(self, context: dict[str, Any]) -> None:
        """Once, when the migrations start: check, then start the update's run before any migration writes."""
        conf = context["_copier_conf"]
        answers_file = str(conf["answers_file"])
        if self.started_update or not answers_file:
            return
        self.started_update = True
        workspace = Path(conf["dst_path"])
        # A symlinked answers file (or folder) would be read through its link and replaced.
        if problems := escapes(workspace, [answers_file]):
            self.refuse(refusal(problems))
        recorded = read_recorded_answers(workspace / answers_file)
        if not {"tenant_id", "job_name"} <= set(recorded):
            return
        try:
            own = [asset_file(recorded), job_file(recorded)]
        except (KeyError, TypeError):
            own = []
        if problems := escapes(workspace, [*own, *self.scratch_paths()]):
            self.refuse(refusal(problems))
        self.check_data_with_validators(context, recorded)
        self.run = JobRun(workspace, recorded["tenant_id"], recorded["job_name"], self.run_id)
        self.owns_run = True
        self.run.start(joined_by=worker_key(workspace, answers_file), one_update_at_a_time=True)
        # Copier found the workspace clean before this run waited for it; a run that held it meanwhile
        # left changes Copier's diff would not see (and would undo or bring back files it moved).
        if changed_meanwhile(workspace):
            self.refuse(
                "dativo-gen: another run changed this workspace while this update waited for it; nothing was "
                "written: commit its changes (git status shows them) and run the update again"
            )
        self.run.cover([answers_file, *own])

    def check_data_with_validators(self, context: dict[str, Any], recorded: Mapping[str, Any]) -> None:
        data = context["_copier_conf"]["data"]
        old = {key: value for key, value in recorded.items() if not key.startswith("_")}
        answers = {**old, **{key: scripted_value(value, self.questions[key]) for key, value in data.items()
                             if key in self.questions}}  # fmt: skip
        for key in data:
            if template := self.validators.get(key):
                self.environment.from_string(template).render({**context, **answers})
        if self.problems.pending:
            self.refuse(f"dativo-gen: {self.problems.pending[0]}")

    def cover_new_paths(self, workspace: Path, paths: list[str], new_job: tuple[Any, Any]) -> None:
        """Where an update moves the job: inside the workspace, the new name locked, journaled before written."""
        if problems := escapes(workspace, paths):
            self.refuse(refusal(problems))
        if self.run is not None:
            try:
                self.run.lock_also(*new_job)
            except UserMessageError as error:
                self.refuse(str(error))
            self.run.cover(paths)

    def before_render(self, context: dict[str, Any]) -> None:
        """Once, when Copier starts writing: check the job's paths, join the update's run or start the copy's."""
        if self.started_render:
            return
        self.started_render = True
        conf = context["_copier_conf"]
        workspace, answers_file = Path(conf["dst_path"]), str(conf["answers_file"])
        paths = [asset_file(context), job_file(context), answers_file, self.answers_file_for(context)]
        if problems := escapes(workspace, [*paths, *self.scratch_paths()]):
            self.refuse(refusal(problems))
        self.run = joined_run(workspace, answers_file)
        if self.run is None:
            self.run = JobRun(workspace, context["tenant_id"], context["job_name"], self.run_id)
            self.owns_run = True
            self.run.start()
        # The scratch folder's .gitignore too: a refused first copy leaves no trace.
        self.run.cover([*paths, f"{SCRATCH}/.gitignore"], [self.staging()])

    def finish(self) -> str:
        """Called by copier.yml's last task and last migration; '' so they never run anything."""
        if self.run is not None and self.owns_run:
            self.run.finish()
        return ""


def run_end_problem(config: Mapping[str, Any]) -> str:
    """copier.yml must end its tasks and its migrations with finish_job_run(), or every run would be put back."""
    for key in ("_tasks", "_migrations"):
        entries = config.get(key) or [{}]
        last = entries[-1] if isinstance(entries[-1], dict) else {}
        if "finish_job_run()" not in str(last.get("when", "")):
            return f"dativo-gen: copier.yml: the last entry of {key} must be the one whose `when` ends the run"
    return ""


def changed_meanwhile(workspace: Path) -> bool:
    """Tracked files changed since the commit (new files of other jobs are no concern of an update)."""
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=workspace, capture_output=True, check=False
    )
    return status.returncode == 0 and bool(status.stdout.strip())
