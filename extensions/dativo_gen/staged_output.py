"""The placement task's checks, run in Copier's process when it renders the task's command.

Copier writes the staged file (hooks/staged_bundle.py) before it renders the command of
the first task, so the command can carry the verdict: the SHA-256 digests of the staged
asset and job when they pass every check of hooks/staged_checks.py, '' otherwise. Here the checks cost a
few milliseconds, as PyYAML, the runtime rules and the registry are loaded already; the
task (hooks/place_files.py) then starts with the standard library only and moves the
files whose digests still match. Digest and checks read the same bytes.

On '' the task runs the same checks itself and prints their messages.

In the two throwaway copies `copier update` renders to diff against, the task's moves are
done here instead (placed_in_throwaway_copy), so an update starts the task only once.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
import tempfile
from pathlib import Path
from types import ModuleType
from typing import Any

from . import runtime
from .documents import asset_file, job_file
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


def staged_parts(template_root: Path, staging: Path) -> dict[str, bytes] | None:
    """The parts of the file staged in `staging`, None when it cannot be read or is not one."""
    bundle = hooks_module(template_root, "staged_bundle")
    try:
        return bundle.unpack((staging / bundle.STAGED_FILE).read_bytes())
    except (OSError, ValueError):
        return None


def staged_digests(template_root: Path, staging: Path, registry: Registry) -> str:
    if (parts := staged_parts(template_root, staging)) is None:
        return ""
    asset, job = parts["asset.yaml"], parts["job.yaml"]
    checks = hooks_module(template_root, "staged_checks")
    entries = RegistryEntries(registry)
    problems = checks.staged_problems(
        (asset, "asset"), (job, "job"), lambda document: runtime.job_problems(document, entries)
    )
    return "" if problems else hooks_module(template_root, "staged_bundle").digests(parts)


def is_throwaway_copy(operation: str, destination: Path) -> bool:
    """One of the two copies `copier update` renders only to diff against (the old and the
    new version): a folder it made in the temporary directory, outside any git work tree.
    The job's own workspace is always in git: Copier updates nothing else (GIT_DIR can put
    a folder in git without a .git, so with it set nothing is taken for a copy)."""
    if operation != "update" or "GIT_DIR" in os.environ:
        return False
    folder = destination.absolute()
    inside_temp = folder.resolve().is_relative_to(Path(tempfile.gettempdir()).resolve())
    return inside_temp and not any((parent / ".git").exists() for parent in (folder, *folder.parents))


def placed_in_throwaway_copy(template_root: Path, context: Any, staging: str) -> bool:
    """In a throwaway copy, the placement task's moves done in Copier's process, saving the
    task's: the parts written to their final paths, this run's staging folder removed. The
    checks are left to the task in the workspace: the new copy renders the same answers with
    the same template, and the old copy what an earlier run placed. False elsewhere, and
    when the staged file cannot be read (the task then runs and reports it)."""
    conf = context["_copier_conf"]
    copy = Path(conf["dst_path"])
    if not is_throwaway_copy(context.get("_copier_operation", ""), copy):
        return False
    if (parts := staged_parts(template_root, copy / staging)) is None:
        return False
    bundle = hooks_module(template_root, "staged_bundle")
    finals = (asset_file(context), job_file(context), str(conf["answers_file"]))
    for name, final in zip(bundle.PARTS, finals, strict=True):
        (copy / final).parent.mkdir(parents=True, exist_ok=True)
        (copy / final).write_bytes(parts[name])
    bundle.remove_staging(copy / staging)
    return True
