"""The socket and syslog audit devices beside the file device: the same entries
reach a TCP, UDP or unix listener and a stand-in for the local syslog daemon,
and a socket device that cannot write refuses the request (fail closed).

OpenBao refuses `sys/audit/<path>` under plain `-dev`, so these tests run on
config servers with `unsafe_allow_api_audit_creation = true`. OpenBao cannot be
pointed at the test's syslog socket (it dials /dev/log); Coffer reads
COFFER_SYSLOG_SOCKET, which is not a Vault option: those parts are Coffer-only.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest

from conftest import IS_BAO, Server, coffer_only, free_port, random_name, random_value

HMAC = re.compile(r"hmac-sha256:[0-9a-f]{64}")


class Receiver:
    """A listener standing in for a log collector: TCP or unix stream (lines),
    UDP or unix datagram (one entry per datagram). Collects what arrives."""

    def __init__(self, kind: str, path: str | None = None, port: int | None = None):
        self.kind = kind
        self.chunks: list[bytes] = []
        self.lock = threading.Lock()
        self.connections: list[socket.socket] = []
        family = socket.AF_UNIX if kind.startswith("unix") else socket.AF_INET
        stream = kind in ("tcp", "unix")
        self.sock = socket.socket(family, socket.SOCK_STREAM if stream else socket.SOCK_DGRAM)
        if family == socket.AF_INET:
            # The fail-closed test listens again on the same port.
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind(("127.0.0.1", port or 0))
            self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        else:
            self.sock.bind(path)
            self.address = path
        if stream:
            self.sock.listen()
        threading.Thread(target=self._accept if stream else self._receive, args=(self.sock,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            self.connections.append(conn)
            threading.Thread(target=self._receive, args=(conn,), daemon=True).start()

    def _receive(self, conn: socket.socket) -> None:
        while True:
            try:
                data = conn.recv(1 << 20)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.chunks.append(data)

    def entries(self) -> list[dict]:
        with self.lock:
            chunks = list(self.chunks)
        if self.kind in ("tcp", "unix"):
            return [json.loads(line) for line in b"".join(chunks).decode().splitlines() if line.strip()]
        return [json.loads(chunk) for chunk in chunks]

    def messages(self) -> list[str]:
        with self.lock:
            return [chunk.decode() for chunk in self.chunks]

    def syslog_entries(self) -> list[dict]:
        """The JSON after each syslog message's header."""
        return [json.loads(message.split(": ", 1)[1]) for message in self.messages()]

    def close(self) -> None:
        for conn in [self.sock, *self.connections]:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        if self.kind.startswith("unix") and os.path.exists(self.address):
            os.unlink(self.address)


def short_dir() -> Path:
    """A directory for unix sockets: their paths must fit in 108 bytes."""
    return Path(tempfile.mkdtemp(prefix="coffer-audit-", dir="/tmp"))


def audit_server(factory, syslog_socket: Path | None = None) -> Server:
    """A config server that may enable audit devices over the API, with a KV v2 mount."""
    server = factory(persistent=False)
    server.config_path.write_text(server.config_path.read_text() + "unsafe_allow_api_audit_creation = true\n")
    server.stop()
    if syslog_socket is not None and not IS_BAO:
        server.env = {**(server.env or os.environ), "COFFER_SYSLOG_SOCKET": str(syslog_socket)}
    server.start()
    init = server.init(shares=1, threshold=1)
    server.unseal(init["keys_base64"][:1])
    server.mount("kv", "kv", {"version": "2"})
    return server


@pytest.fixture(scope="module")
def sockets_dir():
    directory = short_dir()
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def server(module_config_server_factory, sockets_dir) -> Server:
    return audit_server(module_config_server_factory, sockets_dir / "syslog.sock")


def comparable(entries: list[dict], prefix: str) -> list[dict]:
    """The entries about `prefix`, with each device's own salt and write time taken out."""
    chosen = [e for e in entries if e["request"]["path"].startswith(prefix)]
    normalised = [json.loads(HMAC.sub("hmac", json.dumps(e, sort_keys=True))) for e in chosen]
    for entry in normalised:
        entry.pop("time", None)
    return normalised


def make_requests(server: Server, key: str) -> None:
    """KV write, read, list, a wrapped read, a denied read and a delete under kv/."""
    secret = random_value(24)
    assert server.http("POST", f"kv/data/{key}/db", body={"data": {"password": secret}}).status_code == 200
    assert server.http("GET", f"kv/data/{key}/db").status_code == 200
    assert server.http("LIST", f"kv/metadata/{key}").status_code == 200
    assert server.http("GET", f"kv/data/{key}/db", headers={"X-Vault-Wrap-TTL": "60s"}).status_code == 200
    token = server.http("POST", "auth/token/create", body={"policies": ["default"]}).json()["auth"]["client_token"]
    assert server.http("GET", f"kv/data/{key}/db", token=token).status_code == 403
    assert server.http("DELETE", f"kv/metadata/{key}/db").status_code == 204


