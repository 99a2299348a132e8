"""The registry and the recipes agree with each other and with Dativo's own formats."""

from __future__ import annotations

import re

import jsonschema
import pytest

from conftest import ROOT, load_yaml, reference_schema
from dativo_gen.registry import RECIPES_DIR, REGISTRY_FILE, load_registry

REGISTRY_DATA = load_yaml(ROOT / REGISTRY_FILE)
RECIPES = {path.stem: load_yaml(path) for path in sorted((ROOT / RECIPES_DIR).glob("*.yaml"))}


def test_registry_passes_the_reference_connectors_schema():
    jsonschema.validate(REGISTRY_DATA, reference_schema("connectors.schema.json"))


def test_every_connector_has_a_recipe_and_every_recipe_a_connector():
    assert set(RECIPES) == set(REGISTRY_DATA["connectors"])


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_recipe_matches_its_registry_entry(name):
    recipe, entry = RECIPES[name], REGISTRY_DATA["connectors"][name]
    assert recipe["name"] == name
    assert recipe["roles"] == entry["roles"]
    assert recipe["default_engine"]["type"] == entry["default_engine"]
    if entry.get("supports_incremental"):
        assert recipe["incremental"]["strategy"] == entry["incremental_strategy_default"]


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_recipe_connections_hold_only_env_references_for_secrets(name):
    template = RECIPES[name].get("connection_template") or {}

    def walk(mapping):
        for key, value in mapping.items():
            if isinstance(value, dict):
                yield from walk(value)
            else:
                yield key, value

    for key, value in walk(template):
        if any(word in key for word in ("secret", "password", "key", "token")):
            assert re.fullmatch(r"\$\{\w+\}", str(value)), f"{name}.{key} must be an ${{ENV}} reference"


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_recipe_credentials_come_from_env_or_secret_files(name):
    credentials = RECIPES[name].get("credentials")
    if credentials is None:
        return
    assert set(credentials) <= {"type", "from_env", "file_template"}
    assert credentials.get("type") in {"none", "api_key", "basic", "service_account"}


def test_every_recipe_passes_the_checks_a_run_makes_when_it_uses_the_connector():
    """A run reads only the recipes of its two connectors; all of them are checked here."""
    registry = load_registry(ROOT).read_all_recipes()
    assert all(connector.has_recipe for connector in registry.connectors.values())
