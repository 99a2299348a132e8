"""Where a job's answers file belongs: copier.yml's `_answers_file`, rendered with the job's answers.

`copier update -a FILE` writes the answers back to FILE, so after a change of
`tenant_id` or `job_name` the file under `.copier-answers/` has to follow the job;
the `move_answers.py` task moves it. An answers file kept elsewhere (chosen with -a at
copy time) stays where its owner put it.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from jinja2.runtime import Context

from .registry import read_yaml


def answers_file_template(template_root: Path) -> str:
    return str((read_yaml(template_root / "copier.yml") or {}).get("_answers_file", ".copier-answers.yml"))


def job_answers_file(template: str, context: Context) -> str:
    """The answers file this job ends up with."""
    current = str(context["_copier_conf"]["answers_file"])
    if PurePosixPath(current).parts[:1] != PurePosixPath(template).parts[:1]:
        return current
    return context.environment.from_string(template).render(context.get_all())
