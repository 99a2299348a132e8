"""Schemas from real data: samples, live tables and catalogs, through the real `copier copy`."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, generate, generated_files, git, load_yaml, run_cli, run_copier, snapshot
from dativo_gen.fields import field_text
from dativo_gen.infer.database import field_type, introspect_table, text_notes
from dativo_gen.infer.sample import MAX_BYTES, MAX_ROWS, infer_sample
from dativo_gen.infer.values import BOOLEAN_TEXT, TIME_TEXT, text_type
from dativo_gen.registry import load_registry
from dativo_gen.runtime_types import (
    DECIMAL_VALUES,
    NON_ISO_TIME_VALUES,
    SHORT_BOOLEAN_VALUES,
    ZONED_FRACTION_VALUES,
    reads_as_timestamp,
)
from db_servers import PASSWORD


def answered(field: dict) -> dict:
    """An asset field with the type as answered (bigint lands as integer with physicalType bigint)."""
    return {**field, "type": field.get("physicalType", field["type"])}


def schema_of(asset: dict) -> list[tuple[str, str, bool]]:
    """(name, inferred type, required); test_field_types checks the type each one lands as."""
    return [(field["name"], answered(field)["type"], field["required"]) for field in asset["schema"]]


# --- samples -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42", "integer"),
        ("-2147483648", "integer"),
        ("2147483648", "bigint"),
        ("99999999999999999999", "string"),  # past 64 bits
        ("02134", "string"),  # a leading zero is a code, not a number
        ("3.25", "double"),
        ("1e-3", "double"),
        ("TRUE", "boolean"),
        ("no", "boolean"),
        ("f", BOOLEAN_TEXT),  # the runtime reads true/false, yes/no, on/off, 1/0 only
        ("2024-02-29", "date"),
        ("2023-02-29", "string"),  # no such day
        ("31.12.2024", TIME_TEXT),
        ("12/31/2024", TIME_TEXT),
        ("2024-05-01 13:45:00", "timestamp"),
        ("2024-05-01T13:45:00.123", "timestamp"),
        ("2024-05-01T13:45:00+02:00", "timestamp"),
        ("2024-05-01T13:45:00Z", "timestamp"),
        # dates and timestamps the runtime cannot parse: kept as text, with a note
        ("2024-05-01T13:45:00.123+02:00", TIME_TEXT),
        ("2024-05-01 13:45:00.5", TIME_TEXT),
        ("05/01/2024 13:45", TIME_TEXT),
        ("hello", "string"),
    ],
)
def test_value_types(text, expected):
    assert text_type(text) == expected


def test_csv_sample_with_sniffed_delimiter_and_header(workspace, tmp_path):
    sample = tmp_path / "employees.csv"
    sample.write_text(
        "employee_id;Email;salary;hired_on;last_login;active;zip;team\n"
        '1;ann@example.com;5000.50;2020-01-15;2024-05-01 08:00:00;true;02134;"Ops; night"\n'
        "2;;6000;2021-03-01;2024-05-02T09:30:00Z;false;10001;Dev\n"
        "3000000000;bob@example.com;7000;2022-07-04;;yes;94110;\n"
    )
    answers = generate(workspace, {"source_connector": "csv", "sample_path": str(sample)})
    assert answers["schema_source"] == "sample"  # a file source with a sample infers from it
    asset, _ = generated_files(workspace, answers)
    assert schema_of(asset) == [
        ("employee_id", "bigint", True),
        ("Email", "string", False),
        ("salary", "double", True),
        ("hired_on", "date", True),
        ("last_login", "timestamp", False),
        ("active", "boolean", True),
        ("zip", "string", True),
        ("team", "string", False),
    ]
    assert answers["pii_fields"] == "Email, zip"
    assert answers["sensitive_fields"] == "salary"


def test_old_mac_line_endings_are_rows(tmp_path):
    sample = tmp_path / "cr.csv"
    sample.write_bytes(b"a,b\r1,x\r2,y\r")
    assert [(f["name"], f["type"]) for f in infer_sample(str(sample)).fields] == [("a", "integer"), ("b", "string")]


def test_csv_sample_without_header_gets_numbered_columns(tmp_path):
    sample = tmp_path / "rows.tsv"
    sample.write_text("1\t2024-01-01\tx\n2\t2024-01-02\ty\n")
    inferred = infer_sample(str(sample))
    assert [(f["name"], f["type"]) for f in inferred.fields] == [
        ("column_1", "integer"),
        ("column_2", "date"),
        ("column_3", "string"),
    ]
    assert "tab-separated, no header" in inferred.origin


def test_json_lines_sample_flattens_nested_objects(workspace, tmp_path):
    sample = tmp_path / "events.jsonl"
    records = [
        {"id": 1, "user": {"name": "Ann", "address": {"city": "Oslo"}}, "tags": ["a"], "at": "2024-05-01T10:00:00Z"},
        {"id": 2, "user": {"name": "Bob"}, "tags": [], "at": "2024-05-02T11:00:00Z", "score": 1.5, "ok": True},
        {"id": 3, "user": {"name": "Cy"}, "at": "2024-05-03T12:00:00Z", "score": 2, "ok": None},
    ]
    sample.write_text("".join(json.dumps(record) + "\n" for record in records))
    answers = generate(workspace, {"source_connector": "csv", "schema_source": "sample", "sample_path": str(sample)})
    asset, _ = generated_files(workspace, answers)
    assert schema_of(asset) == [
        ("id", "integer", True),
        ("user_name", "string", True),
        ("user_address_city", "string", False),
        ("tags", "string", False),
        ("at", "timestamp", True),
        ("score", "double", False),
        ("ok", "boolean", False),
    ]
    inferred = infer_sample(str(sample))
    assert "nested objects flattened into parent_child fields: user" in inferred.notes
    assert "lists kept as one string field: tags" in inferred.notes


def test_json_array_sample(tmp_path):
    sample = tmp_path / "orders.json"
    sample.write_text(json.dumps([{"order_id": 7, "total": 9.5, "day": "2024-01-01"}, {"order_id": 8, "total": 3}]))
    inferred = infer_sample(str(sample))
    assert inferred.fields == [
        {"name": "order_id", "type": "integer", "required": True},
        {"name": "total", "type": "double", "required": True},
        {"name": "day", "type": "date", "required": False},
    ]


def test_only_the_head_of_a_large_sample_is_read(tmp_path):
    """Rows past the byte and row limits cannot change the result, however many there are."""
    row = "12345,2024-01-01 00:00:00\n"
    head_rows = MAX_BYTES // len(row) + 10
    sample = tmp_path / "big.csv"
    with sample.open("w") as file:
        file.write("n,at\n" + row * head_rows + "not a number,not a date\n" * 1000)
    inferred = infer_sample(str(sample))
    assert [(f["name"], f["type"], f["required"]) for f in inferred.fields] == [
        ("n", "integer", True),
        ("at", "timestamp", True),
    ]
    assert f"{MAX_ROWS} rows read from the head of the file" in inferred.origin


def test_sample_names_are_made_valid_field_names(tmp_path):
    sample = tmp_path / "odd.csv"
    sample.write_text("First Name,2nd line,e-mail,first_name\nA,B,C,D\n")
    inferred = infer_sample(str(sample))
    assert [f["name"] for f in inferred.fields] == ["First_Name", "_2nd_line", "e_mail", "first_name_2"]
    assert "column 'First Name' is field First_Name" in inferred.notes


def test_an_inferred_schema_stays_put_when_the_sample_is_gone(committed_template, workspace, tmp_path):
    sample = tmp_path / "people.csv"
    sample.write_text("person_id,email,born\n1,a@example.com,1990-01-01\n")
    workspace.mkdir()
    git(workspace, "init", "-q")
    data = ["--data", "source_connector=csv", "--data", f"sample_path={sample}", "--data", "asset_name=people"]
    assert run_cli("copy", "--trust", "--defaults", *data, str(committed_template), str(workspace)).returncode == 0
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "people")
    asset_file = workspace / "assets" / "csv" / "v1.0" / "people.yaml"
    before = load_yaml(asset_file)
    sample.unlink()

    answers_file = ".copier-answers/acme/people_to_iceberg.yml"
    update = ["update", "--trust", "--defaults", "-a", answers_file, "--data", "retention_days=7"]
    result = run_cli(*update, str(workspace))
    assert result.returncode == 0, result.stderr
    assert "sample" not in result.stderr  # nothing tried to read the sample again
    after = load_yaml(asset_file)
    assert after["compliance"]["retention_days"] == 7
    assert after["schema"] == before["schema"]


def test_table_name_still_follows_the_object_on_update(committed_template, workspace):
    """schema_table feeds table_name's default; a job that never read a table keeps the old rule."""
    workspace.mkdir()
    git(workspace, "init", "-q")
    data = ["--data", "source_connector=postgres", "--data", "schema_source=none"]
    assert run_cli("copy", "--trust", "--defaults", *data, str(committed_template), str(workspace)).returncode == 0
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "orders")
    answers_file = ".copier-answers/acme/postgres_orders_to_iceberg.yml"
    update = ["update", "--trust", "--defaults", "-a", answers_file, "--data", "object_name=invoices"]
    result = run_cli(*update, str(workspace))
    assert result.returncode == 0, result.stderr
    assert load_yaml(workspace / answers_file)["table_name"] == "public.invoices"


