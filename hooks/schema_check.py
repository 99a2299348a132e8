"""A JSON Schema (draft-07) checker for the template's own schemas, in the standard library.

It walks the schema dicts of hooks/schemas/ directly and knows exactly the keywords they
use. A schema with any other keyword, or with keywords beside a $ref (draft-07 ignores
those), is refused when loaded (SchemaError): no part of a schema is silently unchecked.
A document's first problem is reported with its JSON path, in fastjsonschema's words,
which the template showed before. tests/test_schema_check.py holds it to jsonschema's
verdicts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

# They describe a schema and never fail a document ($defs holds schemas that $ref names).
ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs"}
KEYWORDS = {
    *("type", "enum", "const", "allOf", "anyOf", "$ref"),
    *("minLength", "pattern", "minimum", "minItems", "uniqueItems", "items"),
    *("minProperties", "required", "properties", "additionalProperties"),
}
TYPES = {
    "null": lambda value: value is None,
    "boolean": lambda value: isinstance(value, bool),
    "number": lambda value: isinstance(value, (int, float)) and not isinstance(value, bool),
    # draft-07: a number with a zero fractional part, 1.0 included
    "integer": lambda value: TYPES["number"](value) and (isinstance(value, int) or value.is_integer()),
    "string": lambda value: isinstance(value, str),
    "array": lambda value: isinstance(value, list),
    "object": lambda value: isinstance(value, dict),
}
# An unescaped $ ends the text, as in ECMA-262 (Python's $ also matches before a final newline).
END_ANCHOR = re.compile(r"(?<!\\)\$")


class SchemaError(Exception):
    """A schema this checker cannot check: a developer's error, found when the schemas load."""


