"""Issue 12, items 4 and 5, as a client sees them: a caller cannot widen a
token's or a secret ID's limits, a strictly bound token works only from where
it logged in, and disabling an auth method revokes the tokens it issued (also
while logins are in flight). Runs against OpenBao too (E2E_SERVER=bao): every
status and message here is the reference's."""

from __future__ import annotations

import concurrent.futures
import http.client
import json

import pytest

from conftest import assert_error, random_name
import oidc_test_issuer
from test_jwt_auth import ORG, PROJECT, login, make_mount

SYSTEM_MAX = 2764800  # 768h


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    server = oidc_test_issuer.TestIssuer(tmp_path_factory.mktemp("issuer"))
    yield server
    server.stop()


def create(dev_server, body, path="auth/token/create", token=None):
    kwargs = {} if token is None else {"token": token}
    return dev_server.http("POST", path, body=body, **kwargs)


def creator_token(dev_server):
    """A token that may call auth/token/create but has no sudo."""
    policy = random_name("creator")
    r = dev_server.http("PUT", f"sys/policies/acl/{policy}",
                        body={"policy": 'path "auth/token/create" { capabilities = ["update"] }'})
    assert r.status_code == 204, r.text
    r = create(dev_server, {"policies": [policy], "ttl": "1h"})
    assert r.status_code == 200, r.text
    return policy, r.json()["auth"]["client_token"]


def from_address(dev_server, source, method, path, token):
    """One request sent from `source` (another loopback address)."""
    conn = http.client.HTTPConnection("127.0.0.1", dev_server.port, timeout=10, source_address=(source, 0))
    try:
        conn.request(method, "/v1/" + path, headers={"X-Vault-Token": token})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


def test_a_period_needs_sudo(dev_server):
    policy, token = creator_token(dev_server)
    assert_error(create(dev_server, {"policies": [policy], "period": "10m"}, token=token), 400,
                 ["root or sudo privileges required to create periodic token"])
    assert_error(create(dev_server, {"period": "-5"}), 400, ["period must be positive"])


def test_a_periodic_token_honours_explicit_max_ttl(dev_server):
    r = create(dev_server, {"policies": ["default"], "period": "2h", "explicit_max_ttl": "1h"})
    assert r.status_code == 200, r.text
    assert r.json()["auth"]["lease_duration"] == 3600
    assert r.json()["warnings"] == [
        'period of "2h" exceeded the effective max_ttl of "1h"; period value is capped accordingly']
    token = r.json()["auth"]["client_token"]
    r = dev_server.http("POST", "auth/token/renew-self", token=token, body={})
    assert r.status_code == 200, r.text
    assert r.json()["auth"]["lease_duration"] <= 3600


@pytest.mark.parametrize("path,policies", [("auth/token/create-orphan", ["default"]), ("auth/token/create", ["root"])])
def test_a_ttl_for_orphan_or_root_tokens_stops_at_the_system_maximum(dev_server, path, policies):
    r = create(dev_server, {"policies": policies, "ttl": "2000h"}, path=path)
    assert r.status_code == 200, r.text
    assert r.json()["auth"]["lease_duration"] == SYSTEM_MAX
    assert r.json()["warnings"] == [
        'TTL of "2000h" exceeded the effective max_ttl of "768h"; TTL value is capped accordingly']


def test_a_limited_use_token_cannot_create_children(dev_server):
    policy, _ = creator_token(dev_server)
    r = create(dev_server, {"policies": [policy], "num_uses": 3})
    limited = r.json()["auth"]["client_token"]
    assert_error(create(dev_server, {"policies": [policy]}, token=limited), 400,
                 ["restricted use token cannot generate child tokens"])


@pytest.fixture
def approle(dev_server):
    mount = random_name("approle")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"}).status_code == 204
    yield mount
    dev_server.http("DELETE", f"sys/auth/{mount}")