# --- catalogs ----------------------------------------------------------------


def test_api_connector_takes_the_objects_fields_from_its_catalog(workspace):
    answers = generate(workspace, {"source_connector": "hubspot", "asset_name": "hubspot_deals"})
    assert answers["schema_source"] == "catalog"
    assert answers["starter_fields"] is False  # the catalog replaces the starters
    asset, _ = generated_files(workspace, answers)
    schema = schema_of(asset)
    assert schema[:4] == [
        ("id", "string", True),
        ("createdAt", "timestamp", True),
        ("updatedAt", "timestamp", True),
        ("archived", "boolean", True),
    ]
    assert ("amount", "double", False) in schema
    assert ("closedate", "timestamp", False) in schema


def test_every_catalog_object_is_a_supported_object_and_lands_as_listed(workspace):
    registry = load_yaml(ROOT / "registry" / "connectors.yaml")["connectors"]
    for name in ("stripe", "hubspot"):
        catalog = load_yaml(ROOT / "connectors" / f"{name}.yaml")["generator"]["catalog"]
        assert sorted(catalog) == sorted(registry[name]["objects_supported"])
        for object_name, listed in catalog.items():
            destination = workspace / f"{name}-{object_name}"
            answers = generate(destination, {"source_connector": name, "object_name": object_name})
            asset, _ = generated_files(destination, answers)
            assert [field_text(answered(field)) for field in asset["schema"]] == listed


