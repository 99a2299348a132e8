"""Where a job's answers file belongs: copier.yml's `_answers_file`, rendered with the job's answers.

`copier update -a FILE` writes the answers back to FILE, so after a change of
`tenant_id` or `job_name` the file under `.copier-answers/` has to follow the job;
the `move_answers.py` task moves it. An answers file kept elsewhere (chosen with -a at
copy time) stays where its owner put it.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import PurePosixPath
from typing import Any

from jinja2 import Environment, Template
from jinja2.runtime import Context


def answers_file_template(config: Mapping[str, Any]) -> str:
    return str(config.get("_answers_file", ".copier-answers.yml"))


def follows_its_job(template: str, current: str) -> bool:
    """An answers file in the template's answers folder follows its job."""
    return PurePosixPath(current).parts[:1] == PurePosixPath(template).parts[:1]


class JobAnswersFile:
    """The answers file a job ends up with: the template rendered with its answers.

    Compiled on first use (the environment is not ready while extensions load), then kept.
    """

    def __init__(self, template: str):
        self.template = template
        self.compiled: Template | None = None

    def __call__(self, context: Context) -> str:
        return self.path(context.environment, context.get_all())

    def path(self, environment: Environment, answers: Mapping[str, Any]) -> str:
        current = str(answers["_copier_conf"]["answers_file"])
        if not follows_its_job(self.template, current):
            return current
        if self.compiled is None:
            self.compiled = environment.from_string(self.template)
        return self.compiled.render(answers)
