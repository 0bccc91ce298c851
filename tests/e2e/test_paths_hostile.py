"""Paths compare as Vault compares them (issue 12, item 7): by whole segments for
root-protected lease listing, by bytes for grants and storage keys, and no
secrets engine under a protected prefix however the path is spelled."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from conftest import random_name

NFC = "caf\u00e9"          # é as one code point
NFD = "cafe\u0301"         # e + combining acute: canonically equivalent, other bytes


def token_for(server, policy: str) -> str:
    name = random_name("paths")
    r = server.http("PUT", f"sys/policies/acl/{name}", body={"policy": policy})
    assert r.status_code == 204, r.text
    r = server.http("POST", "auth/token/create", body={"policies": [name], "ttl": "10m"})
    assert r.status_code == 200, r.text
    return r.json()["auth"]["client_token"]


@pytest.mark.parametrize("suffix", ["lookupX/", "lookup_auth/token/create/", "lookupauth/"])
def test_lease_listing_is_matched_by_segment(dev_server, suffix):
    # A lease exists under auth/token/create/ (the token this test makes).
    token = token_for(dev_server, 'path "sys/leases/*" { capabilities = ["list", "read", "update"] }')
    root_list = dev_server.http("LIST", "sys/leases/lookup/auth/token/create/")
    assert root_list.status_code == 200 and root_list.json()["data"]["keys"]
    # Without sudo the real listing is refused...
    assert dev_server.http("LIST", "sys/leases/lookup/auth/token/create/", token=token).status_code == 403
    # ...and a path that only starts with the same letters lists nothing.
    r = dev_server.http("LIST", f"sys/leases/{suffix}", token=token)
    assert r.status_code == 404, (r.status_code, r.text)
    assert r.json()["errors"] == ["1 error occurred:\n\t* unsupported path\n\n"]


@pytest.mark.parametrize("encoded, shown", [
    ("auth%2Ffoo", "auth/foo/"), ("%2Fauth%2Fq", "auth/q/"), ("sys%2Fx", "sys/x/"), ("sys", "sys/"),
    ("auth", "auth/"), ("cubbyhole%2Fx", "cubbyhole/x/"), ("identity%2Fx", "identity/x/"),
    ("audit%2Fx", "audit/x/"),
])
def test_no_secrets_engine_under_a_protected_prefix(dev_server, encoded, shown):
    r = dev_server.http("POST", f"/v1/sys/mounts/{encoded}", body={"type": "kv"})
    assert r.status_code == 400, (r.status_code, r.text)
    assert r.json()["errors"] == [f'cannot mount "{shown}"']
    mounts = dev_server.http("GET", "sys/mounts").json()["data"]
    assert mounts.get(shown, {}).get("type") != "kv"


@pytest.mark.parametrize("encoded", [".%2Fsys", "x%2F.%2Fauth", "x%2F..%2Fauth%2Fy"])
def test_relative_mount_paths_are_refused(dev_server, encoded):
    r = dev_server.http("POST", f"/v1/sys/mounts/{encoded}", body={"type": "kv"})
    assert r.status_code == 400, (r.status_code, r.text)
    assert r.json()["errors"] == ["relative paths not supported"]


def test_uppercase_auth_is_an_ordinary_mount_as_in_vault(dev_server):
    path = "AUTH" + random_name("x")
    r = dev_server.http("POST", f"sys/mounts/{path}", body={"type": "kv"})
    assert r.status_code == 204, r.text
    dev_server.http("DELETE", f"sys/mounts/{path}")


@pytest.fixture
def kv1(dev_server):
    mount = random_name("ukv")
    dev_server.mount(mount, "kv", {"version": "1"})
    yield mount
    dev_server.http("DELETE", f"sys/mounts/{mount}")


def test_unicode_equivalent_keys_are_two_secrets(dev_server, kv1):
    for name, value in ((NFC, "first"), (NFD, "second")):
        r = dev_server.http("PUT", f"{kv1}/{quote(name)}", body={"v": value})
        assert r.status_code == 204, r.text
    got = [dev_server.http("GET", f"{kv1}/{quote(name)}").json()["data"]["v"] for name in (NFC, NFD)]
    assert got == ["first", "second"]
    keys = dev_server.http("LIST", f"{kv1}/").json()["data"]["keys"]
    assert sorted(keys) == sorted([NFC, NFD])


def test_grants_match_bytes_not_unicode_equivalence(dev_server, kv1):
    token = token_for(dev_server, f'path "{kv1}/{NFC}" {{ capabilities = ["read"] }}\n'
                                  f'path "{kv1}/p/cafe*" {{ capabilities = ["read"] }}\n')
    for name in (NFC, NFD, "p/" + NFC, "p/" + NFD):
        assert dev_server.http("PUT", f"{kv1}/{quote(name)}", body={"v": "x"}).status_code == 204
    status = {name: dev_server.http("GET", f"{kv1}/{quote(name)}", token=token).status_code
              for name in (NFC, NFD, "p/" + NFC, "p/" + NFD)}
    # An exact grant on the NFC spelling does not open the NFD one; a byte prefix
    # `cafe*` covers `cafe` + U+0301 but not U+00E9.
    assert status == {NFC: 200, NFD: 403, "p/" + NFC: 403, "p/" + NFD: 200}
