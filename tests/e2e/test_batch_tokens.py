"""Issue 15, batch tokens, as a client sees them: `token create -type=batch`,
logins that issue them (a mount tuned to batch, a role asking for them), and
Vault's limits on them (no renewal, no children, no revocation of their own, no
cubbyhole; they end at expiry or with their parent). Runs against OpenBao too
(E2E_SERVER=bao): every status and message here is the reference's."""

from __future__ import annotations

import time

import pytest

from conftest import assert_error, random_name

TOKEN_POLICY = 'path "auth/token/*" { capabilities = ["create", "update", "read", "sudo"] }'
READER_POLICY = 'path "secret/data/ci/*" { capabilities = ["read"] }'


@pytest.fixture(scope="module")
def policies(dev_server):
    names = {"tok": random_name("tok"), "reader": random_name("reader")}
    for name, text in ((names["tok"], TOKEN_POLICY), (names["reader"], READER_POLICY)):
        r = dev_server.http("PUT", f"sys/policies/acl/{name}", body={"policy": text})
        assert r.status_code == 204, r.text
    dev_server.wait_kv2_ready("secret")
    return names


def create(dev_server, body, token=None, path="auth/token/create"):
    kwargs = {} if token is None else {"token": token}
    return dev_server.http("POST", path, body=body, **kwargs)


def batch_token(dev_server, policy, ttl="10m", token=None):
    r = create(dev_server, {"type": "batch", "policies": [policy], "ttl": ttl}, token=token)
    assert r.status_code == 200, r.text
    return r.json()["auth"]


def test_cli_creates_a_batch_token_that_lookup_describes(dev_server, policies):
    out = dev_server.bao("token", "create", "-type=batch", f"-policy={policies['tok']}", "-ttl=15m", "-format=json")
    assert out.returncode == 0, out.stderr
    import json

    auth = json.loads(out.stdout)["auth"]
    token = auth["client_token"]
    assert token.startswith("b.")
    assert auth["accessor"] == ""
    assert auth["renewable"] is False
    assert auth["lease_duration"] == 900
    assert auth["orphan"] is False
    r = dev_server.http("GET", "auth/token/lookup-self", token=token)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["type"] == "batch"
    assert data["accessor"] == ""
    assert data["id"] == token
    assert data["path"] == "auth/token/create"
    assert sorted(data["policies"]) == sorted(["default", policies["tok"]])
    assert data["renewable"] is False
    assert 890 <= data["ttl"] <= 900


def test_renewal_children_revocation_and_cubbyhole_are_refused(dev_server, policies):
    token = batch_token(dev_server, policies["tok"])["client_token"]
    assert_error(dev_server.http("POST", "auth/token/renew-self", token=token, body={}), 400,
                 ["batch tokens cannot be renewed"])
    assert_error(dev_server.http("POST", "auth/token/renew", body={"token": token}), 400,
                 ["batch tokens cannot be renewed"])
    for body in ({"policies": [policies["tok"]]}, {"type": "batch", "policies": [policies["tok"]]}):
        assert_error(create(dev_server, body, token=token), 400, ["batch tokens cannot create more tokens"])
    assert_error(create(dev_server, {"policies": [policies["tok"]]}, token=token, path="auth/token/create-orphan"),
                 400, ["batch tokens cannot create more tokens"])
    assert_error(dev_server.http("POST", "auth/token/revoke-self", token=token, body={}), 400,
                 ["batch tokens cannot be revoked"])
    assert_error(dev_server.http("POST", "auth/token/revoke", body={"token": token}), 400,
                 ["batch tokens cannot be revoked"])
    assert_error(dev_server.http("POST", "cubbyhole/note", token=token, body={"a": "1"}), 400,
                 ["cubbyhole operations are only supported by 'service' type tokens"])
    # Every refusal left it working.
    assert dev_server.http("GET", "auth/token/lookup-self", token=token).status_code == 200


def test_creation_rules(dev_server, policies):
    assert_error(create(dev_server, {"type": "batch"}), 400, ["batch tokens cannot be root tokens"])
    assert_error(create(dev_server, {"type": "batch", "policies": ["default"], "explicit_max_ttl": "5m"}), 400,
                 ['batch tokens cannot have "explicit_max_ttl" set'])
    assert_error(create(dev_server, {"type": "bogus", "policies": ["default"]}), 400, ["invalid 'token_type' value"])
    # Checked in this order: a token that breaks several rules gets the first one's message.
    assert_error(create(dev_server, {"type": "batch", "period": "10m", "num_uses": 2, "explicit_max_ttl": "1h"}), 400,
                 ['batch tokens cannot have "explicit_max_ttl" set'])
    assert_error(create(dev_server, {"type": "batch", "policies": ["default"], "num_uses": 2, "period": "10m"}), 400,
                 ['batch tokens cannot have "num_uses" set'])
    assert_error(create(dev_server, {"type": "batch", "policies": ["default"], "period": "10m"}), 400,
                 ['batch tokens cannot have "period" set'])
    # What the CLI sends for flags it was not given: zeros, accepted.
    r = create(dev_server, {"type": "batch", "policies": ["default"], "period": "0s", "num_uses": 0,
                            "explicit_max_ttl": "0s", "ttl": "0s", "renewable": False})
    assert r.status_code == 200, r.text
    assert r.json()["auth"]["client_token"].startswith("b.")


