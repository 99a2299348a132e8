"""The validator rules accept what real configurations use; the CLI table covers what they refuse."""

from __future__ import annotations

import pytest

from dativo_gen import checks, location_checks
from dativo_gen.connection_checks import check_connection
from dativo_gen.registry import Connector
from dativo_gen.suggest import suggest_bucket

POSTGRES = Connector(
    name="postgres",
    roles=("source",),
    recipe={"credentials": {"file_template": "/secrets/{tenant}/postgres.env"}},
)


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (checks.check_identifier, "acme_corp"),
        (checks.check_identifier, "_staging2"),
        (checks.check_identifier, "a" * 63),
        (checks.check_table_name, "orders"),
        (checks.check_table_name, "public.orders"),
        (checks.check_table_name, "warehouse.public.orders"),
        (checks.check_version, "1.0"),
        (checks.check_version, "2.1.3"),
        (checks.check_email, "data-team@acme.com"),
        (checks.check_email, "first.last+ingest@eu.acme.co.uk"),
        (checks.check_text, ""),
        (checks.check_text, 'Stripe: "customers" # weekly\n& more'),
        (checks.check_path_text, "gdrive://acme/orders.csv"),
        (checks.check_path_text, "/data/in/2024 orders.csv"),
        (checks.check_absolute_path, "/app"),
        (checks.check_branch, "main"),
        (checks.check_branch, "feature/acme-2.0"),
        (checks.check_tags, "stripe, customers"),
        (checks.check_tags, ["billing: eu", "#weekly", "yes"]),
        (checks.check_name_list, "ingest_date, region"),
        (checks.check_path_list, ["s3://in/a.csv", "s3://in/b.csv"]),
        (location_checks.check_relative_dir, "assets/stripe/v1.0"),
        (location_checks.check_relative_dir, "./jobs/acme"),
        (location_checks.check_s3_bucket, "acme-data-lake"),
        (location_checks.check_s3_bucket, "acme.lake.2024"),
        (location_checks.check_s3_prefix, "raw/stripe/customers"),
        (location_checks.check_s3_prefix, "raw/region=eu/"),
        (location_checks.check_http_url, "http://nessie.acme.internal:19120/api/v1"),
        (location_checks.check_http_url, "https://nessie.acme.com/api/v2"),
        (location_checks.check_warehouse, "s3://lake/acme/"),
        (location_checks.check_warehouse, "s3a://lake/acme"),
        (location_checks.check_warehouse, "gs://lake/acme"),
        (location_checks.check_warehouse, "abfss://lake@acme.dfs.core.windows.net/warehouse"),
        (location_checks.check_warehouse, "/var/lib/warehouse"),
        (location_checks.check_warehouse, "file:///var/lib/warehouse"),
    ],
)
def test_good_values_pass(check, value):
    assert check("question", value) == ""


@pytest.mark.parametrize(
    ("check", "value"),
    [
        (checks.check_identifier, "a" * 64),
        (checks.check_identifier, "acme\n"),
        (checks.check_version, "01.0"),
        (checks.check_branch, "main.lock"),
        (checks.check_branch, "main/"),
        (checks.check_path_text, " leading.csv"),
        (checks.check_path_text, "a\u2028b.csv"),
        (location_checks.check_s3_bucket, "acme..lake"),
        (location_checks.check_s3_bucket, "acme-.lake"),
        (location_checks.check_s3_bucket, "lake-s3alias"),
        (location_checks.check_s3_bucket, "a" * 64),
        (location_checks.check_s3_prefix, "raw//stripe"),
        (location_checks.check_s3_prefix, "raw/strípe"),
        (location_checks.check_relative_dir, "assets/-rf"),
        (location_checks.check_relative_dir, ".dativo-gen/x"),
        (location_checks.check_http_url, "http://:80/x"),
        (location_checks.check_http_url, "http://nessie:99999/x"),
        (location_checks.check_warehouse, "/var/../etc"),
        (location_checks.check_warehouse, "s3://lake/../other"),
    ],
)
def test_edge_values_are_refused_with_the_question_named(check, value):
    assert check("question", value).startswith("question: ")


@pytest.mark.parametrize(
    "connection",
    [
        {"host": "${PGHOST}", "port": 5432, "database": "orders"},
        {"host": "db.internal", "password": "${PGPASSWORD}"},
        {"host": "db", "password_file": "/secrets/acme/postgres.env"},
        {"s3": {"bucket": "lake", "secret_access_key": "${AWS_SECRET_ACCESS_KEY}"}},
        {"dsn": "postgres://app@db/orders"},
    ],
)
def test_connections_with_only_references_for_credentials_pass(connection):
    assert check_connection("source_connection", POSTGRES, "acme", connection) == ""


@pytest.mark.parametrize(
    ("connection", "where"),
    [
        ({"password": "hunter2"}, "source_connection.password"),
        ({"s3": {"secret_access_key": "AKIA..."}}, "source_connection.s3.secret_access_key"),
        ({"apiKey": "sk_live_123"}, "source_connection.apiKey"),
        ({"password_file": "/secrets/other/postgres.env"}, "source_connection.password_file"),
        ({"dsn": "postgres://app:hunter2@db/orders"}, "source_connection.dsn"),
        ({"host": ["a", "b"]}, "source_connection.host"),
        ({"bad key": "x"}, "source_connection"),
    ],
)
def test_connections_holding_a_secret_are_refused(connection, where):
    assert check_connection("source_connection", POSTGRES, "acme", connection).startswith(where)


@pytest.mark.parametrize("tenant", ["acme", "Acme_Corp", "_x", "a" * 63, "A__B"])
def test_the_suggested_bucket_is_a_valid_bucket_for_any_valid_tenant(tenant):
    assert checks.check_identifier("tenant_id", tenant) == ""
    assert location_checks.check_s3_bucket("s3_bucket", suggest_bucket(tenant)) == ""
