"""Private PostgreSQL and MariaDB/MySQL servers for the tests and the benchmark.

Each server gets its own data folder in a temporary directory and a free port on
127.0.0.1, so it never touches a system cluster and works the same for a developer and
in CI. Both refuse to run as root, so as root they run as the `postgres` and `mysql`
users the Debian packages create. The binaries come from the Debian packages
(`postgresql`, `mariadb-server`), which `.ci/install-test-servers` installs.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

USER = "dativo"
PASSWORD = "s3cret-Test-Passw0rd"  # a value the tests look for in every written file
DATABASE = "dativo_test"
START_TIMEOUT = 60
INITDB_OPTIONS = ("--auth=scram-sha-256", "-E", "UTF8", "--no-sync")
# Small and quick: the tests need a few tables, not durability.
MYSQLD_OPTIONS = ("--bind-address=127.0.0.1", "--skip-log-bin", "--innodb-buffer-pool-size=32M", "--skip-name-resolve")


class ServerUnavailable(Exception):
    """No server could be started here; the message says why."""


@dataclass
class Server:
    dialect: str
    port: int
    env: dict[str, str]  # the variables the connector recipe reads
    stop: Callable[[], None] = field(repr=False)
    host: str = "127.0.0.1"

    def execute(self, *statements: str) -> None:
        """Run SQL as the test user in the test database."""
        if self.dialect == "postgres":
            import psycopg

            with psycopg.connect(
                host=self.host, port=self.port, user=USER, password=PASSWORD, dbname=DATABASE, autocommit=True
            ) as connection:
                for statement in statements:
                    connection.execute(statement)
            return
        import pymysql

        connection = pymysql.connect(host=self.host, port=self.port, user=USER, password=PASSWORD, database=DATABASE)
        try:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
            connection.commit()
        finally:
            connection.close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _as_service_user(user: str, folder: Path) -> list[str]:
    """The command prefix that runs a server as its own user when we are root."""
    if os.geteuid() != 0:
        return []
    shutil.chown(folder, user, user)
    return ["runuser", "-u", user, "--"]


def _run(command: list[str], what: str) -> None:
    result = subprocess.run(command, capture_output=True, text=True, timeout=START_TIMEOUT)
    if result.returncode != 0:
        raise ServerUnavailable(f"{what} failed (exit {result.returncode}): {(result.stderr or result.stdout)[-800:]}")


def _wait_until(ready: Callable[[], bool], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-800:] if log.is_file() else ""
    raise ServerUnavailable(f"{what} did not accept connections within {START_TIMEOUT} s: {tail}")


def _postgres_bindir() -> Path:
    if initdb := shutil.which("initdb"):
        return Path(initdb).resolve().parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if not found:
        raise ServerUnavailable("PostgreSQL is not installed (no initdb; apt-get install postgresql)")
    return Path(found[-1]).parent


def start_postgres(folder: Path) -> Server:
    bindir = _postgres_bindir()
    prefix = _as_service_user("postgres", folder)
    data, log, port = folder / "data", folder / "server.log", free_port()
    password_file = folder / "password"
    password_file.write_text(PASSWORD)
    if prefix:
        shutil.chown(password_file, "postgres", "postgres")
    _run(
        [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", USER, f"--pwfile={password_file}", *INITDB_OPTIONS],
        "initdb",
    )
    options = f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={folder} -c fsync=off"
    _run([*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"], "pg_ctl")

    def stop() -> None:
        stop_command = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
        subprocess.run(stop_command, check=False, capture_output=True)

    import psycopg

    try:
        with psycopg.connect(
            host="127.0.0.1", port=port, user=USER, password=PASSWORD, dbname="postgres", autocommit=True
        ) as connection:
            connection.execute(f"CREATE DATABASE {DATABASE}")
    except psycopg.Error as error:
        stop()
        raise ServerUnavailable(f"PostgreSQL started but cannot be used: {error}") from None
    env = {"PGHOST": "127.0.0.1", "PGPORT": str(port), "PGDATABASE": DATABASE, "PGUSER": USER, "PGPASSWORD": PASSWORD}
    return Server("postgres", port, env, stop)


def _mysql_binaries() -> tuple[str, str | None]:
    sbin = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])
    server = shutil.which("mariadbd", path=sbin) or shutil.which("mysqld", path=sbin)
    if not server:
        raise ServerUnavailable("MariaDB/MySQL is not installed (no mariadbd; apt-get install mariadb-server)")
    install = shutil.which("mariadb-install-db", path=sbin) or shutil.which("mysql_install_db", path=sbin)
    return server, install


def start_mysql(folder: Path) -> Server:
    import pymysql

    server, install = _mysql_binaries()
    prefix = _as_service_user("mysql", folder)
    data, log, sock, port = folder / "data", folder / "server.log", folder / "mysql.sock", free_port()
    user_option = ["--user=mysql"] if prefix else []
    if install:
        root_login = "--auth-root-authentication-method=normal"
        _run([install, "--no-defaults", f"--datadir={data}", root_login, "--skip-test-db", *user_option], install)
    else:  # Oracle MySQL
        _run([server, "--no-defaults", "--initialize-insecure", f"--datadir={data}", *user_option], server)
    files = [f"--datadir={data}", f"--socket={sock}", f"--log-error={log}", f"--pid-file={folder / 'server.pid'}"]
    process = subprocess.Popen(
        [server, "--no-defaults", *files, f"--port={port}", *MYSQLD_OPTIONS, *user_option],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )

    def stop() -> None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()

    def ready() -> bool:
        if process.poll() is not None:
            return True
        with contextlib.suppress(pymysql.Error):
            pymysql.connect(unix_socket=str(sock), user="root", connect_timeout=1).close()
            return True
        return False

    try:
        _wait_until(ready, "MariaDB/MySQL", log)
        if process.poll() is not None:
            raise ServerUnavailable(f"MariaDB/MySQL exited at start: {log.read_text(errors='replace')[-800:]}")
        root = pymysql.connect(unix_socket=str(sock), user="root")
        with root.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {DATABASE}")
            cursor.execute(f"CREATE USER '{USER}'@'%' IDENTIFIED BY '{PASSWORD}'")
            cursor.execute(f"GRANT ALL ON {DATABASE}.* TO '{USER}'@'%'")
        root.close()
    except (ServerUnavailable, pymysql.Error) as error:
        stop()
        raise ServerUnavailable(str(error)) from None
    env = {"MYSQL_HOST": "127.0.0.1", "MYSQL_PORT": str(port), "MYSQL_DB": DATABASE}
    env |= {"MYSQL_USER": USER, "MYSQL_PASSWORD": PASSWORD}
    return Server("mysql", port, env, stop)


STARTERS = {"postgres": start_postgres, "mysql": start_mysql}


@contextlib.contextmanager
def running_server(dialect: str) -> Iterator[Server]:
    """A fresh server of this dialect, stopped and deleted afterwards; ServerUnavailable if impossible."""
    folder = Path(tempfile.mkdtemp(prefix=f"dativo-{dialect}-"))
    try:
        try:
            server = STARTERS[dialect](folder)
        except (OSError, subprocess.SubprocessError) as error:
            raise ServerUnavailable(f"{dialect} server could not be started: {error}") from None
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
