"""Before every `copier update`: derived answers follow their inputs; a rename may not take another job's place.

Copier replays a job's recorded answers and only falls back to a question's default
for answers it does not have. Derived answers such as `assets_dir`
(`assets/<source>/v<asset_version>`), `job_name` (`<asset>_to_<target>`) or `s3_prefix`
were recorded with the value their default had at copy time, so changing
`asset_version` alone would leave the asset in the old version's folder.

This script runs in the workspace before Copier re-renders the job (a `_migrations`
entry without a version, stage `before`). For every recorded answer whose default is a
plain Jinja expression of earlier answers (no template functions), it renders that
default with the recorded answers and with the new ones (recorded answers updated by
`--data`). When the recorded value equals the old default and the new default differs,
the answer was never chosen by hand: it is dropped from the answers file, so Copier
computes it again from the new answers (and, without --defaults, offers the new value).
Answers typed by hand, and answers given with --data, are kept.

When the new answers move the job's answers file (`_answers_file` renders to another
path, e.g. after `--data job_name=...`) and that path already holds another job's
answers, it stops here, before anything in the workspace has changed.

Usage: prepare_update.py ANSWERS_FILE COPIER_YML DATA_JSON
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jinja2
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from answers_io import read_answers, write_answers

# A default that needs the template's own functions or filters fails to render here and is skipped.
_ENV = jinja2.Environment(undefined=jinja2.StrictUndefined, autoescape=False)


def question_defaults(config: dict[str, Any]) -> dict[str, str]:
    """The questions whose default is a Jinja template, in the order Copier asks them."""
    return {
        key: spec["default"]
        for key, spec in config.items()
        if not key.startswith("_")
        and isinstance(spec, dict)
        and isinstance(spec.get("default"), str)
        and "{{" in spec["default"]
    }


def render_default(default: str, answers: dict[str, Any]) -> str | None:
    try:
        return _ENV.from_string(default).render(answers)
    except (jinja2.TemplateError, TypeError, ValueError):
        return None


def answers_to_recompute(
    defaults: dict[str, str], recorded: dict[str, Any], data: dict[str, Any]
) -> tuple[list[str], dict[str, Any]]:
    """Recorded answers still at their old default whose default changes; and the new answers."""
    old = {key: value for key, value in recorded.items() if not key.startswith("_")}
    new = {**old, **data}
    followed = []
    for key, default in defaults.items():
        if key not in recorded or key in data:
            continue
        before, after = render_default(default, old), render_default(default, new)
        if before is None or after is None or str(recorded[key]) != before or after == before:
            continue
        followed.append(key)
        # Later defaults may derive from this one (answers are asked in order).
        new[key] = after
    return followed, new


def taken_answers_file(answers_file: Path, answers_file_template: str, new: dict[str, Any]) -> str:
    """A problem when the new answers would move this job's answers onto another job's file."""
    moved_to = render_default(answers_file_template, new)
    if moved_to is None or Path(moved_to) == answers_file or not Path(moved_to).exists():
        return ""
    return (
        f"{answers_file}: the new answers move this job to {moved_to}, which holds the answers of "
        "another job; choose another job_name or tenant_id"
    )


def main(argv: list[str]) -> int:
    answers_file, copier_yml, data_json = Path(argv[0]), Path(argv[1]), argv[2]
    if not answers_file.is_file():
        return 0
    recorded = read_answers(answers_file)
    config = yaml.safe_load(copier_yml.read_text(encoding="utf-8")) or {}
    followed, new = answers_to_recompute(question_defaults(config), recorded, json.loads(data_json) or {})
    if problem := taken_answers_file(answers_file, str(config.get("_answers_file", "")), new):
        print(f"dativo-gen: {problem}", file=sys.stderr)
        return 1
    if followed:
        write_answers(answers_file, {key: value for key, value in recorded.items() if key not in followed})
        print(f"dativo-gen: following the new answers: {', '.join(followed)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
