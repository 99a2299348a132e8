"""Fields of a live PostgreSQL or MySQL/MariaDB table, read from information_schema.

The connection comes from the recipe's `${ENV}` connection template and the user and
password variables its `generator.introspection` block names, resolved from the
environment now and kept in memory only. Drivers are imported here, when a table is
read, so ordinary generations never pay for them.

Every wait has a deadline kept by this process, not by the server: the driver runs in a
worker thread and the caller waits at most DATIVO_GEN_DB_TIMEOUT seconds for the whole
introspection (connect, authenticate, query), then shuts the connection's socket so the
worker ends too. A server that accepts and then never answers is treated like one that
refuses. The caller waits on an event, which Ctrl-C interrupts at once (psycopg, waiting
itself, would answer the first Ctrl-C by asking the silent server to cancel).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import threading
from collections.abc import Callable
from typing import Any

from ..limits import shown, shown_text
from ..runtime_types import BIT_VALUES, DECIMAL_VALUES, MONEY_VALUES, ZONED_FRACTION_VALUES, kept_as_text
from .columns import named_fields
from .result import Inference, InferenceError

TIMEOUT_VARIABLE = "DATIVO_GEN_DB_TIMEOUT"
DEFAULT_TIMEOUT_SECONDS = 5
ENV_REFERENCE = re.compile(r"\$\{(\w+)\}")

POSTGRES_TYPES = {
    "smallint": "integer",
    "integer": "integer",
    "bigint": "bigint",
    "real": "double",
    "double precision": "double",
    "boolean": "boolean",
    "date": "date",
    "timestamp without time zone": "timestamp",
    "timestamp with time zone": "timestamp",
}
MYSQL_TYPES = {
    "tinyint": "integer",
    "smallint": "integer",
    "mediumint": "integer",
    "int": "integer",
    "integer": "integer",
    "year": "integer",
    "bigint": "bigint",
    "float": "double",
    "double": "double",
    "real": "double",
    "bool": "boolean",
    "boolean": "boolean",
    "date": "date",
    "datetime": "timestamp",
    "timestamp": "timestamp",
}

# Types whose values the runtime cannot take as the type they mean (see runtime_types): string
# fields, with the reason in a note. A timestamptz(0) has no fractions, so it stays a timestamp.
POSTGRES_AS_TEXT = {
    "numeric": DECIMAL_VALUES,
    "money": MONEY_VALUES,
    "timestamp with time zone": ZONED_FRACTION_VALUES,
}
MYSQL_AS_TEXT = {"decimal": DECIMAL_VALUES, "numeric": DECIMAL_VALUES, "bit": BIT_VALUES}

# Primary-key columns first, in key order, then the others in table order. The third column
# is the type with its fraction digits when a timestamp has none.
POSTGRES_COLUMNS = """
SELECT c.column_name, c.data_type,
       CASE WHEN c.datetime_precision = 0 THEN c.data_type || '(0)' ELSE c.data_type END,
       c.is_nullable, k.ordinal_position
FROM information_schema.columns c
LEFT JOIN information_schema.table_constraints t
  ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.constraint_type = 'PRIMARY KEY'
LEFT JOIN information_schema.key_column_usage k
  ON k.constraint_schema = t.constraint_schema AND k.constraint_name = t.constraint_name
 AND k.table_name = c.table_name AND k.column_name = c.column_name
WHERE c.table_schema = COALESCE(%(schema)s, current_schema()) AND c.table_name = %(table)s
ORDER BY k.ordinal_position IS NULL, k.ordinal_position, c.ordinal_position
"""
MYSQL_COLUMNS = """
SELECT c.COLUMN_NAME, c.DATA_TYPE, c.COLUMN_TYPE, c.IS_NULLABLE, k.ORDINAL_POSITION
FROM information_schema.COLUMNS c
LEFT JOIN information_schema.KEY_COLUMN_USAGE k
  ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME
 AND k.COLUMN_NAME = c.COLUMN_NAME AND k.CONSTRAINT_NAME = 'PRIMARY'
WHERE c.TABLE_SCHEMA = COALESCE(%(schema)s, DATABASE()) AND c.TABLE_NAME = %(table)s
ORDER BY k.ORDINAL_POSITION IS NULL, k.ORDINAL_POSITION, c.ORDINAL_POSITION
"""


def text_reason(dialect: str, data_type: str, column_type: str) -> str:
    """Why a column of this type is read as a string field although it holds numbers or times, or ''."""
    data_type, column_type = data_type.lower(), column_type.lower()
    if dialect == "postgres":
        return "" if column_type.endswith("(0)") else POSTGRES_AS_TEXT.get(data_type, "")
    return MYSQL_AS_TEXT.get(data_type, "")


def field_type(dialect: str, data_type: str, column_type: str) -> str:
    """Our type for a column's information_schema type; what we do not know is a string."""
    if text_reason(dialect, data_type, column_type):
        return "string"
    data_type, column_type = data_type.lower(), column_type.lower()
    if dialect == "postgres":
        return POSTGRES_TYPES.get(data_type, "string")
    if column_type.startswith("tinyint(1)"):
        return "boolean"
    mapped = MYSQL_TYPES.get(data_type, "string")
    # An unsigned INT holds up to 2^32 - 1, past a 32-bit integer.
    if mapped == "integer" and data_type == "int" and "unsigned" in column_type:
        return "bigint"
    return mapped


