"""Types that survive the runtime: what a person chooses lands with the same meaning.

The runtime stores string, integer, float/double, boolean and timestamp/datetime/date as
such and every other type name, bigint included, as a string column.
"""

from __future__ import annotations

import json

from conftest import ROOT, generate, generated_files, load_yaml
from dativo_gen.fields import FIELD_TYPES
from dativo_gen.runtime_types import RUNTIME_TYPES, asset_field

# Each field type a person can answer, and the asset entry the runtime reads it from.
LANDS_AS = {
    "string": {"type": "string"},
    "integer": {"type": "integer"},
    "bigint": {"type": "integer", "physicalType": "bigint"},
    "double": {"type": "double"},
    "boolean": {"type": "boolean"},
    "date": {"type": "date"},
    "timestamp": {"type": "timestamp"},
}


def test_every_answer_type_has_a_landing_type():
    assert set(LANDS_AS) == set(FIELD_TYPES)


def test_every_answer_type_lands_as_a_type_the_runtime_maps_to_its_meaning(workspace):
    fields = ", ".join(f"f_{name}:{name}" for name in FIELD_TYPES)
    answers = generate(workspace, {"source_connector": "csv", "fields": fields})
    asset, _ = generated_files(workspace, answers)
    landed = {
        field["name"]: {key: value for key, value in field.items() if key in ("type", "physicalType")}
        for field in asset["schema"]
    }
    assert landed == {f"f_{name}": entry for name, entry in LANDS_AS.items()}
    assert all(field["type"] in RUNTIME_TYPES for field in asset["schema"])


def test_the_answers_keep_the_persons_types(workspace):
    answers = generate(workspace, {"source_connector": "postgres", "fields": "total:bigint"})
    recorded = load_yaml(workspace / ".copier-answers" / "acme" / f"{answers['job_name']}.yml")
    assert recorded["fields"] == "total:bigint"
    asset, _ = generated_files(workspace, answers)
    assert asset["schema"][-1] == {"name": "total", "type": "integer", "physicalType": "bigint", "required": False}


def test_asset_field_keeps_every_other_key_in_order():
    field = {"name": "id", "type": "bigint", "required": True, "classification": "PII", "description": "key"}
    assert list(asset_field(field).items()) == [
        ("name", "id"),
        ("type", "integer"),
        ("physicalType", "bigint"),
        ("required", True),
        ("classification", "PII"),
        ("description", "key"),
    ]
    assert asset_field({"name": "n", "type": "double", "required": False}) == {
        "name": "n",
        "type": "double",
        "required": False,
    }


def test_our_asset_schema_allows_exactly_the_runtime_types():
    definitions = json.loads((ROOT / "hooks" / "schemas" / "definitions.schema.json").read_text(encoding="utf-8"))
    assert set(definitions["$defs"]["runtimeType"]["enum"]) == set(RUNTIME_TYPES)
