"""On `copier update`: answers left at their default follow the answers they derive from.

Copier replays a job's recorded answers and only falls back to a question's default
for answers it does not have. Derived answers such as `assets_dir`
(`assets/<source>/v<asset_version>`) or `job_name` (`<asset>_to_<target>`) were recorded
with the value their default had at copy time, so `--data asset_version=1.1` alone would
leave the asset in the old version's folder.

Before Copier re-renders the job, copier.yml's first migration asks this module which
recorded answers to forget: those whose value equals their default rendered with the
recorded answers, and whose default changes when rendered with the new answers (recorded
answers updated by --data). Copier then computes them again from the new answers (and,
without --defaults, offers the new value). Answers typed by hand, or given with --data,
are kept. The defaults are rendered in the template's own Jinja environment, so they may
call the extension's functions. The same step stops an update whose new answers would
move the job onto another job's answers, asset or job file, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from copier.errors import UserMessageError
from jinja2 import Environment

from .answers_path import follows_its_job
from .clobber import clobbered_files
from .documents import asset_file, job_file
from .drift import read_recorded_answers
from .paths import generated_paths
from .registry import Registry

Render = Callable[[str, Mapping[str, Any]], "str | None"]

# Answers whose default reads answers a person may change at an update's prompt (the
# fields, the schema table), which this step cannot see: without --defaults they are
# forgotten whenever they sit at their default, so the prompt offers the default again,
# computed from what was just typed (a new field named like PII comes pre-selected).
FOLLOW_AT_THE_PROMPT = ("pii_fields", "sensitive_fields", "table_name")


def templated_defaults(config: Mapping[str, Any]) -> dict[str, str]:
    """copier.yml's questions whose default is a Jinja template, in the order Copier asks them."""
    return {
        key: spec["default"]
        for key, spec in config.items()
        if not key.startswith("_")
        and isinstance(spec, dict)
        and isinstance(spec.get("default"), str)
        and "{{" in spec["default"]
    }


def renderer(environment: Environment) -> Render:
    def render(template: str, answers: Mapping[str, Any]) -> str | None:
        try:
            return environment.from_string(template).render(dict(answers))
        except Exception:
            return None

    return render


def answers_to_recompute(
    defaults: Mapping[str, str],
    recorded: Mapping[str, Any],
    data: Mapping[str, Any],
    render: Render,
    interactive: bool = False,
) -> tuple[list[str], dict[str, Any]]:
    """Recorded answers still at their old default whose default changes; and the new answers."""
    old = {key: value for key, value in recorded.items() if not key.startswith("_")}
    new = {**old, **data}
    followed = []
    for key, default in defaults.items():
        if key not in recorded or key in data:
            continue
        before = render(default, old)
        if before is None or str(recorded[key]) != before:
            continue
        after = render(default, new)
        if after is None:
            continue
        if after == before and not (interactive and key in FOLLOW_AT_THE_PROMPT):
            continue
        followed.append(key)
        # Later defaults may derive from this one (answers are asked in order).
        new[key] = after
    return followed, new


def taken_answers_file(answers_file: str, moved_to: str | None, workspace: Path) -> str:
    """A problem when the new answers would move this job's answers onto another job's file."""
    if not moved_to or moved_to == answers_file or not (workspace / moved_to).exists():
        return ""
    return (
        f"dativo-gen: {answers_file}: the new answers move this job to {moved_to}, which holds the answers "
        "of another job; choose another job_name or tenant_id"
    )


def moved_onto_other_files(
    registry: Registry, recorded: Mapping[str, Any], new: Mapping[str, Any], workspace: Path
) -> list[str]:
    """Files of other jobs the new answers would write over with different content.

    Copier updates always overwrite, so the copy-time no-clobber check does not cover a
    job whose asset or job file moves onto another job's file.
    """
    try:
        own = {asset_file(recorded), job_file(recorded)}
        if {asset_file(new), job_file(new)} <= own:
            return []  # neither file moves: building the documents to compare would change nothing
        clobbered = clobbered_files(registry, new, workspace)
    except Exception:  # answers that do not build yet are left to Copier's validators
        return []
    return [path for path in clobbered.values() if path not in own]


def new_paths(answers: Mapping[str, Any], moved_to: str | None) -> list[str]:
    """Where the new answers put the job's files (those that do not build yet are left to the validators)."""
    try:
        return [asset_file(answers), job_file(answers), *([moved_to] if moved_to else [])]
    except (KeyError, TypeError):
        return []


class FollowedAnswers(NamedTuple):
    forget: list[str]  # recorded answers Copier should compute again
    new_paths: list[str]  # where the new answers put the job's files
    new_job: tuple[Any, Any] = (None, None)  # (tenant_id, job_name) under the new answers
    old_paths: tuple[str, str] | None = None  # (asset, job) under the recorded answers; None if unknown


def answers_to_forget(
    conf: Mapping[str, Any], defaults: Mapping[str, str], answers_template: str, render: Render, registry: Registry
) -> FollowedAnswers:
    """The recorded answers Copier should compute again, the job's new paths and its new name.

    Stops a rename onto another job's files."""
    answers_file, workspace = str(conf["answers_file"]), Path(conf["dst_path"])
    recorded = read_recorded_answers(workspace / answers_file)
    if not recorded:
        return FollowedAnswers([], [])
    followed, new = answers_to_recompute(defaults, recorded, conf["data"], render, not conf["defaults"])
    moved_to = render(answers_template, new) if follows_its_job(answers_template, answers_file) else None
    if problem := taken_answers_file(answers_file, moved_to, workspace):
        raise UserMessageError(problem)
    if taken := moved_onto_other_files(registry, recorded, new, workspace):
        raise UserMessageError(
            f"dativo-gen: {answers_file}: the new answers would write over {', '.join(taken)}, another job's "
            "file with other content; choose another asset_name, asset_version or job_name"
        )
    new_job = (new.get("tenant_id"), new.get("job_name"))
    return FollowedAnswers(followed, new_paths(new, moved_to), new_job, generated_paths(recorded))
