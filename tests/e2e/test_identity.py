"""Identity (issue 16): one JWT role and one templated policy serve every
CircleCI project of an org, with tokens from `coffer ci-oidc` and the real `bao`
CLI; logins make entities and aliases Vault users can read. Runs unchanged
against OpenBao (E2E_SERVER=bao), the reference for every answer."""

from __future__ import annotations

import json

import pytest

from conftest import random_name, random_value
from test_ci_oidc_issuer import CONTEXT, ORG, Issuer

PROJECT_A = "5a6b7c8d-0000-4000-8000-00000000000a"
PROJECT_B = "5a6b7c8d-0000-4000-8000-00000000000b"
USER = "f021c70e-abc9-421f-b0f4-da2a8a5e82c2"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    server = Issuer(tmp_path_factory.mktemp("identity-issuer"))
    yield server
    server.proc.kill()
    server.proc.wait()


@pytest.fixture(scope="module")
def org_mount(dev_server, issuer):
    """A jwt mount for the org, a role mapping the project id and branch into
    the alias metadata, and one policy templated on the project id."""
    mount = random_name("jwt")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code == 204
    r = dev_server.http("POST", f"auth/{mount}/config", body={
        "oidc_discovery_url": issuer.issuer, "oidc_discovery_ca_pem": issuer.ca.read_text(), "bound_issuer": issuer.issuer})
    assert r.status_code == 204, r.text
    accessor = dev_server.http("GET", "sys/auth").json()["data"][f"{mount}/"]["accessor"]
    policy = random_name("ci-projects")
    text = (f'path "secret/data/ci/{{{{identity.entity.aliases.{accessor}.metadata.project_id}}}}/*" '
            '{ capabilities = ["read"] }')
    assert dev_server.bao("policy", "write", policy, "-", input=text).returncode == 0
    r = dev_server.http("POST", f"auth/{mount}/role/ci", body={
        "role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG],
        "bound_claims": {"oidc.circleci.com/context-ids": [CONTEXT]},
        "claim_mappings": {"oidc.circleci.com/project-id": "project_id", "oidc.circleci.com/vcs-ref": "vcs_ref"},
        "token_policies": [policy], "token_ttl": "15m"})
    assert r.status_code in (200, 204), r.text
    for project in (PROJECT_A, PROJECT_B):
        r = dev_server.http("POST", f"secret/data/ci/{project}/db", body={"data": {"password": f"pw-{project[-1]}"}})
        assert r.status_code == 200, r.text
    return mount, accessor


def login(dev_server, issuer, mount, project, user=USER) -> str:
    jwt_text = issuer.token("--project-id", project, "--context-id", CONTEXT, "--vcs-ref", "refs/heads/main",
                            "--user-id", user)
    out = dev_server.bao("write", "-field=token", f"auth/{mount}/login", "role=ci", f"jwt={jwt_text}", token=None)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.mark.parametrize("mine,other", [(PROJECT_A, PROJECT_B), (PROJECT_B, PROJECT_A)], ids=["project A", "project B"])
def test_one_templated_policy_gives_each_project_its_own_secrets(dev_server, issuer, org_mount, mine, other):
    mount, _ = org_mount
    token = login(dev_server, issuer, mount, mine)
    got = dev_server.bao("kv", "get", "-field=password", f"secret/ci/{mine}/db", token=token)
    assert got.returncode == 0 and got.stdout == f"pw-{mine[-1]}", got.stderr
    refused = dev_server.bao("kv", "get", f"secret/ci/{other}/db", token=token)
    assert refused.returncode == 2 and "Code: 403" in refused.stderr


def test_logins_share_an_entity_per_subject_and_show_its_alias(dev_server, issuer, org_mount):
    mount, accessor = org_mount
    first, second = login(dev_server, issuer, mount, PROJECT_A), login(dev_server, issuer, mount, PROJECT_A)
    stranger = login(dev_server, issuer, mount, PROJECT_A, user="0b5e8c4d-0000-4000-8000-00000000beef")

    def entity_of(token: str) -> str:
        data = dev_server.http("GET", "auth/token/lookup-self", token=token).json()["data"]
        assert data["entity_id"], "lookup-self shows no entity"
        return data["entity_id"]

    assert entity_of(first) == entity_of(second) != entity_of(stranger)
    entity = dev_server.bao("read", "-format=json", f"identity/entity/id/{entity_of(first)}")
    assert entity.returncode == 0, entity.stderr
    data = json.loads(entity.stdout)["data"]
    assert data["id"] == entity_of(first) and data["name"].startswith("entity_")
    [alias] = data["aliases"]
    assert alias["mount_accessor"] == accessor and alias["mount_type"] == "jwt"
    assert alias["name"].startswith(f"org/{ORG}/project/{PROJECT_A}/user/{USER}")
    assert alias["metadata"] == {"project_id": PROJECT_A, "vcs_ref": "refs/heads/main", "role": "ci"}
    assert alias["canonical_id"] == data["id"]
    by_alias = dev_server.http("GET", f"identity/entity-alias/id/{alias['id']}").json()["data"]
    assert by_alias["canonical_id"] == data["id"] and by_alias["metadata"] == alias["metadata"]
    looked_up = dev_server.http("POST", "identity/lookup/entity", body={"alias_id": alias["id"]}).json()["data"]
    assert looked_up["id"] == data["id"]
    assert dev_server.http("GET", "identity/entity/id/00000000-0000-4000-8000-000000000000").status_code == 404