class Problem(Exception):
    """Why a document fails its schema: the JSON path, the value found there and what is wrong."""

    def __init__(self, path: str, value: Any, detail: str):
        super().__init__(path, value, detail)
        self.path, self.value, self.detail = path, value, detail

    def __str__(self) -> str:
        shown = f"{self.value!r} " if self.value is None or isinstance(self.value, (str, int, float)) else ""
        return f"{self.path}: {shown}{self.detail}"


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def json_equal(left: Any, right: Any) -> bool:
    """Equal as JSON values: true is not 1, 1 is 1.0, arrays and objects compare item by item."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(json_equal, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(json_equal(left[key], right[key]) for key in left)
    if TYPES["number"](left) and TYPES["number"](right):
        return left == right
    return type(left) is type(right) and left == right


def has_duplicates(items: list[Any]) -> bool:
    return any(json_equal(item, later) for index, item in enumerate(items) for later in items[index + 1 :])


class Schemas:
    """Schema documents by file name, their $refs resolved and every keyword known."""

    def __init__(self, documents: Mapping[str, dict[str, Any]]):
        self.documents = documents
        self.by_id = {document["$id"]: document for document in documents.values()}
        self.prepared: set[int] = set()  # id() of every schema walked below
        self.refs: list[tuple[dict[str, Any], dict[str, Any], str]] = []  # ({"$ref": ...}, its file, where)
        self.patterns: dict[str, re.Pattern[str]] = {}
        for name, document in documents.items():
            self.prepare(document, document, f"{name}#")
        self.targets = {
            id(schema): self.resolve(schema["$ref"], document, where) for schema, document, where in self.refs
        }

    def prepare(self, schema: Any, document: dict[str, Any], where: str) -> None:
        if not isinstance(schema, dict):
            raise SchemaError(f"{where}: a schema must be an object")
        self.prepared.add(id(schema))
        if "$ref" in schema:
            if set(schema) - {"$ref", "title", "description"}:
                raise SchemaError(f"{where}: draft-07 ignores keywords beside $ref; put them in an allOf with the $ref")
            self.refs.append((schema, document, where))
            return
        if unknown := sorted(set(schema) - ANNOTATIONS - KEYWORDS):
            raise SchemaError(f"{where}: hooks/schema_check.py does not check {', '.join(unknown)}")
        if "$id" in schema and schema is not document:
            raise SchemaError(f"{where}: $id is only read at the top of a schema file")
        if unknown_types := [name for name in as_list(schema.get("type", [])) if name not in TYPES]:
            raise SchemaError(f"{where}: unknown type {unknown_types}")
        if "pattern" in schema:
            self.patterns[schema["pattern"]] = re.compile(END_ANCHOR.sub(r"\\Z", schema["pattern"]))
        if "items" in schema:
            self.prepare(schema["items"], document, f"{where}/items")
        if schema.get("additionalProperties", False) is not False:  # false: no other property
            self.prepare(schema["additionalProperties"], document, f"{where}/additionalProperties")
        for keyword in ("properties", "$defs"):
            for key, subschema in schema.get(keyword, {}).items():
                self.prepare(subschema, document, f"{where}/{keyword}/{key}")
        for keyword in ("allOf", "anyOf"):
            for index, subschema in enumerate(schema.get(keyword, [])):
                self.prepare(subschema, document, f"{where}/{keyword}/{index}")

    def resolve(self, ref: str, document: dict[str, Any], where: str) -> dict[str, Any]:
        """The schema a $ref names: another file by its $id, then a JSON pointer into it."""
        url, fragment = urldefrag(urljoin(document["$id"], ref))
        target: Any = self.by_id.get(url)
        for token in filter(None, unquote(fragment).split("/")):
            target = target.get(token.replace("~1", "/").replace("~0", "~")) if isinstance(target, dict) else None
        if id(target) not in self.prepared:
            raise SchemaError(f"{where}: $ref {ref} names no schema of hooks/schemas/")
        return target

    def first_problem(self, document: Any, name: str) -> Problem | None:
        """What makes `document` fail the schema file `name`, or None when it passes."""
        try:
            self.check(document, self.documents[name], "$")
        except Problem as problem:
            return problem
        return None

    def check(self, value: Any, schema: dict[str, Any], path: str) -> None:
        """Raise the first Problem, trying the keywords in fastjsonschema's order."""
        if "$ref" in schema:
            return self.check(value, self.targets[id(schema)], path)
        if "type" in schema and not any(TYPES[name](value) for name in as_list(schema["type"])):
            raise Problem(path, value, f"must be {' or '.join(as_list(schema['type']))}")
        if "enum" in schema and not any(json_equal(value, option) for option in schema["enum"]):
            raise Problem(path, value, f"must be one of {schema['enum']}")
        for subschema in schema.get("allOf", []):
            self.check(value, subschema, path)
        if "anyOf" in schema and not any(self.passes(value, subschema, path) for subschema in schema["anyOf"]):
            raise Problem(path, value, "cannot be validated by any definition")
        if isinstance(value, str) and len(value) < schema.get("minLength", 0):
            raise Problem(path, value, f"must be longer than or equal to {schema['minLength']} characters")
        if isinstance(value, str) and "pattern" in schema and not self.patterns[schema["pattern"]].search(value):
            raise Problem(path, value, f"must match pattern {schema['pattern']}")
        if TYPES["number"](value) and "minimum" in schema and value < schema["minimum"]:
            raise Problem(path, value, f"must be bigger than or equal to {schema['minimum']}")
        if isinstance(value, list):
            self.check_array(value, schema, path)
        if isinstance(value, dict):
            self.check_object(value, schema, path)
        if "const" in schema and not json_equal(value, schema["const"]):
            raise Problem(path, value, f"must be same as const definition: {schema['const']}")
        return None

    def check_array(self, value: list[Any], schema: dict[str, Any], path: str) -> None:
        if len(value) < schema.get("minItems", 0):
            raise Problem(path, value, f"must contain at least {schema['minItems']} items")
        if schema.get("uniqueItems") and has_duplicates(value):
            raise Problem(path, value, "must contain unique items")
        for index, item in enumerate(value if "items" in schema else []):
            self.check(item, schema["items"], f"{path}[{index}]")

    def check_object(self, value: dict[Any, Any], schema: dict[str, Any], path: str) -> None:
        if len(value) < schema.get("minProperties", 0):
            raise Problem(path, value, f"must contain at least {schema['minProperties']} properties")
        if missing := sorted(set(schema.get("required", [])) - value.keys()):
            raise Problem(path, value, f"must contain {missing} properties")
        properties = schema.get("properties", {})
        for key, subschema in properties.items():
            if key in value:
                self.check(value[key], subschema, f"{path}.{key}")
        extra = [key for key in value if key not in properties]
        additional = schema.get("additionalProperties", {})
        if extra and additional is False:
            raise Problem(path, value, f"must not contain {{{', '.join(map(repr, extra))}}} properties")
        for key in extra if additional else []:
            self.check(value[key], additional, f"{path}.{key}")

    def passes(self, value: Any, schema: dict[str, Any], path: str) -> bool:
        try:
            self.check(value, schema, path)
        except Problem:
            return False
        return True