def test_given_fields_mean_nothing_is_inferred(workspace):
    answers = generate(workspace, {"source_connector": "stripe", "fields": "email"})
    assert answers["schema_source"] == "none"
    asset, _ = generated_files(workspace, answers)
    assert [f["name"] for f in asset["schema"]] == ["id", "created", "email"]


# --- live databases ----------------------------------------------------------

CUSTOMERS_DDL = {
    "postgres": """CREATE TABLE IF NOT EXISTS public.customers (
        email varchar(200) NOT NULL, customer_id bigint NOT NULL, tenant_code varchar(10) NOT NULL,
        region_code smallint, score integer NOT NULL, visits bigint, balance numeric(12, 2),
        ratio double precision, active boolean NOT NULL, birth_date date, notes text,
        updated_at timestamptz NOT NULL, created_at timestamp, PRIMARY KEY (tenant_code, customer_id))""",
    "mysql": """CREATE TABLE IF NOT EXISTS customers (
        email varchar(200) NOT NULL, customer_id bigint NOT NULL, tenant_code varchar(10) NOT NULL,
        region_code smallint, score int NOT NULL, visits int unsigned, balance decimal(12, 2),
        ratio double, active tinyint(1) NOT NULL, birth_date date, notes text,
        updated_at timestamp NOT NULL DEFAULT CURRENT_TIMESTAMP, created_at datetime,
        PRIMARY KEY (tenant_code, customer_id))""",
}
CUSTOMERS_TABLE = {"postgres": "public.customers", "mysql": "customers"}
# Primary key first, in key order; NOT NULL is required.
CUSTOMERS_SCHEMA = [
    ("tenant_code", "string", True),
    ("customer_id", "bigint", True),
    ("email", "string", True),
    ("region_code", "integer", False),
    ("score", "integer", True),
    ("visits", "bigint", False),
    ("balance", "string", False),  # numeric / decimal: see test_types_the_runtime_cannot_carry_...
    ("ratio", "double", False),
    ("active", "boolean", True),
    ("birth_date", "date", False),
    ("notes", "string", False),
    ("updated_at", "timestamp", True),
    ("created_at", "timestamp", False),
]


