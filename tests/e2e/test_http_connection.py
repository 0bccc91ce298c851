"""HTTP/1.1 on the wire, with raw sockets: what clients that reuse, pipeline
or close connections depend on. Go's net/http (OpenBao) behaves the same."""

from __future__ import annotations

import json
import os
import socket
import time

import pytest

from conftest import IS_COFFER, random_name


def _connect(server) -> socket.socket:
    """A connection to `server`; use it in a `with` block, which closes it."""
    return socket.create_connection(("127.0.0.1", server.port), timeout=10)


def _read_response(sock: socket.socket, buffered: bytearray) -> tuple[int, dict[str, str], bytes]:
    """One response off the connection (status, lower-cased headers, body);
    what follows it stays in `buffered`."""
    while b"\r\n\r\n" not in buffered:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError(f"connection closed mid-response: {bytes(buffered)[:200]!r}")
        buffered += chunk
    head, _, rest = bytes(buffered).partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ")[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed mid-body")
        rest += chunk
    buffered[:] = rest[length:]
    return status, headers, rest[:length]


def _closed_by_server(sock: socket.socket) -> bool:
    try:
        return sock.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        return False


def test_pipelined_requests_are_answered_in_order_on_one_connection(dev_server):
    with _connect(dev_server) as sock:
        requests_ = b"".join(
            f"GET /v1/{path} HTTP/1.1\r\nHost: x\r\nX-Vault-Token: {dev_server.root_token}\r\n\r\n".encode()
            for path in ("sys/health", "sys/seal-status", "auth/token/lookup-self", "sys/health")
        )
        sock.sendall(requests_)
        buffered = bytearray()
        answers = [_read_response(sock, buffered) for _ in range(4)]
        assert [status for status, _, _ in answers] == [200, 200, 200, 200]
        assert "initialized" in json.loads(answers[0][2])
        assert "sealed" in json.loads(answers[1][2]) and "initialized" in json.loads(answers[1][2])
        assert json.loads(answers[2][2])["data"]["policies"] == ["root"]
        # Still open for more.
        sock.sendall(b"GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_response(sock, buffered)[0] == 200


def test_connection_close_is_honoured_after_the_answer(dev_server):
    with _connect(dev_server) as sock:
        sock.sendall(b"GET /v1/sys/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        buffered = bytearray()
        status, headers, body = _read_response(sock, buffered)
        assert status == 200 and json.loads(body)["initialized"] is True
        assert headers.get("connection", "").lower() == "close"
        assert not buffered and _closed_by_server(sock)


def test_requests_pipelined_after_connection_close_are_not_carried_out(dev_server):
    key = random_name("after-close")
    with _connect(dev_server) as sock:
        body = json.dumps({"data": {"v": "1"}}).encode()
        sock.sendall(
            b"GET /v1/sys/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            + f"POST /v1/secret/data/{key} HTTP/1.1\r\nHost: x\r\nX-Vault-Token: {dev_server.root_token}\r\n"
              f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
        )
        buffered = bytearray()
        status, headers, _ = _read_response(sock, buffered)
        assert status == 200 and headers.get("connection", "").lower() == "close"
        assert not buffered and _closed_by_server(sock)
    assert dev_server.http("GET", f"secret/data/{key}").status_code == 404


def test_requests_before_an_unparseable_one_are_answered_first(dev_server):
    with _connect(dev_server) as sock:
        sock.sendall(b"GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\nTHIS IS NOT HTTP\r\n\r\n")
        buffered = bytearray()
        status, _, body = _read_response(sock, buffered)
        assert status == 200 and json.loads(body)["initialized"] is True
        status, _, _ = _read_response(sock, buffered)
        assert status == 400
        assert _closed_by_server(sock)


def test_http_1_0_without_keep_alive_gets_one_answer_then_close(dev_server):
    with _connect(dev_server) as sock:
        sock.sendall(b"GET /v1/sys/health HTTP/1.0\r\n\r\n")
        buffered = bytearray()
        status, _, body = _read_response(sock, buffered)
        assert status == 200 and json.loads(body)["sealed"] is False
        assert _closed_by_server(sock)


def test_http_1_0_keep_alive_is_confirmed_and_kept(dev_server):
    with _connect(dev_server) as sock:
        buffered = bytearray()
        for _ in range(2):
            sock.sendall(b"GET /v1/sys/health HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
            status, headers, body = _read_response(sock, buffered)
            assert status == 200 and json.loads(body)["initialized"] is True
            assert headers.get("connection", "").lower() == "keep-alive"


def test_unparseable_request_gets_400_and_the_connection_closes(dev_server):
    with _connect(dev_server) as sock:
        sock.sendall(b"THIS IS NOT HTTP\r\n\r\n")
        buffered = bytearray()
        status, _, _ = _read_response(sock, buffered)
        assert status == 400
        assert _closed_by_server(sock)


def test_head_gets_headers_and_no_body(dev_server):
    with _connect(dev_server) as sock:
        sock.sendall(b"HEAD /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(2)
        data = b""
        while b"\r\n\r\n" not in data:
            data += sock.recv(65536)
        head, _, rest = data.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200")
        # OpenBao states no length for HEAD (a zero would be wrong: RFC 9110 §8.6).
        assert not [line for line in head.split(b"\r\n") if line.lower().startswith(b"content-length:")]
        # The next request on the same connection gets a well-formed answer:
        # nothing of a body was left on the wire.
        sock.sendall(b"GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n")
        buffered = bytearray(rest)
        status, _, body = _read_response(sock, buffered)
        assert status == 200 and json.loads(body)["initialized"] is True


def test_body_over_32_mib_is_refused_and_nothing_is_written(dev_server):
    key = "http-too-large"
    filler = "a" * (33 * 1024 * 1024)
    body = json.dumps({"data": {"blob": filler}}).encode()
    with _connect(dev_server) as sock:
        sock.sendall(
            f"POST /v1/secret/data/{key} HTTP/1.1\r\nHost: x\r\nX-Vault-Token: {dev_server.root_token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        )
        try:
            sock.sendall(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # a server may answer and close before reading it all
        buffered = bytearray()
        status, _, _ = _read_response(sock, buffered)
        assert status == 413
    r = dev_server.http("GET", f"secret/data/{key}")
    assert r.status_code == 404


def test_a_client_that_never_reads_is_stopped_not_buffered(dev_server):
    """The server stops reading from a client that does not read its answers,
    instead of queueing answers without bound: sending blocks well before
    200 MB of requests have gone out."""
    request = b"GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n" * 1000
    sent = 0
    with _connect(dev_server) as sock:
        sock.settimeout(5)
        try:
            while sent < 200 * 1024 * 1024:
                sock.sendall(request)
                sent += len(request)
            raise AssertionError(f"server took {sent} bytes of requests without their answers being read")
        except socket.timeout:
            pass
    assert sent < 100 * 1024 * 1024
    assert dev_server.http("GET", "sys/health").status_code == 200


def _open_descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


@pytest.mark.skipif(not IS_COFFER, reason="reads the server process's descriptors in /proc")
def test_connections_the_client_closes_are_closed_by_the_server(dev_server):
    """A client that closes after its answer (or half-closes after pipelining)
    must not leave the server holding the connection until the idle timeout:
    100 such clients would otherwise hold 100 descriptors."""
    before = _open_descriptors(dev_server.proc.pid)
    for _ in range(100):
        with socket.create_connection(("127.0.0.1", dev_server.port)) as s:
            s.sendall(b"GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\n")
            s.recv(65536)
    with socket.create_connection(("127.0.0.1", dev_server.port)) as s:
        s.sendall(b"GET /v1/sys/health HTTP/1.1\r\nHost: x\r\n\r\nGET /v1/sys/seal-status HTTP/1.1\r\nHost: x\r\n\r\n")
        s.shutdown(socket.SHUT_WR)
        s.settimeout(10)
        answers = b""
        try:
            while chunk := s.recv(65536):
                answers += chunk
        except socket.timeout:
            pytest.fail("the server kept a half-closed connection open after answering")
    assert answers.count(b"HTTP/1.1 200") == 2, "requests sent before a half-close were not all answered"
    deadline = time.monotonic() + 5
    while _open_descriptors(dev_server.proc.pid) > before + 10 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _open_descriptors(dev_server.proc.pid) <= before + 10
