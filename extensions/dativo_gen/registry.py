"""The connector registry and recipes, loaded once into plain, read-only data."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from .compile_cache import parsed_once
from .limits import SHOWN_CHARS, TEMPLATE_FILE_BYTES, TEMPLATE_FILE_LIMITS, shown, size_problem
from .registry_checks import entry_problems, recipe_problems
from .runtime import WITHOUT_CATALOG_DIR

REGISTRY_FILE = Path("registry") / "connectors.yaml"
RECIPES_DIR = Path("connectors")

# Categories that decide which questions apply; any other category is an API.
DATABASE = "database"
FILES = "files"
LAKEHOUSE = "lakehouse"
OBJECT_STORAGE = "object_storage"
API = "api"


# libyaml's loader, when PyYAML has it, reads the registry and recipes ten times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RegistryError(Exception):
    """The registry or a recipe cannot be used; the message names the file and entry."""


@dataclass(frozen=True)
class Connector:
    name: str
    roles: tuple[str, ...]
    category: str = ""
    default_engine: str = ""
    engines_supported: tuple[str, ...] = ()
    allowed_in_cloud: bool = True
    supports_incremental: bool = False
    incremental_strategy_default: str = ""
    objects_supported: tuple[str, ...] = ()
    requires_tables: bool = False
    supports_queries: bool = False
    file_formats: tuple[str, ...] = ()
    recipe: dict[str, Any] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """database, files, lakehouse, object_storage or api: what the questions depend on."""
        if self.category in (DATABASE, FILES, LAKEHOUSE, OBJECT_STORAGE):
            return self.category
        return API

    @property
    def has_recipe(self) -> bool:
        return bool(self.recipe)


@dataclass(frozen=True)
class Registry:
    """The registry's entries; a connector's recipe is read the first time get() returns it.

    A run uses two connectors of the registry: reading the recipes of the others (2,000 in
    a large registry) would be most of its loading. Every recipe is still checked by the
    tests (tests/test_registry.py), and a recipe a run uses is checked when it is read.
    """

    connectors: dict[str, Connector]
    root: Path | None = field(default=None, compare=False, repr=False)
    entries: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Names whose recipe file exists and has not been read yet.
    unread: set[str] = field(default_factory=set, compare=False, repr=False)

    def names_with_role(self, role: str) -> list[str]:
        return sorted(name for name, c in self.connectors.items() if role in c.roles)

    def get(self, name: str) -> Connector:
        """The connector with its recipe; RegistryError when it is unknown or its recipe is broken."""
        try:
            connector = self.connectors[name]
        except KeyError:
            known = ", ".join(sorted(self.connectors))
            raise RegistryError(
                f"connector {shown(name)} is not in {REGISTRY_FILE}; known connectors: {known}"
            ) from None
        if name in self.unread:
            recipe = _read_recipe(self.root, name, self.entries[name])
            connector = self.connectors[name] = replace(connector, recipe=recipe)
            self.unread.discard(name)
        return connector

    def entry(self, name: str) -> Connector:
        """The connector as the registry describes it, its recipe not read (for choices and labels)."""
        return self.connectors[name]

    def read_all_recipes(self) -> Registry:
        """Every recipe read and checked, as the tests do; returns the registry."""
        for name in sorted(self.unread):
            self.get(name)
        return self

    @property
    def missing_recipes(self) -> list[str]:
        return sorted(name for name, c in self.connectors.items() if not c.has_recipe and name not in self.unread)


def read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_SafeLoader)
    except yaml.YAMLError as error:
        raise RegistryError(f"{path}: not valid YAML: {error}") from None
    except (ValueError, RecursionError) as error:  # a number past Python's digit limit, nesting past the stack
        raise RegistryError(f"{path}: cannot be read: {str(error)[:SHOWN_CHARS]}") from None


def _within_limits(path: Path, value: Any) -> Any:
    if problem := size_problem(value, TEMPLATE_FILE_LIMITS):
        raise RegistryError(f"{path}: {problem}")
    return value


def read_template_yaml(path: Path) -> Any:
    """A YAML file shipped with the template, parsed once per content (see parsed_once),
    and measured before anything walks it (see limits)."""
    data = path.read_bytes()
    if len(data) > TEMPLATE_FILE_BYTES:
        raise RegistryError(f"{path}: {len(data):,} bytes is too big; at most {TEMPLATE_FILE_BYTES:,}")
    return _within_limits(path, parsed_once(data, lambda _: _within_limits(path, read_yaml(path))))


def _connector_from_entry(name: str, entry: dict[str, Any], recipe: dict[str, Any]) -> Connector:
    known = Connector.__dataclass_fields__
    values = {key: value for key, value in entry.items() if key in known}
    for key in ("roles", "engines_supported", "objects_supported", "file_formats"):
        if key in values:
            values[key] = tuple(values[key] or ())
    return Connector(name=name, recipe=recipe, **values)


def _raise_problems(path: Path, problems: list[str]) -> None:
    if problems:
        listed = "\n".join(f"  {problem}" for problem in problems)
        raise RegistryError(f"{path} cannot be used:\n{listed}")


def _read_recipe(root: Path, name: str, entry: dict[str, Any]) -> dict[str, Any]:
    path = root / RECIPES_DIR / f"{name}.yaml"
    if not path.is_file():
        return {}
    recipe = read_template_yaml(path)
    problems = recipe_problems(name, recipe, entry)
    if isinstance(recipe, dict) and recipe.get("catalog") and not (root / WITHOUT_CATALOG_DIR / path.name).is_file():
        # Jobs that answer no to the catalog point there (see runtime.py).
        problems.append(f"has a catalog but no copy without it at {WITHOUT_CATALOG_DIR}/{path.name}")
    _raise_problems(path, problems)
    return recipe


def load_registry(root: Path) -> Registry:
    """Read registry/connectors.yaml below the template root; each recipe connectors/<name>.yaml
    is read when the run first uses its connector (Registry.get)."""
    registry_path = root / REGISTRY_FILE
    data = read_template_yaml(registry_path)
    entries = (data or {}).get("connectors") if isinstance(data, dict) else None
    if not isinstance(entries, dict) or not entries:
        raise RegistryError(f"{registry_path}: needs a non-empty 'connectors' mapping")
    _raise_problems(
        registry_path, [problem for name, entry in entries.items() for problem in entry_problems(name, entry)]
    )
    recipe_names = {path.stem for path in (root / RECIPES_DIR).glob("*.yaml")}
    orphans = sorted(f"{name}.yaml" for name in recipe_names if name not in entries)
    if orphans:
        raise RegistryError(
            f"{root / RECIPES_DIR}: no registry entry in {REGISTRY_FILE} for the recipe(s) {', '.join(orphans)}; "
            "add the connector to the registry or remove the recipe"
        )
    connectors = {name: _connector_from_entry(name, entry, {}) for name, entry in entries.items()}
    registry = Registry(connectors=connectors, root=root, entries=entries, unread=recipe_names & set(entries))
    for name in registry.missing_recipes:
        print(
            f"dativo-gen: warning: no recipe {RECIPES_DIR}/{name}.yaml for connector {shown(name)}; "
            "it gets minimal configuration",
            file=sys.stderr,
        )
    return registry
