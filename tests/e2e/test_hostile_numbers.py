"""Requests that trapped the Coffer process before issue 12 (item 1): each now
gets a 400 in Vault's envelope, as OpenBao gives, and the server keeps
answering. Each request is followed by a health check of the same process.

Runs against its own dev server: a crash here must not take down the shared one.
"""

from __future__ import annotations

import json

import pytest
import requests

from conftest import coffer_only, start_dev_server


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = start_dev_server(tmp_path_factory.mktemp("hostile-numbers"))
    try:
        yield srv
    finally:
        srv.kill()


def _assert_alive(server) -> None:
    assert server.proc.poll() is None, "server died\n" + server.output_tail()
    assert server.http("GET", "sys/health", token=None).status_code == 200


def _assert_400(r: requests.Response) -> None:
    assert r.status_code == 400, (r.status_code, r.text[:300])
    assert r.headers["Content-Type"].startswith("application/json")
    assert isinstance(r.json()["errors"], list)


# (path, raw JSON body): numbers and durations too large for Int64 or for Go.
HUGE_BODIES = [
    ("auth/token/create", '{"ttl": 9223372036854775807}'),
    ("auth/token/create", '{"ttl": "99999999999999999999h"}'),
    ("auth/token/create", '{"ttl": 1e300}'),
    ("auth/token/create", '{"num_uses": 1e19}'),
    ("auth/token/create", '{"period": "9223372036854775807"}'),
    ("auth/token/create", '{"explicit_max_ttl": 1e300}'),
    ("secret/config", '{"delete_version_after": 9223372036854775807}'),
    ("secret/metadata/hostile", '{"delete_version_after": "99999999999999999999h"}'),
    ("secret/metadata/hostile", '{"max_versions": 1e19}'),
    ("sys/mounts/hostile", '{"type": "kv", "config": {"default_lease_ttl": 1e300}}'),
]


@pytest.mark.parametrize("path,body", HUGE_BODIES, ids=[f"{p} {b}" for p, b in HUGE_BODIES])
def test_numbers_too_large_for_int64_are_a_400(server, path, body):
    _assert_400(server.http("POST", path, body=body))
    _assert_alive(server)


@pytest.mark.parametrize("header", ["99999999999999999999h", "9223372036854775807"])
def test_wrap_ttl_header_too_long_is_a_400(server, header):
    _assert_400(server.http("GET", "auth/token/lookup-self", headers={"X-Vault-Wrap-TTL": header}))
    _assert_alive(server)


def test_fullwidth_hex_unseal_key_is_a_400(server):
    # Unauthenticated: before the fix one such request stopped the server.
    r = server.http("PUT", "sys/unseal", token=None, body={"key": "０１２３"})
    _assert_400(r)
    assert r.json()["errors"] == ["'key' must be a valid hex or base64 string"]
    _assert_alive(server)


@coffer_only
@pytest.mark.parametrize("query", ["activecode=1000", "activecode=-1", "sealedcode=600", "standbycode=99"])
def test_health_status_code_out_of_range_is_a_400(server, query):
    # OpenBao drops the connection here (Go's WriteHeader panics); Coffer answers 400.
    r = server.http("GET", f"sys/health?{query}", token=None)
    _assert_400(r)
    _assert_alive(server)


def test_stored_extreme_ttl_reads_back(server):
    """The longest TTL Go allows is stored, then read and listed with its dates."""
    r = server.http("POST", "sys/mounts/kv1-hostile", body={"type": "kv", "options": {"version": "1"}})
    assert r.status_code in (200, 204), r.text
    r = server.http("POST", "kv1-hostile/far", body={"ttl": "2562047h", "v": "x"})
    assert r.status_code in (200, 204), r.text
    r = server.http("GET", "kv1-hostile/far")
    assert r.status_code == 200, r.text
    r = server.http("POST", "auth/token/create",
                    body=json.loads('{"ttl": "2562047h", "explicit_max_ttl": "2562047h", "policies": ["default"]}'))
    assert r.status_code == 200, r.text
    accessor = r.json()["auth"]["accessor"]
    r = server.http("POST", "auth/token/lookup-accessor", body={"accessor": accessor})
    assert r.status_code == 200, r.text
    _assert_alive(server)