def test_live_table_becomes_the_schema(database, workspace, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("DATIVO_GEN_CACHE_DIR", str(cache))
    database.execute(CUSTOMERS_DDL[database.dialect])
    table = CUSTOMERS_TABLE[database.dialect]
    answers = generate(
        workspace,
        {"source_connector": database.dialect, "asset_name": f"{database.dialect}_customers", "table_name": table},
    )
    assert answers["schema_source"] == "database"
    assert answers["schema_table"] == table
    assert answers["starter_fields"] is False
    asset, job = generated_files(workspace, answers)
    zoned = {"postgres": "string", "mysql": "timestamp"}[database.dialect]  # timestamptz: see below
    assert schema_of(asset) == [(n, zoned if n == "updated_at" else t, r) for n, t, r in CUSTOMERS_SCHEMA]
    assert answers["pii_fields"] == "email, birth_date"
    assert answers["cursor_field"] == "updated_at"
    assert job["source"]["tables"] == [{"name": table, "object": "customers", "cursor_field": "updated_at"}]
    # the connection keeps its ${ENV} references; no resolved value or secret is written anywhere
    assert all(value.startswith("${") for value in job["source"]["connection"].values())
    written = snapshot(workspace) | snapshot(cache)
    assert written
    for secret in (PASSWORD, str(database.port)):
        assert [name for name, content in written.items() if secret.encode() in content] == []


def test_cursor_default_is_a_timestamp_of_the_table(database, workspace):
    database.execute("CREATE TABLE IF NOT EXISTS events (event_id bigint PRIMARY KEY, modified_at date NOT NULL)")
    answers = generate(workspace, {"source_connector": database.dialect, "schema_table": "events"})
    assert answers["table_name"] == "events"
    assert answers["cursor_field"] == "modified_at"


def test_the_ingested_table_is_the_schema_table_unless_the_person_wants_another(database, tmp_path):
    database.execute("CREATE TABLE IF NOT EXISTS events (event_id bigint PRIMARY KEY, modified_at date NOT NULL)")
    same = generate(tmp_path / "same", {"source_connector": database.dialect, "schema_table": "events"})
    assert (same["ingest_schema_table"], same["table_name"]) == (True, "events")
    answers = {"source_connector": database.dialect, "schema_table": "events", "ingest_schema_table": False}
    other = generate(tmp_path / "other", {**answers, "table_name": "events_2024"})
    asset, job = generated_files(tmp_path / "other", other)
    assert [field["name"] for field in asset["schema"]] == ["event_id", "modified_at"]
    assert [table["name"] for table in job["source"]["tables"]] == ["events_2024"]


def test_missing_table_falls_back_to_starter_fields(database, workspace, capsys):
    answers = generate(workspace, {"source_connector": database.dialect, "table_name": "no_such_table"})
    assert f"table no_such_table not found in dativo_test at 127.0.0.1:{database.port}" in capsys.readouterr().err
    assert answers["starter_fields"] is True
    asset, _ = generated_files(workspace, answers)
    assert [f["name"] for f in asset["schema"]] == ["id", "updated_at"]


ENV_NAMES = {
    "postgres": ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD"),
    "mysql": ("MYSQL_HOST", "MYSQL_PORT", "MYSQL_DB", "MYSQL_USER", "MYSQL_PASSWORD"),
}


def point_at(monkeypatch, dialect: str, port: int) -> None:
    for name, value in zip(ENV_NAMES[dialect], ("127.0.0.1", str(port), "db", "me", "pw"), strict=True):
        monkeypatch.setenv(name, value)


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_refused_connection_falls_back_with_the_reason(dialect, workspace, monkeypatch, capsys):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    point_at(monkeypatch, dialect, port)
    answers = generate(workspace, {"source_connector": dialect, "table_name": "orders"})
    assert f"cannot read table orders at 127.0.0.1:{port}" in capsys.readouterr().err
    asset, _ = generated_files(workspace, answers)
    assert [f["name"] for f in asset["schema"]] == ["id", "updated_at"]


@pytest.mark.parametrize("dialect", ["postgres", "mysql"])
def test_a_server_that_never_answers_times_out(dialect, workspace, monkeypatch, capsys):
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # accepts connections and never says a word
        point_at(monkeypatch, dialect, silent.getsockname()[1])
        monkeypatch.setenv("DATIVO_GEN_DB_TIMEOUT", "2")
        started = time.monotonic()
        answers = generate(workspace, {"source_connector": dialect, "table_name": "orders"})
        elapsed = time.monotonic() - started
    assert elapsed < 15
    assert "cannot read table orders" in capsys.readouterr().err
    assert answers["starter_fields"] is True


# --- scripted mistakes -------------------------------------------------------


def scripted_copy(workspace: Path, *data: str) -> tuple[int, str]:
    args = [arg for item in data for arg in ("--data", item)]
    return run_copier("copy", "--trust", "--defaults", "--vcs-ref", "HEAD", *args, str(ROOT), str(workspace))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            ["source_connector=stripe", "schema_source=database"],
            "schema_source: 'database' is not available for stripe; use one of none, sample, catalog",
        ),
        (
            ["source_connector=stripe", "schema_source=database", "fields=email"],
            "schema_source: 'database' is not available for stripe; use one of none, sample, catalog",
        ),
        (
            ["source_connector=csv", "schema_source=sample"],
            "sample_path: schema_source is sample, so give the sample file, e.g. --data sample_path=x.csv",
        ),
        (
            ["source_connector=csv", "sample_path=/no/such/file.csv"],
            "sample_path: sample file /no/such/file.csv does not exist or is not a file",
        ),
    ],
)
def test_scripted_schema_mistakes_are_one_clear_message(workspace, data, message):
    status, stderr = scripted_copy(workspace, *data)
    assert (status, stderr.strip()) == (1, f"dativo-gen: {message}")
    assert not workspace.exists()