def test_entity_policies_join_the_token_without_a_new_login(dev_server, issuer, org_mount):
    mount, _ = org_mount
    token = login(dev_server, issuer, mount, PROJECT_B, user="7d7d7d7d-0000-4000-8000-000000000007")
    entity_id = dev_server.http("GET", "auth/token/lookup-self", token=token).json()["data"]["entity_id"]
    extra = random_name("extra")
    key = random_name("shared")
    assert dev_server.http("PUT", f"sys/policies/acl/{extra}",
                           body={"policy": f'path "secret/data/{key}" {{ capabilities = ["read"] }}'}).status_code == 204
    value = random_value()
    assert dev_server.http("POST", f"secret/data/{key}", body={"data": {"v": value}}).status_code == 200
    assert dev_server.http("GET", f"secret/data/{key}", token=token).status_code == 403
    assert dev_server.http("POST", f"identity/entity/id/{entity_id}", body={"policies": [extra]}).status_code in (200, 204)
    assert dev_server.http("GET", f"secret/data/{key}", token=token).json()["data"]["data"] == {"v": value}
    lookup = dev_server.http("GET", "auth/token/lookup-self", token=token).json()["data"]
    assert lookup["identity_policies"] == [extra] and extra not in lookup["policies"]
    assert dev_server.http("POST", f"identity/entity/id/{entity_id}", body={"policies": []}).status_code in (200, 204)
    assert dev_server.http("GET", f"secret/data/{key}", token=token).status_code == 403


# (template inside `secret/data/t/<template>/x`, the path it must grant, or None
# when the rule must not apply at all). Left out: a value holding `/` (a CircleCI
# alias name). OpenBao then fails the token's every request ("Forbidden"); Coffer
# leaves that one rule out. Neither grants the path.
TEMPLATE_CASES = [
    ("entity id", "{{identity.entity.id}}", "{entity_id}"),
    ("entity name", "{{identity.entity.name}}", "{entity_name}"),
    ("entity metadata", "{{identity.entity.metadata.team}}", "payments"),
    ("entity metadata, missing key", "{{identity.entity.metadata.nope}}", None),
    ("alias id", "{{identity.entity.aliases.{accessor}.id}}", "{alias_id}"),
    ("alias metadata", "{{identity.entity.aliases.{accessor}.metadata.project_id}}", PROJECT_A),
    ("alias metadata, missing key", "{{identity.entity.aliases.{accessor}.metadata.nope}}", None),
    ("unknown accessor", "{{identity.entity.aliases.auth_jwt_00000000.metadata.project_id}}", None),
    ("group name by id", "{{identity.groups.ids.{group_id}.name}}", "{group_name}"),
    ("group id by name", "{{identity.groups.names.{group_name}.id}}", "{group_id}"),
    ("group metadata by name", "{{identity.groups.names.{group_name}.metadata.env}}", "production"),
    ("a group the entity is not in", "{{identity.groups.names.nobody-at-all.id}}", None),
    ("two parameters", "{{identity.entity.metadata.team}}-{{identity.entity.aliases.{accessor}.metadata.role}}", "payments-ci"),
]


@pytest.mark.parametrize("case,template,granted", TEMPLATE_CASES, ids=[c[0] for c in TEMPLATE_CASES])
def test_template_table(dev_server, issuer, org_mount, case, template, granted):
    mount, accessor = org_mount
    token = login(dev_server, issuer, mount, PROJECT_A, user="11111111-0000-4000-8000-000000000011")
    me = dev_server.http("GET", "auth/token/lookup-self", token=token).json()["data"]
    entity = dev_server.http("GET", f"identity/entity/id/{me['entity_id']}").json()["data"]
    assert dev_server.http("POST", f"identity/entity/id/{entity['id']}", body={"metadata": {"team": "payments"}}).status_code in (200, 204)
    group_name = "tpl-" + entity["id"][:8]
    if dev_server.http("GET", f"identity/group/name/{group_name}").status_code == 404:
        r = dev_server.http("POST", "identity/group", body={"name": group_name, "metadata": {"env": "production"},
                                                            "member_entity_ids": [entity["id"]]})
        assert r.status_code == 200, r.text
    group_id = dev_server.http("GET", f"identity/group/name/{group_name}").json()["data"]["id"]
    names = {"entity_id": entity["id"], "entity_name": entity["name"], "alias_id": entity["aliases"][0]["id"],
             "accessor": accessor, "group_id": group_id, "group_name": group_name}
    policy = random_name("tpl")
    for placeholder in ("accessor", "group_id", "group_name"):
        template = template.replace("{" + placeholder + "}", names[placeholder])
    rule = "secret/data/t/" + template + "/x"
    assert dev_server.http("PUT", f"sys/policies/acl/{policy}",
                           body={"policy": f'path "{rule}" {{ capabilities = ["read"] }}'}).status_code == 204
    assert dev_server.http("POST", f"identity/entity/id/{entity['id']}", body={"policies": [policy]}).status_code in (200, 204)
    try:
        probes = ["secret/data/t//x", "secret/data/t/x"]
        if granted is not None:
            probes.insert(0, "secret/data/t/" + granted.format(**names) + "/x")
        answer = dev_server.http("POST", "sys/capabilities-self", body={"paths": probes}, token=token).json()
        if granted is not None:
            assert answer[probes[0]] == ["read"], (case, answer)
        for probe in probes[-2:]:
            assert answer[probe] == ["deny"], (case, probe, answer)
    finally:
        dev_server.http("POST", f"identity/entity/id/{entity['id']}", body={"policies": []})