def test_a_batch_child_ends_with_its_parent(dev_server, policies):
    r = create(dev_server, {"policies": [policies["tok"]], "ttl": "1h"})
    parent = r.json()["auth"]["client_token"]
    child = batch_token(dev_server, policies["tok"], token=parent)
    assert child["orphan"] is False
    assert dev_server.http("GET", "auth/token/lookup-self", token=child["client_token"]).status_code == 200
    assert dev_server.http("POST", "auth/token/revoke", body={"token": parent}).status_code == 204
    assert_error(dev_server.http("GET", "auth/token/lookup-self", token=child["client_token"]), 403)


def test_a_batch_token_expires(dev_server, policies):
    token = batch_token(dev_server, policies["tok"], ttl="2s")["client_token"]
    assert dev_server.http("GET", "auth/token/lookup-self", token=token).status_code == 200
    time.sleep(3)
    assert_error(dev_server.http("GET", "auth/token/lookup-self", token=token), 403)


def test_a_forged_batch_token_is_refused(dev_server, policies):
    token = batch_token(dev_server, policies["tok"])["client_token"]
    middle = len(token) // 2
    changed = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
    for forged in (changed, "b.AAAAAQ" + "A" * 120):
        assert_error(dev_server.http("GET", "auth/token/lookup-self", token=forged), 403)


def approle_login(dev_server, mount, role, body):
    r = dev_server.http("POST", f"auth/{mount}/role/{role}", body=body)
    assert r.status_code == 204, r.text
    role_id = dev_server.http("GET", f"auth/{mount}/role/{role}/role-id").json()["data"]["role_id"]
    secret_id = dev_server.http("POST", f"auth/{mount}/role/{role}/secret-id", body={}).json()["data"]["secret_id"]
    return dev_server.http("POST", f"auth/{mount}/login", token=None, body={"role_id": role_id, "secret_id": secret_id})


def test_logins_issue_batch_tokens_by_role_or_by_mount(dev_server, policies):
    mount = random_name("approle")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"}).status_code == 204
    # The role asks for batch tokens on a default-service mount.
    r = approle_login(dev_server, mount, "job", {"token_policies": [policies["reader"]], "token_type": "batch",
                                                  "token_ttl": "15m"})
    assert r.status_code == 200, r.text
    auth = r.json()["auth"]
    assert auth["client_token"].startswith("b.")
    assert (auth["accessor"], auth["orphan"], auth["renewable"], auth["lease_duration"]) == ("", True, False, 900)
    assert dev_server.http("GET", f"auth/{mount}/role/job").json()["data"]["token_type"] == "batch"

    # A mount tuned to batch decides for a role that asks for service tokens.
    r = approle_login(dev_server, mount, "svc", {"token_policies": [policies["reader"]], "token_type": "service"})
    assert r.json()["auth"]["client_token"].startswith(("s.", "hvs."))
    assert dev_server.http("POST", f"sys/auth/{mount}/tune", body={"token_type": "batch"}).status_code == 204
    assert dev_server.http("GET", f"sys/auth/{mount}/tune").json()["data"]["token_type"] == "batch"
    r = approle_login(dev_server, mount, "svc", {"token_policies": [policies["reader"]], "token_type": "service"})
    assert r.json()["auth"]["client_token"].startswith("b.")

    # default-batch: a role saying "default" gets batch, one saying "service" keeps it.
    assert dev_server.http("POST", f"sys/auth/{mount}/tune", body={"token_type": "default-batch"}).status_code == 204
    r = approle_login(dev_server, mount, "dflt", {"token_policies": [policies["reader"]]})
    assert r.json()["auth"]["client_token"].startswith("b.")
    r = approle_login(dev_server, mount, "svc", {"token_policies": [policies["reader"]], "token_type": "service"})
    assert r.json()["auth"]["client_token"].startswith(("s.", "hvs."))

    assert_error(dev_server.http("POST", f"sys/auth/{mount}/tune", body={"token_type": "default"}), 400,
                 ["invalid value for 'token_type'"])
    assert_error(dev_server.http("POST", "sys/auth/token/tune", body={"token_type": "batch"}), 400,
                 ["'token_type' cannot be set for 'token' or 'ns_token' auth mounts"])
    assert_error(dev_server.http("POST", f"auth/{mount}/role/bad", body={"token_type": "batch", "token_period": "5m"}),
                 400, ["'token_type' cannot be 'batch' or 'default_batch' when set to generate periodic tokens"])
    assert_error(dev_server.http("POST", f"auth/{mount}/role/bad", body={"token_type": "batch", "token_num_uses": 3}),
                 400, ["'token_type' cannot be 'batch' or 'default_batch' when set to generate tokens with limited use count"])


def test_a_ci_job_reads_its_secret_with_a_batch_token_through_hvac(dev_server, policies):
    """The textbook case: a 15-minute read-only token from a login, used by hvac."""
    root = dev_server.hvac()
    root.secrets.kv.v2.create_or_update_secret(path="ci/deploy", secret={"key": "value-1"}, mount_point="secret")
    mount = random_name("approle")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle",
                                                              "config": {"token_type": "batch"}}).status_code == 204
    dev_server.http("POST", f"auth/{mount}/role/job", body={"token_policies": [policies["reader"]], "token_ttl": "15m"})
    role_id = root.auth.approle.read_role_id("job", mount_point=mount)["data"]["role_id"]
    secret_id = root.auth.approle.generate_secret_id("job", mount_point=mount)["data"]["secret_id"]
    job = dev_server.hvac(token=None)
    job.auth.approle.login(role_id=role_id, secret_id=secret_id, mount_point=mount)
    assert job.token.startswith("b.")
    read = job.secrets.kv.v2.read_secret_version(path="ci/deploy", mount_point="secret", raise_on_deleted_version=True)
    assert read["data"]["data"] == {"key": "value-1"}
    assert job.lookup_token()["data"]["type"] == "batch"
