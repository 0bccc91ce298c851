"""AppRole with response wrapping: the air-gapped runner flow of the guide, with
the real bao CLI and hvac. Runs unchanged against OpenBao (E2E_SERVER=bao)."""

from __future__ import annotations

import json
import time

import pytest

from conftest import random_name


@pytest.fixture
def approle(dev_server):
    mount = random_name("approle")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"}).status_code == 204
    policy = random_name("runner-read")
    key = random_name("runner")
    dev_server.http("PUT", f"sys/policies/acl/{policy}", body={"policy": f'path "secret/data/{key}" {{ capabilities = ["read"] }}'})
    dev_server.http("POST", f"secret/data/{key}", body={"data": {"password": "runner-secret"}})
    r = dev_server.http("POST", f"auth/{mount}/role/runner", body={"token_policies": [policy], "secret_id_num_uses": 1,
                                                                  "secret_id_ttl": "10m", "token_ttl": "20m"})
    assert r.status_code == 204, r.text
    role_id = dev_server.http("GET", f"auth/{mount}/role/runner/role-id").json()["data"]["role_id"]
    return mount, role_id, key


def test_air_gapped_runner_flow_with_bao_cli(dev_server, approle):
    mount, role_id, key = approle
    wrapped = dev_server.bao("write", "-wrap-ttl=60s", "-f", "-format=json", f"auth/{mount}/role/runner/secret-id")
    assert wrapped.returncode == 0, wrapped.stderr
    wrap_info = json.loads(wrapped.stdout)["wrap_info"]
    assert wrap_info["ttl"] == 60 and wrap_info["creation_path"] == f"auth/{mount}/role/runner/secret-id"

    unwrapped = dev_server.bao("unwrap", "-format=json", token=wrap_info["token"])
    assert unwrapped.returncode == 0, unwrapped.stderr
    secret_id = json.loads(unwrapped.stdout)["data"]["secret_id"]
    assert json.loads(unwrapped.stdout)["data"]["secret_id_accessor"] == wrap_info["wrapped_accessor"]
    again = dev_server.bao("unwrap", wrap_info["token"])
    assert again.returncode == 2 and "Code: 400" in again.stderr

    login = dev_server.bao("write", "-field=token", f"auth/{mount}/login", f"role_id={role_id}", f"secret_id={secret_id}", token=None)
    assert login.returncode == 0, login.stderr
    token = login.stdout
    got = dev_server.bao("kv", "get", "-field=password", f"secret/{key}", token=token)
    assert got.returncode == 0 and got.stdout == "runner-secret", got.stderr
    second = dev_server.bao("write", "-field=token", f"auth/{mount}/login", f"role_id={role_id}", f"secret_id={secret_id}", token=None)
    assert second.returncode == 2 and "invalid role or secret ID" in second.stderr


def test_hvac_approle_and_wrapping_calls(dev_server, approle):
    mount, role_id, key = approle
    client = dev_server.hvac()
    assert client.auth.approle.read_role_id("runner", mount_point=mount)["data"]["role_id"] == role_id
    generated = client.auth.approle.generate_secret_id("runner", mount_point=mount, wrap_ttl="60s")
    wrapping = generated["wrap_info"]["token"]
    unwrapper = dev_server.hvac(token=wrapping)
    secret_id = unwrapper.sys.unwrap()["data"]["secret_id"]
    runner = dev_server.hvac(token=None)
    runner.auth.approle.login(role_id=role_id, secret_id=secret_id, mount_point=mount)
    assert runner.is_authenticated()
    assert runner.secrets.kv.v2.read_secret_version(key, raise_on_deleted_version=True)["data"]["data"] == {"password": "runner-secret"}


def test_expired_wrapping_token_is_refused(dev_server, approle):
    mount, _, _ = approle
    r = dev_server.http("POST", f"auth/{mount}/role/runner/secret-id", headers={"X-Vault-Wrap-TTL": "1s"})
    token = r.json()["wrap_info"]["token"]
    time.sleep(2.2)
    refused = dev_server.http("POST", "sys/wrapping/unwrap", body={"token": token})
    assert refused.status_code == 400
    assert refused.json()["errors"] == ["wrapping token is not valid or does not exist"]


def test_secret_id_bound_cidrs_refuse_other_addresses(dev_server):
    mount = random_name("approle")
    dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"})
    dev_server.http("POST", f"auth/{mount}/role/far", body={"token_policies": "default", "secret_id_bound_cidrs": "10.0.0.0/8"})
    role_id = dev_server.http("GET", f"auth/{mount}/role/far/role-id").json()["data"]["role_id"]
    secret = dev_server.http("POST", f"auth/{mount}/role/far/secret-id").json()["data"]
    refused = dev_server.http("POST", f"auth/{mount}/login", body={"role_id": role_id, "secret_id": secret["secret_id"]}, token=None)
    assert refused.status_code == 400
    assert refused.json()["errors"] == ['source address "127.0.0.1" unauthorized by CIDR restrictions on the role: %!w(<nil>)']
    # Nothing was consumed: the secret ID is still there.
    lookup = dev_server.http("POST", f"auth/{mount}/role/far/secret-id/lookup", body={"secret_id": secret["secret_id"]})
    assert lookup.status_code == 200 and lookup.json()["data"]["secret_id_accessor"] == secret["secret_id_accessor"]