def test_a_group_policy_applies_to_a_live_token_and_is_taken_away(dev_server, issuer, org_mount):
    """Acceptance 3: group membership changes what an existing token may do, with no new login."""
    mount, _ = org_mount
    token = login(dev_server, issuer, mount, PROJECT_A, user="22222222-0000-4000-8000-000000000022")
    entity_id = dev_server.http("GET", "auth/token/lookup-self", token=token).json()["data"]["entity_id"]
    extra, key = random_name("release"), random_name("release-key")
    assert dev_server.http("PUT", f"sys/policies/acl/{extra}",
                           body={"policy": f'path "secret/data/{key}" {{ capabilities = ["read"] }}'}).status_code == 204
    assert dev_server.http("POST", f"secret/data/{key}", body={"data": {"k": "v"}}).status_code == 200
    assert dev_server.http("GET", f"secret/data/{key}", token=token).status_code == 403

    name = random_name("releasers")
    created = dev_server.bao("write", "-format=json", "identity/group", f"name={name}", f"policies={extra}",
                             f"member_entity_ids={entity_id}")
    assert created.returncode == 0, created.stderr
    group_id = json.loads(created.stdout)["data"]["id"]
    assert dev_server.http("GET", f"secret/data/{key}", token=token).status_code == 200
    group = dev_server.http("GET", f"identity/group/id/{group_id}").json()["data"]
    assert group["name"] == name and group["member_entity_ids"] == [entity_id] and group["policies"] == [extra]
    entity = dev_server.http("GET", f"identity/entity/id/{entity_id}").json()["data"]
    assert entity["direct_group_ids"] == [group_id] and entity["group_ids"] == [group_id]
    # A parent group's policies reach the members of its subgroups.
    parent_policy, parent_key = random_name("parent"), random_name("parent-key")
    assert dev_server.http("PUT", f"sys/policies/acl/{parent_policy}",
                           body={"policy": f'path "secret/data/{parent_key}" {{ capabilities = ["read"] }}'}).status_code == 204
    assert dev_server.http("POST", f"secret/data/{parent_key}", body={"data": {"k": "v"}}).status_code == 200
    parent = dev_server.http("POST", "identity/group", body={"name": random_name("parent"), "policies": [parent_policy],
                                                              "member_group_ids": [group_id]})
    assert parent.status_code == 200, parent.text
    assert dev_server.http("GET", f"secret/data/{parent_key}", token=token).status_code == 200
    entity = dev_server.http("GET", f"identity/entity/id/{entity_id}").json()["data"]
    assert entity["inherited_group_ids"] == [parent.json()["data"]["id"]]

    assert dev_server.http("POST", f"identity/group/id/{group_id}", body={"member_entity_ids": []}).status_code in (200, 204)
    assert dev_server.http("GET", f"secret/data/{key}", token=token).status_code == 403
    assert dev_server.http("GET", f"secret/data/{parent_key}", token=token).status_code == 403


def test_approle_alias_carries_the_role_and_secret_id_metadata(dev_server):
    mount = random_name("approle")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"}).status_code == 204
    assert dev_server.http("POST", f"auth/{mount}/role/runner", body={"token_policies": ["default"]}).status_code == 204
    role_id = dev_server.http("GET", f"auth/{mount}/role/runner/role-id").json()["data"]["role_id"]
    secret_id = dev_server.http("POST", f"auth/{mount}/role/runner/secret-id",
                                body={"metadata": json.dumps({"team": "payments"})}).json()["data"]["secret_id"]
    auth = dev_server.http("POST", f"auth/{mount}/login", body={"role_id": role_id, "secret_id": secret_id},
                           token=None).json()["auth"]
    [alias] = dev_server.http("GET", f"identity/entity/id/{auth['entity_id']}").json()["data"]["aliases"]
    assert alias["mount_type"] == "approle" and alias["name"] == role_id
    assert alias["metadata"] == {"role_name": "runner", "team": "payments"}