def wait_for(check, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def file_device(server: Server, directory: Path) -> tuple[str, Path]:
    path, log = random_name("file"), directory / f"{random_name('audit')}.log"
    assert server.http("PUT", f"sys/audit/{path}", body={"type": "file", "options": {"file_path": str(log)}}).status_code == 204
    return path, log


def lines(log: Path) -> list[dict]:
    return [json.loads(line) for line in log.read_text().splitlines() if line.strip()]


@pytest.mark.parametrize("socket_type", ["tcp", "udp", "unix"])
def test_socket_device_receives_the_file_devices_entries(server, sockets_dir, tmp_path, socket_type):
    receiver = Receiver(socket_type, path=str(sockets_dir / f"{random_name('s')}.sock"))
    file_path, log = file_device(server, tmp_path)
    device = random_name("socket")
    try:
        # Enabled through hvac, as a client library would.
        server.hvac().sys.enable_audit_device("socket", path=device, options={"address": receiver.address, "socket_type": socket_type})
        listed = server.http("GET", "sys/audit").json()["data"][f"{device}/"]
        assert listed == {"type": "socket", "description": "", "local": False, "path": f"{device}/",
                          "options": {"address": receiver.address, "socket_type": socket_type}}
        key = random_name("dev")
        make_requests(server, key)
        prefix = f"kv/data/{key}"
        expected = comparable(lines(log), prefix)
        assert len(expected) == 8  # request and response lines of four requests
        wait_for(lambda: len(comparable(receiver.entries(), prefix)) >= len(expected))
        assert comparable(receiver.entries(), prefix) == expected
    finally:
        server.http("DELETE", f"sys/audit/{device}")
        server.http("DELETE", f"sys/audit/{file_path}")
        receiver.close()


def test_unreachable_socket_address_is_refused_at_enable(server):
    port = free_port()  # bound and released: nothing listens there
    result = server.bao("audit", "enable", f"-path={random_name('socket')}", "socket", f"address=127.0.0.1:{port}", "socket_type=tcp")
    assert result.returncode == 2
    dial = f"dial tcp 127.0.0.1:{port}: connect: connection refused"
    assert f"audit backend failed test message: 2 errors occurred:\n\t* {dial}\n\t* {dial}" in result.stderr
    refused = server.http("PUT", f"sys/audit/{random_name('socket')}", body={"type": "socket", "options": {}})
    assert refused.status_code == 400 and refused.json()["errors"] == ["address is required"]


def test_syslog_options_are_checked(server):
    refused = server.http("PUT", f"sys/audit/{random_name('syslog')}", body={"type": "syslog", "options": {"facility": "BOGUS"}})
    assert refused.status_code == 400 and refused.json()["errors"] == ["invalid syslog facility: BOGUS"]


@coffer_only
def test_syslog_device_sends_the_file_devices_entries(server, sockets_dir, tmp_path):
    daemon = Receiver("unixgram", path=str(sockets_dir / "syslog.sock"))
    file_path, log = file_device(server, tmp_path)
    device = random_name("syslog")
    try:
        enabled = server.bao("audit", "enable", f"-path={device}", "syslog", "facility=AUTH", "tag=coffer")
        assert enabled.returncode == 0, enabled.stderr
        assert server.http("GET", "sys/audit").json()["data"][f"{device}/"]["options"] == {"facility": "AUTH", "tag": "coffer"}
        key = random_name("dev")
        make_requests(server, key)
        prefix = f"kv/data/{key}"
        expected = comparable(lines(log), prefix)
        wait_for(lambda: len(comparable(daemon.syslog_entries(), prefix)) >= len(expected))
        assert comparable(daemon.syslog_entries(), prefix) == expected
        # RFC 3164 header as Go's log/syslog writes it locally: AUTH.info = 38.
        header = re.compile(r"^<38>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d coffer\[(\d+)\]: \{.*\}\n$", re.S)
        matches = [header.match(message) for message in daemon.messages()]
        assert matches and all(matches)
        assert {int(m.group(1)) for m in matches} == {server.proc.pid}
    finally:
        server.http("DELETE", f"sys/audit/{device}")
        server.http("DELETE", f"sys/audit/{file_path}")
        daemon.close()


def test_socket_device_without_listener_fails_closed_then_reconnects(config_server_factory):
    server = audit_server(config_server_factory)
    receiver = Receiver("tcp")
    port = int(receiver.address.rsplit(":", 1)[1])
    assert server.http("PUT", "sys/audit/collector", body={"type": "socket", "options": {"address": receiver.address}}).status_code == 204
    assert server.http("POST", "kv/data/before", body={"data": {"a": "b"}}).status_code == 200

    receiver.close()
    time.sleep(1.0)  # time for the server to see the connection closed
    refused = server.http("POST", "kv/data/refused", body={"data": {"a": "b"}})
    assert refused.status_code == 500
    assert refused.json()["errors"] == ["internal error"]

    # The collector is back at the same address: the device dials again.
    again = Receiver("tcp", port=port)
    try:
        stored = server.http("GET", "kv/data/refused")
        if not IS_BAO:
            # Coffer notices the closed connection before the handler runs; OpenBao
            # only when the response line fails, after the write was made.
            assert stored.status_code == 404
        assert server.http("POST", "kv/data/after", body={"data": {"a": "b"}}).status_code == 200
        wait_for(lambda: any(e["request"]["path"] == "kv/data/after" for e in again.entries()))
    finally:
        again.close()