def test_a_secret_id_cannot_widen_its_roles_limits(dev_server, approle):
    r = dev_server.http("POST", f"auth/{approle}/role/ci", body={
        "secret_id_num_uses": 3, "secret_id_ttl": "1h",
        "secret_id_bound_cidrs": ["10.0.0.0/8"], "token_bound_cidrs": ["10.0.0.0/8"]})
    assert r.status_code == 204, r.text
    path = f"auth/{approle}/role/ci/secret-id"
    for uses in (0, 5):
        assert_error(dev_server.http("POST", path, body={"num_uses": uses}), 400,
                     ["num_uses cannot be higher than the role's secret_id_num_uses"])
    for ttl in (0, "2h"):
        assert_error(dev_server.http("POST", path, body={"ttl": ttl}), 400,
                     ["ttl cannot be longer than the role's secret_id_ttl"])
    for field in ("cidr_list", "token_bound_cidrs"):
        assert_error(dev_server.http("POST", path, body={field: ["11.0.0.0/8"]}), 500, [
            '1 error occurred:\n\t* failed to verify subset relationship between CIDR blocks on the role '
            '["10.0.0.0/8"] and CIDR blocks on the secret ID ["11.0.0.0/8"]: %!w(<nil>)\n\n'])
    assert_error(dev_server.http("POST", path, body={"token_bound_cidrs": ["10.2.0.1"]}), 500, [
        "1 error occurred:\n\t* failed to validate token CIDR blocks: invalid CIDR address: 10.2.0.1\n\n"])
    r = dev_server.http("POST", path, body={"num_uses": 2, "ttl": "30m", "token_bound_cidrs": ["10.1.0.0/16"]})
    assert r.status_code == 200, r.text
    assert r.json()["data"]["secret_id_num_uses"] == 2 and r.json()["data"]["secret_id_ttl"] == 1800


def test_a_strictly_bound_token_works_only_from_where_it_logged_in(dev_server, issuer):
    mount = make_mount(dev_server, issuer, token_strictly_bind_ip=True)
    r = login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT)))
    assert r.status_code == 200, r.text
    token = r.json()["auth"]["client_token"]
    assert dev_server.http("GET", "auth/token/lookup-self", token=token).status_code == 200
    status, body = from_address(dev_server, "127.0.0.2", "GET", "auth/token/lookup-self", token)
    assert status == 403 and body == {"errors": ["permission denied"]}


def approle_login(dev_server, mount, role_id):
    return dev_server.http("POST", f"auth/{mount}/login", token=None, body={"role_id": role_id})


def open_role(dev_server, mount):
    """A role that needs no secret ID (bound to loopback instead); returns its role ID."""
    r = dev_server.http("POST", f"auth/{mount}/role/ci", body={
        "bind_secret_id": False, "secret_id_bound_cidrs": ["127.0.0.0/8"], "token_ttl": "1h",
        "token_policies": ["default"]})
    assert r.status_code == 204, r.text
    return dev_server.http("GET", f"auth/{mount}/role/ci/role-id").json()["data"]["role_id"]


def is_revoked(dev_server, token):
    return dev_server.http("GET", "auth/token/lookup-self", token=token).status_code == 403


def test_disabling_an_auth_method_revokes_its_tokens(dev_server, approle):
    role_id = open_role(dev_server, approle)
    tokens = []
    for _ in range(3):
        r = approle_login(dev_server, approle, role_id)
        assert r.status_code == 200, r.text
        tokens.append(r.json()["auth"]["client_token"])
    other = create(dev_server, {"policies": ["default"], "ttl": "1h"}).json()["auth"]["client_token"]
    assert dev_server.http("DELETE", f"sys/auth/{approle}").status_code == 204
    assert all(is_revoked(dev_server, token) for token in tokens)
    assert not is_revoked(dev_server, other)


def test_logins_in_flight_while_the_method_is_disabled_leave_no_live_token(dev_server, approle):
    role_id = open_role(dev_server, approle)
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        logins = [pool.submit(approle_login, dev_server, approle, role_id) for _ in range(40)]
        disabled = pool.submit(dev_server.http, "DELETE", f"sys/auth/{approle}")
        answers = [future.result() for future in logins]
        assert disabled.result().status_code == 204
    issued = [r.json()["auth"]["client_token"] for r in answers if r.status_code == 200]
    assert issued, "no login got in before the disable; the race did not happen"
    assert all(is_revoked(dev_server, token) for token in issued)
