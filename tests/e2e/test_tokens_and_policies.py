"""The guide's least-privilege flow with the real bao CLI: a policy, a 15-minute
token bound to it, reads it allows, reads it denies, and nothing after revoke."""

from __future__ import annotations

import json

from conftest import random_name, random_value

GUIDE_POLICY = """
path "secret/data/ci/production/db" {
  capabilities = ["read"]
}
path "secret/data/ci/production/api" {
  capabilities = ["read"]
}
path "secret/data/ci/staging/*" {
  capabilities = ["deny"]
}
"""


def test_guide_policy_with_bao_cli(dev_server, tmp_path):
    prefix = random_name("ci")
    policy_name = random_name("ci-production")
    policy = GUIDE_POLICY.replace("secret/data/ci/", f"secret/data/{prefix}/")
    (tmp_path / "policy.hcl").write_text(policy)
    written = dev_server.bao("policy", "write", policy_name, str(tmp_path / "policy.hcl"))
    assert written.returncode == 0, written.stderr

    password = random_value(24)
    for path, value in [(f"secret/{prefix}/production/db", password), (f"secret/{prefix}/staging/db", random_value(24)),
                        (f"secret/{prefix}/other", random_value(24))]:
        put = dev_server.bao("kv", "put", path, f"password={value}")
        assert put.returncode == 0, put.stderr

    created = dev_server.bao("token", "create", f"-policy={policy_name}", "-ttl=15m", "-format=json")
    assert created.returncode == 0, created.stderr
    auth = json.loads(created.stdout)["auth"]
    assert auth["lease_duration"] == 900
    assert auth["policies"] == sorted([policy_name, "default"])
    token = auth["client_token"]

    got = dev_server.bao("kv", "get", "-field=password", f"secret/{prefix}/production/db", token=token)
    assert got.returncode == 0, got.stderr
    same = got.stdout == password
    assert same, "kv get -field=password did not print the stored value"

    for denied in (f"secret/{prefix}/staging/db", f"secret/{prefix}/other"):
        refused = dev_server.bao("kv", "get", "-field=password", denied, token=token)
        assert refused.returncode == 2
        assert "Code: 403" in refused.stderr and "permission denied" in refused.stderr

    revoked = dev_server.bao("token", "revoke", "-self", token=token)
    assert revoked.returncode == 0, revoked.stderr
    after = dev_server.bao("kv", "get", "-field=password", f"secret/{prefix}/production/db", token=token)
    assert after.returncode == 2
    assert "403" in after.stderr


def test_token_lookup_and_capabilities_with_bao_cli(dev_server):
    policy_name = random_name("reader")
    dev_server.bao("policy", "write", policy_name, "-", input='path "secret/data/reader/*" { capabilities = ["read"] }\n')
    created = json.loads(dev_server.bao("token", "create", f"-policy={policy_name}", "-format=json").stdout)
    token = created["auth"]["client_token"]
    lookup = dev_server.bao("token", "lookup", "-format=json", token=token)
    assert lookup.returncode == 0, lookup.stderr
    assert json.loads(lookup.stdout)["data"]["policies"] == sorted(["default", policy_name])
    caps = dev_server.bao("token", "capabilities", "secret/data/reader/x", token=token)
    assert caps.returncode == 0, caps.stderr
    assert caps.stdout.strip() == "read"
    login = dev_server.bao("login", "-no-store", token)
    assert login.returncode == 0, login.stderr


def test_num_uses_one_works_exactly_once(dev_server):
    created = json.loads(dev_server.bao("token", "create", "-use-limit=1", "-policy=default", "-format=json").stdout)
    token = created["auth"]["client_token"]
    first = dev_server.http("GET", "auth/token/lookup-self", token=token)
    second = dev_server.http("GET", "auth/token/lookup-self", token=token)
    assert first.status_code == 200
    assert second.status_code == 403

