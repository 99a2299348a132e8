"""A database that lets us in and then never answers: the run keeps its deadline, and Ctrl-C stops it.

A loopback proxy stands between the generator and a real server. It passes the
connection and the authentication through, and from the client's first query on it
swallows everything the server says, the way a hung server or a dead network path does.
The copies run as real `copier` processes, so a hang is a failed test, not a stuck suite.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import COPIER, generated_files, load_yaml

# PostgreSQL: the untyped messages a client may open with, before its typed ones.
PG_SSL_REQUEST, PG_GSSENC_REQUEST = 80877103, 80877104
PG_QUERY_MESSAGES = (b"Q", b"P")  # simple query, parse (extended protocol)
MYSQL_COM_QUERY = 0x03


class _QueryWatch:
    """Reads the client's bytes and tells when its first query after authentication begins."""

    def __init__(self, dialect: str):
        self.dialect = dialect
        self.buffer = b""
        self.untyped = True  # PostgreSQL's startup phase

    def sees_query(self, data: bytes) -> bool:
        self.buffer += data
        while True:
            if self.dialect == "postgres":
                found, consumed = self._postgres_message()
            else:
                found, consumed = self._mysql_packet()
            if found:
                return True
            if not consumed:
                return False

    def _postgres_message(self) -> tuple[bool, bool]:
        if self.untyped:
            if len(self.buffer) < 8:
                return False, False
            length, code = struct.unpack("!II", self.buffer[:8])
            if len(self.buffer) < length:
                return False, False
            self.buffer = self.buffer[length:]
            # SSL and GSS requests come before the startup message; the startup message ends this phase.
            self.untyped = code in (PG_SSL_REQUEST, PG_GSSENC_REQUEST)
            return False, True
        if len(self.buffer) < 5:
            return False, False
        kind, length = self.buffer[:1], struct.unpack("!I", self.buffer[1:5])[0]
        if kind in PG_QUERY_MESSAGES:
            return True, True
        if len(self.buffer) < 1 + length:
            return False, False
        self.buffer = self.buffer[1 + length :]
        return False, True

    def _mysql_packet(self) -> tuple[bool, bool]:
        if len(self.buffer) < 5:
            return False, False
        length = int.from_bytes(self.buffer[:3], "little")
        sequence, command = self.buffer[3], self.buffer[4]
        # A command starts a new exchange (sequence 0); the login packets continue the greeting's.
        if sequence == 0 and command == MYSQL_COM_QUERY:
            return True, True
        if len(self.buffer) < 4 + length:
            return False, False
        self.buffer = self.buffer[4 + length :]
        return False, True


class StallingProxy:
    """127.0.0.1:port -> the server; the server's replies stop at the client's first query."""

    def __init__(self, dialect: str, server_port: int):
        self.dialect = dialect
        self.server_port = server_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stalled = threading.Event()
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        with contextlib.suppress(OSError):
            while True:
                client, _ = self.listener.accept()
                server = socket.create_connection(("127.0.0.1", self.server_port))
                self.sockets += [client, server]
                stalled = threading.Event()
                threading.Thread(target=self._client_to_server, args=(client, server, stalled), daemon=True).start()
                threading.Thread(target=self._server_to_client, args=(server, client, stalled), daemon=True).start()

    def _client_to_server(self, client: socket.socket, server: socket.socket, stalled: threading.Event) -> None:
        watch = _QueryWatch(self.dialect)
        with contextlib.suppress(OSError):
            while data := client.recv(65536):
                if not stalled.is_set() and watch.sees_query(data):
                    stalled.set()
                    self.stalled.set()
                server.sendall(data)

    def _server_to_client(self, server: socket.socket, client: socket.socket, stalled: threading.Event) -> None:
        with contextlib.suppress(OSError):
            while data := server.recv(65536):
                if not stalled.is_set():
                    client.sendall(data)

    def close(self) -> None:
        for sock in [self.listener, *self.sockets]:
            with contextlib.suppress(OSError):
                sock.close()


@pytest.fixture
def stalling_database(database) -> Iterator[tuple[str, StallingProxy, dict[str, str]]]:
    """A real server behind a StallingProxy, and the environment that points the generator at the proxy."""
    proxy = StallingProxy(database.dialect, database.port)
    port_variable = "PGPORT" if database.dialect == "postgres" else "MYSQL_PORT"
    env = {**os.environ, **database.env, port_variable: str(proxy.port)}
    try:
        yield database.dialect, proxy, env
    finally:
        proxy.close()


def copy_command(template: Path, workspace: Path, dialect: str) -> list[str]:
    data = [f"source_connector={dialect}", "table_name=orders", "schema_source=database"]
    options = ["--trust", "--defaults", "--quiet", "--vcs-ref=HEAD", *(f"--data={item}" for item in data)]
    return [str(COPIER), "copy", *options, str(template), str(workspace)]


def test_a_server_that_stops_answering_after_login_keeps_the_deadline(stalling_database, committed_template, workspace):
    dialect, proxy, env = stalling_database
    env["DATIVO_GEN_DB_TIMEOUT"] = "2"
    started = time.monotonic()

    result = subprocess.run(
        copy_command(committed_template, workspace, dialect), env=env, capture_output=True, text=True, timeout=60
    )

    elapsed = time.monotonic() - started
    assert proxy.stalled.is_set(), "the login went through and the query was sent"
    assert result.returncode == 0, result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines == [
        f"dativo-gen: cannot read table orders at 127.0.0.1:{proxy.port}: no answer within 2 s "
        "(set DATIVO_GEN_DB_TIMEOUT to wait longer); falling back to typed or starter fields"
    ]
    # Falls back as for a refused connection: the starter fields, nothing inferred.
    answers = load_yaml(workspace / ".copier-answers" / "acme" / f"{dialect}_orders_to_iceberg.yml")
    assert answers["starter_fields"] is True
    asset, _ = generated_files(workspace, answers)
    assert [field["name"] for field in asset["schema"]] == ["id", "updated_at"]
    # 2 s of waiting plus starting Copier twice over; without a deadline it never ends.
    assert elapsed < 20


def test_ctrl_c_stops_a_stalled_introspection_at_once(stalling_database, committed_template, workspace):
    dialect, proxy, env = stalling_database
    env["DATIVO_GEN_DB_TIMEOUT"] = "120"
    process = subprocess.Popen(
        copy_command(committed_template, workspace, dialect),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proxy.stalled.wait(60), "the query reached the proxy"
        time.sleep(0.5)  # the driver is now waiting for the reply
        process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 1
    assert "Execution stopped by user" in stderr
    assert "Traceback" not in stderr
    assert not workspace.exists()
