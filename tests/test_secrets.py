"""No secret reaches a generated file or an answers file.

Every environment variable a recipe names (credentials and ${ENV} connection values) and
the usual database password variables hold a planted value while every source and target
is generated; afterwards no byte of the workspace may contain it.
"""

from __future__ import annotations

import itertools
import re

import pytest
import yaml

from conftest import ROOT, generate, load_yaml, snapshot
from dativo_gen.connection_checks import ENV_REFERENCE, is_credential_key

PLANTED = "planted-s3cr3t-7f3a9c"
RECIPES = {path.stem: load_yaml(path) for path in sorted((ROOT / "connectors").glob("*.yaml"))}
REGISTRY = load_yaml(ROOT / "registry" / "connectors.yaml")["connectors"]
SOURCES = sorted(name for name, entry in REGISTRY.items() if "source" in entry["roles"])
TARGETS = sorted(name for name, entry in REGISTRY.items() if "target" in entry["roles"])
PASSWORD_VARIABLES = ("PGPASSWORD", "MYSQL_PASSWORD", "MYSQL_PWD", "AWS_SECRET_ACCESS_KEY")


def recipe_variables() -> set[str]:
    names = set(PASSWORD_VARIABLES)
    for recipe in RECIPES.values():
        if from_env := (recipe.get("credentials") or {}).get("from_env"):
            names.add(from_env)
        names.update(re.findall(r"\$\{(\w+)\}", yaml.safe_dump(recipe.get("connection_template") or {})))
    return names


@pytest.fixture
def planted_environment(monkeypatch):
    for name in recipe_variables():
        monkeypatch.setenv(name, PLANTED)


def credential_values(mapping: dict, where: str = ""):
    for key, value in mapping.items():
        if isinstance(value, dict):
            yield from credential_values(value, f"{where}{key}.")
        elif is_credential_key(key):
            yield f"{where}{key}", value


def test_no_generated_or_answers_file_holds_a_planted_secret(planted_environment, tmp_path):
    workspace = tmp_path / "workspace"
    targets = itertools.cycle(TARGETS)
    for source in SOURCES:
        answers = {"source_connector": source, "target_connector": next(targets), "fields": "id:integer!, email"}
        if source == "postgres":
            answers["source_connection"] = {"host": "${PGHOST}", "password": "${PGPASSWORD}"}
        generate(workspace, answers)

    files = snapshot(workspace)
    assert len([name for name in files if name.startswith(".copier-answers/")]) == len(SOURCES)
    assert [name for name, content in files.items() if PLANTED.encode() in content] == []

    credentials = [
        (name, where, value)
        for name in files
        if name.startswith("jobs/")
        for where, value in credential_values(yaml.safe_load(files[name]))
    ]
    assert ("source.connection.password", "${PGPASSWORD}") in [(where, value) for _, where, value in credentials]
    assert [item for item in credentials if not ENV_REFERENCE.fullmatch(str(item[2]))] == []


def test_no_question_takes_a_secret_that_would_be_stored():
    """Credentials come from the environment; a question asking for one would have to be secret."""
    config = load_yaml(ROOT / "copier.yml")
    questions = {key: spec for key, spec in config.items() if not key.startswith("_")}
    asks_for_secret = [key for key in questions if is_credential_key(key)]
    assert all(questions[key].get("secret") for key in asks_for_secret), asks_for_secret