def test_token_bound_cidrs_from_the_role(dev_server):
    mount = random_name("approle")
    dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"})
    dev_server.http("POST", f"auth/{mount}/role/bound", body={"token_policies": "default", "token_bound_cidrs": "10.0.0.0/8"})
    role_id = dev_server.http("GET", f"auth/{mount}/role/bound/role-id").json()["data"]["role_id"]
    secret_id = dev_server.http("POST", f"auth/{mount}/role/bound/secret-id").json()["data"]["secret_id"]
    login = dev_server.http("POST", f"auth/{mount}/login", body={"role_id": role_id, "secret_id": secret_id}, token=None)
    assert login.status_code == 200, login.text
    token = login.json()["auth"]["client_token"]
    assert dev_server.http("GET", "auth/token/lookup-self", token=token).status_code == 403


def test_a_bad_cidr_block_is_a_500_on_the_role_and_a_400_on_its_field_path(dev_server):
    """OpenBao answers a bad CIDR block with 500 on a role write and 400 on the
    one-field path; clients that retry on 5xx see the same split here."""
    mount = random_name("approle")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"}).status_code == 204
    assert dev_server.http("POST", f"auth/{mount}/role/ci", body={"token_ttl": "1m"}).status_code == 204
    role = dev_server.http("POST", f"auth/{mount}/role/ci", body={"secret_id_bound_cidrs": "not-a-cidr"})
    assert role.status_code == 500, role.text
    field = dev_server.http("POST", f"auth/{mount}/role/ci/secret-id-bound-cidrs", body={"secret_id_bound_cidrs": "not-a-cidr"})
    assert field.status_code == 400, field.text
    assert field.json()["errors"] == ["failed to validate CIDR blocks: invalid CIDR address: not-a-cidr"]


# The wrapping token of unwrap and rewrap is checked before the caller's token
# (issue 16): a runner holding a spent or tampered wrapping token gets a 400, not
# the 403 of a policy refusal. (header token, body token or None, status, error)
WRAPPING_CASES = [
    ("spent unwrap, spent token in the header", "unwrap", "spent", None, 400, "wrapping token is not valid or does not exist"),
    ("unwrap, an unknown token in the header", "unwrap", "bogus", None, 400, "wrapping token is not valid or does not exist"),
    ("rewrap, an unknown token in the header", "rewrap", "bogus", None, 400, "wrapping token is not valid or does not exist"),
    ("unwrap, an unknown token in the body", "unwrap", None, "bogus", 400, "wrapping token is not valid or does not exist"),
    ("unwrap, no token at all", "unwrap", None, None, 403, "error validating wrapping token: token is empty"),
    ("rewrap, no token at all", "rewrap", None, None, 403, "error validating wrapping token: token is empty"),
    ("unwrap, an empty body token", "unwrap", "root", "", 403, "error validating wrapping token: empty token in request body"),
    ("unwrap, a valid body token, an unknown caller", "unwrap", "bogus", "valid", 403, "permission denied"),
    ("rewrap, a valid body token, no caller", "rewrap", None, "valid", 403, "permission denied"),
]


@pytest.mark.parametrize("case,endpoint,header,body,status,error", WRAPPING_CASES, ids=[c[0] for c in WRAPPING_CASES])
def test_wrapping_token_checked_before_the_callers(dev_server, case, endpoint, header, body, status, error):
    def wrap() -> str:
        r = dev_server.http("POST", "sys/wrapping/wrap", body={"k": "v"}, headers={"X-Vault-Wrap-TTL": "60"})
        assert r.status_code == 200, r.text
        return r.json()["wrap_info"]["token"]

    spent = wrap()
    assert dev_server.http("POST", "sys/wrapping/unwrap", token=spent).status_code == 200
    tokens = {"spent": spent, "bogus": "hvs.aaaaaaaaaaaaaaaaaaaaaaaa", "root": dev_server.root_token, "valid": None}
    header_token = tokens[header] if header else None
    payload = None if body is None else {"token": wrap() if body == "valid" else tokens.get(body, body)}
    r = dev_server.http("POST", f"sys/wrapping/{endpoint}", body=payload, token=header_token)
    assert (r.status_code, r.json()["errors"]) == (status, [error]), case
