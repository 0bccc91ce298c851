"""The LIST verb on the wire, next to bodies that look like requests (issue 12,
item 6). Coffer rewrites `LIST` before its HTTP parser sees it, so it must find
where each body ends exactly as the parser does: a body taken for a request
line would be rewritten, change length, and shift where the next request
starts (request smuggling behind a proxy). Go (OpenBao) parses LIST natively."""

from __future__ import annotations

import json
import socket


def _answers(server, payload: bytes, count: int) -> list[int]:
    """Sends `payload` on one connection; the statuses of up to `count` answers."""
    statuses: list[int] = []
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(payload)
        buffered = b""
        while len(statuses) < count:
            while b"\r\n\r\n" not in buffered:
                chunk = sock.recv(65536)
                if not chunk:
                    return statuses
                buffered += chunk
            head, _, buffered = buffered.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            statuses.append(int(lines[0].split(" ")[1]))
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value.strip())
            while len(buffered) < length:
                chunk = sock.recv(65536)
                if not chunk:
                    return statuses
                buffered += chunk
            buffered = buffered[length:]
    return statuses


def _request_with_body(content_length_line: str, body: bytes) -> bytes:
    return (b"GET /v1/sys/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            + content_length_line.format(len(body)).encode() + b"\r\n\r\n" + body)


BODY = b"LIST /v1/sys/mounts HTTP/1.1\r\nA: b\r\n\r\n"


def _next_requests(token: str) -> bytes:
    return (b"GET /v1/sys/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            + f"LIST /v1/sys/policies/acl HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: {token}\r\n\r\n".encode())


def test_a_body_under_a_long_content_length_line_is_not_taken_for_a_request(dev_server):
    for line in ("Content-Length:" + " " * 100 + "{}",
                 "content-LENGTH: " + "0" * 90 + "{}",
                 "X-Padding: " + "p" * 4000 + "\r\nContent-Length: {}"):
        statuses = _answers(dev_server, _request_with_body(line, BODY) + _next_requests(dev_server.root_token), 3)
        assert statuses == [200, 200, 200], (line[:20], statuses)


def test_list_still_works_after_a_request_with_a_body(dev_server):
    body = json.dumps({"policy": 'path "x" { capabilities = ["read"] }'}).encode()
    payload = (b"PUT /v1/sys/policies/acl/framing-e2e HTTP/1.1\r\nHost: 127.0.0.1\r\n"
               + f"X-Vault-Token: {dev_server.root_token}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
               + f"LIST /v1/sys/policies/acl HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Vault-Token: {dev_server.root_token}\r\n\r\n".encode())
    assert _answers(dev_server, payload, 2) == [204, 200]
