"""External groups and group aliases (issue 16): a JWT role's `groups_claim`
puts a CI job's entity in the external groups whose alias names one of its
CircleCI contexts, and every login refreshes that membership. The group and
group-alias API in OpenBao's shapes and errors, through HTTP, `bao` and hvac.
Runs unchanged against OpenBao (E2E_SERVER=bao), the reference for each answer."""

from __future__ import annotations

import json

import pytest

from conftest import random_name
from test_ci_oidc_issuer import ORG, Issuer

PROJECT = "5a6b7c8d-0000-4000-8000-0000000000c1"
PRODUCTION = "0c0c0c0c-0000-4000-8000-00000000c0de"
STAGING = "5a5a5a5a-0000-4000-8000-000000005a5a"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    server = Issuer(tmp_path_factory.mktemp("groups-issuer"))
    yield server
    server.proc.kill()
    server.proc.wait()


@pytest.fixture(scope="module")
def contexts_mount(dev_server, issuer):
    """A jwt mount whose role takes the job's CircleCI contexts as its groups."""
    mount = random_name("jwt")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code == 204
    r = dev_server.http("POST", f"auth/{mount}/config", body={
        "oidc_discovery_url": issuer.issuer, "oidc_discovery_ca_pem": issuer.ca.read_text(), "bound_issuer": issuer.issuer})
    assert r.status_code == 204, r.text
    r = dev_server.http("POST", f"auth/{mount}/role/ci", body={
        "role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG], "groups_claim": "oidc.circleci.com/context-ids",
        "token_policies": ["default"], "token_ttl": "15m"})
    assert r.status_code in (200, 204), r.text
    accessor = dev_server.http("GET", "sys/auth").json()["data"][f"{mount}/"]["accessor"]
    return mount, accessor


def login(dev_server, issuer, mount, *contexts, user="9e9e9e9e-0000-4000-8000-000000000001") -> dict:
    args = ["--project-id", PROJECT, "--user-id", user]
    for context in contexts:
        args += ["--context-id", context]
    r = dev_server.http("POST", f"auth/{mount}/login", body={"role": "ci", "jwt": issuer.token(*args)}, token=None)
    assert r.status_code == 200, r.text
    return r.json()["auth"]


def test_login_contexts_set_external_group_membership(dev_server, issuer, contexts_mount):
    mount, accessor = contexts_mount
    policy, key = random_name("prod-deploy"), random_name("deploy")
    assert dev_server.http("PUT", f"sys/policies/acl/{policy}",
                           body={"policy": f'path "secret/data/{key}" {{ capabilities = ["read"] }}'}).status_code == 204
    assert dev_server.http("POST", f"secret/data/{key}", body={"data": {"k": "v"}}).status_code == 200
    group = dev_server.bao("write", "-format=json", "identity/group", f"name={random_name('ctx-production')}", "type=external",
                           f"policies={policy}")
    assert group.returncode == 0, group.stderr
    group_id = json.loads(group.stdout)["data"]["id"]
    alias = dev_server.bao("write", "-format=json", "identity/group-alias", f"name={PRODUCTION}", f"mount_accessor={accessor}",
                           f"canonical_id={group_id}")
    assert alias.returncode == 0, alias.stderr
    assert json.loads(alias.stdout)["data"]["canonical_id"] == group_id

    # A job in the production context (and another one no alias names) joins the group.
    auth = login(dev_server, issuer, mount, PRODUCTION, STAGING)
    assert auth["identity_policies"] == [policy] and auth["token_policies"] == ["default"]
    assert sorted(auth["policies"]) == sorted(["default", policy])
    token, entity_id = auth["client_token"], auth["entity_id"]
    assert dev_server.http("GET", f"secret/data/{key}", token=token).status_code == 200
    read = dev_server.http("GET", f"identity/group/id/{group_id}").json()["data"]
    assert read["type"] == "external" and read["member_entity_ids"] == [entity_id]
    assert read["alias"]["name"] == PRODUCTION and read["alias"]["mount_accessor"] == accessor
    assert dev_server.http("GET", f"identity/entity/id/{entity_id}").json()["data"]["group_ids"] == [group_id]
    assert dev_server.http("GET", "auth/token/lookup-self", token=token).json()["data"]["identity_policies"] == [policy]

    # The same identity's next job runs in staging only: the login takes it out,
    # and the earlier token loses the group's policy with it.
    again = login(dev_server, issuer, mount, STAGING)
    assert again["entity_id"] == entity_id and "identity_policies" not in again
    assert not dev_server.http("GET", f"identity/group/id/{group_id}").json()["data"]["member_entity_ids"]
    assert dev_server.http("GET", f"secret/data/{key}", token=token).status_code == 403
    # And back in.
    login(dev_server, issuer, mount, PRODUCTION)
    assert dev_server.http("GET", f"secret/data/{key}", token=token).status_code == 200


