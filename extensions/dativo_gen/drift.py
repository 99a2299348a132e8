"""Recorded answers the current template version no longer offers (registry drift).

On `copier update` and `copier recopy` Copier replays a job's recorded answers and
silently drops those that fail the question's choices or validator, then takes the
default: a job whose target left the registry would quietly become an Iceberg job.
The extension runs this check on the job's answers file first and stops with a
message naming the job, the answer and the options.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .checks import check_objects
from .preflight import scripted_answer_problems, size_problems
from .questions import source_kind
from .registry import API, Registry, read_yaml

CONNECTOR_KEYS = ("source_connector", "target_connector")


def read_recorded_answers(answers_file: Path) -> dict[str, Any]:
    """The answers a job was last generated with ({} when there is no such file yet)."""
    try:
        if not answers_file.is_file():
            return {}
    except OSError:  # a name too long for the file system: no such file
        return {}
    answers = read_yaml(answers_file)
    return answers if isinstance(answers, dict) else {}


def recorded_answer_problems(
    registry: Registry, recorded: Mapping[str, Any], data: Mapping[str, Any], questions: Mapping[str, Any]
) -> list[str]:
    """Problems with recorded answers that --data does not replace."""
    if oversized := size_problems(recorded):
        return oversized
    kept = {key: recorded[key] for key in CONNECTOR_KEYS if key in recorded and key not in data}
    mode = data.get("deployment_mode", recorded.get("deployment_mode", "self_hosted"))
    problems = scripted_answer_problems(registry, {**kept, "deployment_mode": mode}, questions)
    source = data.get("source_connector", recorded.get("source_connector"))
    if "objects" in recorded and "objects" not in data and source in registry.connectors:
        connector = registry.get(source)
        offers_objects = source_kind(connector) == API and connector.objects_supported
        if offers_objects and (problem := check_objects("objects", connector, recorded["objects"])):
            problems.append(problem)
    return problems


def drift_message(answers_file: Any, recorded: Mapping[str, Any], problems: list[str]) -> str:
    job = f"{recorded.get('tenant_id', '?')}/{recorded.get('job_name', '?')}"
    lines = [f"dativo-gen: job {job} ({answers_file}) has answers this template version no longer accepts:"]
    lines += [f"  {problem}" for problem in problems]
    lines.append("Give new answers with --data KEY=VALUE; Copier would otherwise replace them with defaults.")
    return "\n".join(lines)