def test_a_binary_file_is_no_sample(workspace, tmp_path):
    sample = tmp_path / "photo.csv"
    sample.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    status, stderr = scripted_copy(workspace, "source_connector=csv", f"sample_path={sample}")
    message = f"dativo-gen: sample_path: sample file {sample} is binary, not CSV, JSON or JSON Lines"
    assert (status, stderr.strip()) == (1, message)
    assert not workspace.exists()


def test_broken_json_sample_is_named_with_its_line(workspace, tmp_path):
    sample = tmp_path / "broken.jsonl"
    sample.write_text('{"a": 1}\n{"a": \n')
    status, stderr = scripted_copy(workspace, "source_connector=csv", f"sample_path={sample}")
    assert (status, stderr.strip()) == (1, "dativo-gen: sample_path: line 2 is not valid JSON: Expecting value")
    assert not workspace.exists()


def test_the_drivers_are_not_imported_for_an_ordinary_copy(tmp_path):
    probe = Path(tmp_path) / "probe.py"
    probe.write_text(
        "import sys, copier\n"
        f"copier.run_copy({str(ROOT)!r}, {str(tmp_path / 'ws')!r}, data={{'source_connector': 'stripe'}},"
        " defaults=True, unsafe=True, vcs_ref='HEAD', quiet=True)\n"
        "print(sorted(m for m in ('psycopg', 'pymysql') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, str(probe)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_the_readme_sample_gives_the_fields_the_readme_shows(workspace):
    answers = generate(workspace, {"source_connector": "csv", "sample_path": str(ROOT / "examples" / "employees.csv")})
    asset, _ = generated_files(workspace, answers)
    assert [(field_text(answered(field)), field.get("classification")) for field in asset["schema"]] == [
        ("employee_id:integer!", None),
        ("email", "PII"),
        ("first_name!", "PII"),
        ("salary:double!", "SENSITIVE"),
        ("hired_at:date!", None),
        ("active:boolean!", None),
        ("updated_at:timestamp!", None),
    ]


@pytest.mark.parametrize(
    ("dialect", "data_type", "column_type", "expected"),
    [
        ("postgres", "numeric", "numeric", "string"),
        ("postgres", "money", "money", "string"),
        ("postgres", "timestamp with time zone", "timestamp with time zone", "string"),
        ("postgres", "timestamp with time zone", "timestamp with time zone(0)", "timestamp"),
        ("postgres", "timestamp without time zone", "timestamp without time zone", "timestamp"),
        ("postgres", "bigint", "bigint", "bigint"),
        ("mysql", "decimal", "decimal(12,2)", "string"),
        ("postgres", "uuid", "uuid", "string"),
        ("postgres", "ARRAY", "ARRAY", "string"),
        ("mysql", "tinyint", "tinyint(1)", "boolean"),
        ("mysql", "tinyint", "tinyint(4)", "integer"),
        ("mysql", "bit", "bit(1)", "string"),
        ("mysql", "int", "int(10) unsigned", "bigint"),
        ("mysql", "year", "year(4)", "integer"),
        ("mysql", "json", "json", "string"),
        ("mysql", "enum", "enum('a','b')", "string"),
    ],
)
def test_database_type_mapping(dialect, data_type, column_type, expected):
    assert field_type(dialect, data_type, column_type) == expected


def test_types_the_runtime_cannot_carry_are_strings_with_one_note_per_reason():
    notes = text_notes(
        "postgres",
        [
            ("balance", "numeric", "numeric"),
            ("fee", "numeric", "numeric"),
            ("seen_at", "timestamp with time zone", "timestamp with time zone"),
            ("ticked_at", "timestamp with time zone", "timestamp with time zone(0)"),
            ("id", "bigint", "bigint"),
        ],
    )
    assert notes == [
        f"balance, fee: string fields, because {DECIMAL_VALUES}",
        f"seen_at: string field, because {ZONED_FRACTION_VALUES}",
    ]


def test_sample_values_the_runtime_cannot_read_are_strings_with_one_note_per_reason(tmp_path):
    sample = tmp_path / "events.csv"
    sample.write_text(
        "id,seen_at,day,logged_at,paid,open\n"
        "1,2024-05-01T13:45:00.123+02:00,31.12.2024,2024-05-01T13:45:00Z,t,yes\n"
        "2,2024-05-02T08:00:00.5+00:00,01.01.2025,2024-05-02 08:00:00,f,no\n"
    )
    inference = infer_sample(str(sample))
    assert [(f["name"], f["type"]) for f in inference.fields] == [
        ("id", "integer"),
        ("seen_at", "string"),
        ("day", "string"),
        ("logged_at", "timestamp"),
        ("paid", "string"),
        ("open", "boolean"),
    ]
    assert inference.notes == [
        f"seen_at, day: string fields, because {NON_ISO_TIME_VALUES}",
        f"paid: string field, because {SHORT_BOOLEAN_VALUES}",
    ]
    assert reads_as_timestamp("2024-05-02 08:00:00") and not reads_as_timestamp("31.12.2024")


def test_a_live_table_notes_why_columns_are_strings(database):
    recipe = load_registry(ROOT).get(database.dialect).recipe
    table = "priced" if database.dialect == "mysql" else "public.priced"
    zoned = "timestamptz" if database.dialect == "postgres" else "datetime"
    database.execute(f"CREATE TABLE IF NOT EXISTS {table} (id bigint PRIMARY KEY, price decimal(10, 2), at {zoned})")
    inference = introspect_table(recipe["connection_template"], recipe["generator"]["introspection"], table)
    postgres = database.dialect == "postgres"
    types = {field["name"]: field["type"] for field in inference.fields}
    assert types == {"id": "bigint", "price": "string", "at": "string" if postgres else "timestamp"}
    assert f"price: string field, because {DECIMAL_VALUES}" in inference.notes
    assert (f"at: string field, because {ZONED_FRACTION_VALUES}" in inference.notes) == postgres


def test_wrong_password_is_reported_without_the_password(database, workspace, monkeypatch, capsys):
    monkeypatch.setenv(ENV_NAMES[database.dialect][4], "Wrong-Pa55word")
    answers = generate(workspace, {"source_connector": database.dialect, "table_name": "customers"})
    err = capsys.readouterr().err
    assert f"cannot read table customers at 127.0.0.1:{database.port}" in err
    assert ("password authentication failed" if database.dialect == "postgres" else "Access denied") in err
    assert "Wrong-Pa55word" not in err
    assert answers["starter_fields"] is True