def test_group_alias_api(dev_server, contexts_mount):
    _, accessor = contexts_mount
    created = dev_server.http("POST", "identity/group", body={"name": random_name("ext"), "type": "external"})
    assert created.status_code == 200, created.text
    group_id = created.json()["data"]["id"]
    name = random_name("team")
    r = dev_server.http("POST", "identity/group-alias", body={"name": name, "mount_accessor": accessor, "canonical_id": group_id})
    assert r.status_code == 200 and r.json()["data"]["canonical_id"] == group_id, r.text
    alias_id = r.json()["data"]["id"]

    read = dev_server.http("GET", f"identity/group-alias/id/{alias_id}").json()["data"]
    assert {k: read[k] for k in ("id", "canonical_id", "name", "mount_accessor", "mount_type", "mount_path")} == {
        "id": alias_id, "canonical_id": group_id, "name": name, "mount_accessor": accessor, "mount_type": "jwt",
        "mount_path": f"auth/{contexts_mount[0]}/"}
    listed = dev_server.http("LIST", "identity/group-alias/id").json()["data"]
    assert alias_id in listed["keys"] and listed["key_info"][alias_id]["canonical_id"] == group_id
    groups = dev_server.http("LIST", "identity/group/id").json()["data"]
    assert groups["key_info"][group_id]["alias"]["id"] == alias_id
    found = dev_server.http("POST", "identity/lookup/group", body={"alias_name": name, "alias_mount_accessor": accessor})
    assert found.json()["data"]["id"] == group_id

    def error(method, path, body, status=400):
        r = dev_server.http(method, path, body=body)
        assert r.status_code == status, (path, body, r.text)
        return r.json()["errors"]

    assert error("POST", "identity/group-alias", {"mount_accessor": accessor, "canonical_id": group_id}) == ["missing alias name"]
    assert error("POST", "identity/group-alias", {"name": "x", "canonical_id": group_id}) == ["missing mount_accessor"]
    assert error("POST", "identity/group-alias", {"name": "x", "mount_accessor": "auth_jwt_00000000", "canonical_id": group_id}) == [
        'invalid mount accessor "auth_jwt_00000000"']
    assert error("POST", "identity/group-alias", {"name": name, "mount_accessor": accessor, "canonical_id": group_id}) == [
        "combination of mount and group alias name is already in use"]
    assert error("POST", "identity/group-alias", {"name": "x", "mount_accessor": accessor, "canonical_id": "nope"}) == [
        "invalid group ID given in 'canonical_id'"]
    internal = dev_server.http("POST", "identity/group", body={"name": random_name("int")}).json()["data"]["id"]
    assert error("POST", "identity/group-alias", {"name": "x", "mount_accessor": accessor, "canonical_id": internal}) == [
        "alias can't be set on an internal group"]
    assert error("POST", "identity/group-alias/id/nope", {"name": "x", "mount_accessor": accessor}) == ["invalid group alias ID"]
    assert error("POST", f"identity/group/id/{group_id}", {"type": "internal"}) == ["group type cannot be changed"]
    assert error("POST", "identity/group", {"name": random_name("ext"), "type": "bogus"}) == ['invalid group type "bogus"']
    assert error("POST", "identity/group", {"name": random_name("ext"), "type": "external", "member_entity_ids": ["x"]}) == [
        "member entities can't be set manually for external groups"]
    assert error("POST", "identity/group", {"name": random_name("ext"), "type": "external", "member_group_ids": [internal]}) == [
        "member groups can't be set for external groups"]

    # Renamed in place; an alias with no canonical_id gets an external group of its own.
    renamed = random_name("team")
    r = dev_server.http("POST", f"identity/group-alias/id/{alias_id}", body={"name": renamed, "mount_accessor": accessor})
    assert r.status_code == 200 and r.json()["data"] == {"canonical_id": group_id, "id": alias_id}, r.text
    assert dev_server.http("GET", f"identity/group/id/{group_id}").json()["data"]["alias"]["name"] == renamed
    lone = dev_server.http("POST", "identity/group-alias", body={"name": random_name("lone"), "mount_accessor": accessor})
    assert lone.status_code == 200, lone.text
    own = dev_server.http("GET", f"identity/group/id/{lone.json()['data']['canonical_id']}").json()["data"]
    assert own["type"] == "external" and own["alias"]["id"] == lone.json()["data"]["id"]

    assert dev_server.http("DELETE", f"identity/group-alias/id/{alias_id}").status_code == 204
    assert dev_server.http("GET", f"identity/group-alias/id/{alias_id}").status_code == 404
    assert dev_server.http("GET", f"identity/group/id/{group_id}").json()["data"]["alias"] == {}
    assert dev_server.http("DELETE", "identity/group-alias/id/nope").status_code == 204
    # Deleting a group deletes its alias.
    assert dev_server.http("DELETE", f"identity/group/id/{own['id']}").status_code == 204
    assert dev_server.http("GET", f"identity/group-alias/id/{lone.json()['data']['id']}").status_code == 404


def test_hvac_group_and_group_alias_calls(dev_server, contexts_mount):
    _, accessor = contexts_mount
    identity = dev_server.hvac().secrets.identity
    name = random_name("hvac-ext")
    created = identity.create_or_update_group(name=name, group_type="external", policies=["default"])
    group_id = created["data"]["id"]
    alias = identity.create_or_update_group_alias(name=random_name("hvac-team"), mount_accessor=accessor, canonical_id=group_id)
    alias_id = alias["data"]["id"]
    assert identity.read_group_alias(alias_id)["data"]["canonical_id"] == group_id
    assert alias_id in identity.list_group_aliases()["data"]["keys"]
    assert identity.read_group_by_name(name)["data"]["alias"]["id"] == alias_id
    assert identity.lookup_group(alias_id=alias_id)["data"]["id"] == group_id
    assert name in identity.list_groups_by_name()["data"]["keys"]
    identity.delete_group_alias(alias_id)
    identity.delete_group(group_id)
    assert dev_server.http("GET", f"identity/group/id/{group_id}").status_code == 404
