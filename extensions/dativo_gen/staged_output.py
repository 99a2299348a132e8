"""The placement task's checks, run in Copier's process when it renders the task's command.

Copier writes the staged file (hooks/staged_bundle.py) before it renders the command of
the first task, so the command can carry the verdict: the SHA-256 digests of the staged
asset and job when they pass every check of hooks/staged_checks.py, '' otherwise. Here the checks cost a
few milliseconds, as PyYAML, the runtime rules and the registry are loaded already; the
task (hooks/place_files.py) then starts with the standard library only and moves the
files whose digests still match. Digest and checks read the same bytes.

On '' the task runs the same checks itself and prints their messages.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from . import runtime
from .registry import Registry, RegistryError


@functools.lru_cache(maxsize=8)
def hooks_module(template_root: Path, module: str) -> ModuleType:
    """hooks/<module>.py of this template checkout (an update runs two template versions;
    a process updating many jobs keeps the latest few)."""
    path = template_root / "hooks" / f"{module}.py"
    name = f"dativo_gen_{module}_{hashlib.sha1(str(path).encode()).hexdigest()[:12]}"
    # With the loader of this package's modules, which keeps compiled code in the user cache
    # (see registry_extension.py): every run is a new checkout, so Python's own cache never hits.
    spec = importlib.util.spec_from_file_location(name, path, loader=type(__spec__.loader)(name, str(path)))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class RegistryEntries:
    """The loaded registry as runtime.job_problems reads registry/connectors.yaml: an entry's
    fields by connector name (a Connector keeps them under the same names)."""

    def __init__(self, registry: Registry):
        self.registry = registry

    def get(self, name: str, default: Any = None) -> Any:
        try:
            return vars(self.registry.get(name))
        except RegistryError:
            return default


def staged_file(template_root: Path, asset: str, job: str, answers: str) -> str:
    """The text of the one file a run stages."""
    parts = {"asset.yaml": asset, "job.yaml": job, "answers.yml": answers}
    return hooks_module(template_root, "staged_bundle").pack(parts)


def staged_digests(template_root: Path, staging: Path, registry: Registry) -> str:
    bundle = hooks_module(template_root, "staged_bundle")
    try:
        parts = bundle.unpack((staging / bundle.STAGED_FILE).read_bytes())
    except (OSError, ValueError):
        return ""
    asset, job = parts["asset.yaml"], parts["job.yaml"]
    checks = hooks_module(template_root, "staged_checks")
    entries = RegistryEntries(registry)
    problems = checks.staged_problems(
        (asset, "asset"), (job, "job"), lambda document: runtime.job_problems(document, entries)
    )
    return "" if problems else bundle.digests(parts)
