"""What a registry entry and a recipe must look like, checked before any question is asked.

A maintainer's typo in registry/connectors.yaml or a recipe would otherwise surface as a
Python error deep in a render, or as a connector that silently offers nothing. The
rules follow Dativo's connectors.schema.json; each problem names the file and the entry.
"""

from __future__ import annotations

from typing import Any

from .limits import shown

ROLES = ("source", "target")
REQUIRED = ("roles", "default_engine", "engines_supported")
# field -> (accepted Python type, what to call it in a message)
FIELD_TYPES: dict[str, tuple[type, str]] = {
    "roles": (list, "a list"),
    "category": (str, "text"),
    "default_engine": (str, "text"),
    "engines_supported": (list, "a list"),
    "allowed_in_cloud": (bool, "true or false"),
    "supports_incremental": (bool, "true or false"),
    "incremental_strategy_default": (str, "text"),
    "objects_supported": (list, "a list"),
    "requires_tables": (bool, "true or false"),
    "supports_queries": (bool, "true or false"),
    "file_formats": (list, "a list"),
    "supports_schema_evolution": (bool, "true or false"),
}
RECIPE_MAPPINGS = ("credentials", "connection_template", "default_engine", "incremental", "generator")


def _unknown_field(field: str) -> str:
    import difflib  # a broken registry's path only: loading it costs every run

    close = difflib.get_close_matches(field, FIELD_TYPES, n=1)
    return f"unknown field {shown(field)}" + (f"; did you mean {shown(close[0])}?" if close else "")


def _field_problem(field: str, value: Any) -> str:
    if field not in FIELD_TYPES:
        return _unknown_field(field)
    expected, described = FIELD_TYPES[field]
    if not isinstance(value, expected):
        return f"{field} must be {described}, got {shown(value)}"
    if expected is list and not all(isinstance(item, str) and item for item in value):
        return f"{field} must list names, got {shown(value)}"
    if field == "roles":
        unknown = [role for role in value if role not in ROLES]
        if unknown or not value:
            return f"unknown role {shown(unknown[0])}; use source and/or target" if unknown else "roles is empty"
    return ""


def entry_problems(name: Any, entry: Any) -> list[str]:
    """Problems of one registry entry, each starting with the connector's name."""
    where = f"connector {shown(name)}"
    if not isinstance(name, str) or not name:
        return [f"{where}: a connector needs a name"]
    if not isinstance(entry, dict):
        return [f"{where}: expected a mapping of fields, got {shown(entry)}"]
    problems = [f"{where}: missing field {shown(field)}" for field in REQUIRED if field not in entry]
    problems += [f"{where}: {problem}" for field, value in entry.items() if (problem := _field_problem(field, value))]
    return problems


def recipe_problems(name: str, recipe: Any, entry: dict[str, Any]) -> list[str]:
    """A recipe must describe the same connector as its registry entry."""
    if not isinstance(recipe, dict):
        return [f"expected a mapping, got {shown(recipe)}"]
    problems = []
    if recipe.get("name", name) != name:
        problems.append(f"name is {shown(recipe['name'])} but the file is for connector {shown(name)}")
    if "roles" in recipe and list(recipe["roles"] or ()) != list(entry.get("roles") or ()):
        problems.append(f"roles {shown(recipe['roles'])} differ from the registry's {shown(entry.get('roles'))}")
    problems += [
        f"{key} must be a mapping, got {shown(recipe[key])}"
        for key in RECIPE_MAPPINGS
        if key in recipe and not isinstance(recipe[key], dict)
    ]
    # Jobs leave the strategy to the recipe, and the runtime refuses any but the registry's.
    incremental = recipe.get("incremental")
    strategy = incremental.get("strategy") if isinstance(incremental, dict) else None
    default = entry.get("incremental_strategy_default")
    if strategy and default and strategy != default:
        problems.append(f"incremental.strategy {strategy!r} differs from the registry's {default!r}")
    return problems