def resolve_connection(template: dict[str, Any], introspection: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Connection settings from the environment, and the variables that were not set (left to the driver)."""
    settings: dict[str, Any] = {}
    unset: list[str] = []
    wanted = {key: value for key, value in template.items() if isinstance(value, (str, int))}
    for key in ("user", "password"):
        if introspection.get(f"{key}_env"):
            wanted[key] = "${" + introspection[f"{key}_env"] + "}"
    for key, value in wanted.items():
        names = ENV_REFERENCE.findall(str(value))
        missing = [name for name in names if not os.environ.get(name)]
        if missing:
            unset.extend(missing)
            continue
        settings[key] = ENV_REFERENCE.sub(lambda match: os.environ[match.group(1)], str(value))
    return settings, unset


def _timeout() -> int:
    try:
        return max(1, int(os.environ.get(TIMEOUT_VARIABLE, DEFAULT_TIMEOUT_SECONDS)))
    except ValueError:
        return DEFAULT_TIMEOUT_SECONDS


Opened = Callable[[int], None]  # told the socket of a connection once it is open


def _postgres_rows(settings: dict[str, Any], schema: str | None, table: str, opened: Opened) -> list[tuple]:
    import psycopg

    timeout = _timeout()
    params = {"dbname": settings.get("database"), **{k: v for k, v in settings.items() if k != "database"}}
    params = {key: value for key, value in params.items() if value is not None}
    try:
        with psycopg.connect(
            **params, connect_timeout=timeout, options=f"-c statement_timeout={timeout * 1000}", autocommit=True
        ) as connection:
            opened(connection.pgconn.socket)
            return connection.execute(POSTGRES_COLUMNS, {"schema": schema, "table": table}).fetchall()
    except psycopg.Error as error:
        raise InferenceError(_first_line(error)) from None


def _mysql_rows(settings: dict[str, Any], schema: str | None, table: str, opened: Opened) -> list[tuple]:
    import pymysql

    timeout = _timeout()
    try:
        connection = pymysql.connect(
            host=settings.get("host", "localhost"),
            port=int(settings.get("port", 3306)),
            user=settings.get("user"),
            password=settings.get("password", ""),
            database=settings.get("database"),
            connect_timeout=timeout,
            read_timeout=timeout,
            write_timeout=timeout,
        )
    except (pymysql.Error, ValueError) as error:
        raise InferenceError(_first_line(error)) from None
    try:
        if sock := getattr(connection, "_sock", None):
            opened(sock.fileno())
        with connection.cursor() as cursor:
            cursor.execute(MYSQL_COLUMNS, {"schema": schema, "table": table})
            return list(cursor.fetchall())
    except pymysql.Error as error:
        raise InferenceError(_first_line(error)) from None
    finally:
        connection.close()


READERS = {"postgres": _postgres_rows, "mysql": _mysql_rows}


def _shut_down(fileno: int) -> None:
    """Wake a worker blocked on this socket: both directions end, the driver sees a closed connection."""
    with contextlib.suppress(OSError):
        sock = socket.socket(fileno=os.dup(fileno))
        with sock:
            sock.shutdown(socket.SHUT_RDWR)


def rows_within_deadline(read: Callable[..., list[tuple]], *args: Any) -> list[tuple]:
    """read(*args, opened) in a worker thread, waited for at most the timeout in all."""
    timeout = _timeout()
    outcome: dict[str, Any] = {}
    sockets: list[int] = []
    done = threading.Event()

    def work() -> None:
        try:
            outcome["rows"] = read(*args, sockets.append)
        except BaseException as error:  # handed to the waiting thread
            outcome["error"] = error
        finally:
            done.set()

    threading.Thread(target=work, name="dativo-gen table introspection", daemon=True).start()
    try:
        if not done.wait(timeout):
            raise InferenceError(f"no answer within {timeout} s (set {TIMEOUT_VARIABLE} to wait longer)")
    finally:
        if not done.is_set():  # timed out or interrupted: the worker must not wait on
            for fileno in sockets:
                _shut_down(fileno)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["rows"]


def _one_line(text: Any) -> str:
    """A setting as a message shows it: one line, at most SHOWN_CHARS characters."""
    return shown_text(" ".join(str(text).split()))


def _first_line(error: Exception) -> str:
    text = " ".join(str(arg) for arg in error.args) if error.args else str(error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__


def text_notes(dialect: str, columns: list[tuple[str, str, str]]) -> list[str]:
    """One note per reason, naming the fields read as strings for it."""
    by_reason: dict[str, list[str]] = {}
    for name, data_type, column_type in columns:
        if reason := text_reason(dialect, data_type, column_type):
            by_reason.setdefault(reason, []).append(name)
    return [kept_as_text(names, reason) for reason, names in by_reason.items()]


def introspect_table(template: dict[str, Any], introspection: dict[str, Any], table: str) -> Inference:
    dialect = introspection.get("dialect", "")
    if dialect not in READERS:
        raise InferenceError(f"no way to read tables of dialect {shown(dialect)}; use postgres or mysql")
    settings, unset = resolve_connection(template, introspection)
    schema, _, name = table.rpartition(".")
    where = _one_line(f"{settings.get('host', 'default host')}:{settings.get('port', 'default port')}")
    try:
        rows = rows_within_deadline(READERS[dialect], settings, schema or None, name)
    except InferenceError as error:
        hint = f" (not set: {', '.join(unset)})" if unset else ""
        raise InferenceError(f"cannot read table {table} at {where}: {error}{hint}") from None
    if not rows:
        database = _one_line(settings.get("database", "the default database"))
        raise InferenceError(f"table {table} not found in {database} at {where} (or not visible to this user)")
    fields, notes = named_fields(
        (column, field_type(dialect, data_type, column_type), nullable == "NO")
        for column, data_type, column_type, nullable, _key_position in rows
    )
    notes += text_notes(dialect, [(field["name"], row[1], row[2]) for field, row in zip(fields, rows, strict=True)])
    origin = f"{dialect} table {table} at {where} ({len(fields)} columns)"
    return Inference(fields=fields, origin=origin, notes=notes)
