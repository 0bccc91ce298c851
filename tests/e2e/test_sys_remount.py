"""`sys/remount` and `sys/remount/status/<id>` (issue 22: `auth move`, `secrets move`):
a mount keeps its data under its new path, what was issued under the old path is
revoked, and bad moves are refused with OpenBao's messages. Runs against Coffer and
against OpenBao (E2E_SERVER=bao); OpenBao moves in the background, so the tests
wait for a terminal status before looking."""

from __future__ import annotations

import time

import pytest

from conftest import assert_error, random_name


def wait_done(http, migration_id: str) -> dict:
    deadline = time.monotonic() + 20
    while True:
        answer = http("GET", f"sys/remount/status/{migration_id}")
        assert answer.status_code == 200, answer.text
        info = answer.json()["data"]["migration_info"]
        if info["status"] != "in-progress" or time.monotonic() > deadline:
            return info
        time.sleep(0.1)


def remount(http, source: str, target: str) -> str:
    answer = http("POST", "sys/remount", body={"from": source, "to": target})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["data"]["migration_id"] == body["migration_id"]
    assert body["warnings"] == [
        "Mount move has been queued. Progress will be reported in OpenBao's server log, tagged with the returned migration_id"]
    return body["data"]["migration_id"]


def test_a_moved_secrets_engine_keeps_its_data_at_the_new_path(http):
    source, target = random_name("mv"), random_name("mv")
    assert http("POST", f"sys/mounts/{source}", body={"type": "kv", "description": "moving"}).status_code == 204
    assert http("PUT", f"{source}/app", body={"password": "kept-across-move"}).status_code == 204
    accessor = http("GET", "sys/mounts").json()["data"][f"{source}/"]["accessor"]

    migration_id = remount(http, source, target)
    info = wait_done(http, migration_id)
    assert info == {"source_mount": f"{source}/", "target_mount": f"{target}/", "status": "success"}

    moved = http("GET", f"{target}/app")
    assert moved.status_code == 200 and moved.json()["data"] == {"password": "kept-across-move"}
    mounts = http("GET", "sys/mounts").json()["data"]
    assert f"{source}/" not in mounts
    assert mounts[f"{target}/"]["accessor"] == accessor and mounts[f"{target}/"]["description"] == "moving"
    # Nothing answers at the old path any more.
    assert http("GET", f"{source}/app").status_code in (403, 404)


def test_a_moved_auth_method_keeps_its_roles_and_its_tokens_are_revoked(http):
    source, target = random_name("ar"), random_name("ar")
    assert http("POST", f"sys/auth/{source}", body={"type": "approle"}).status_code == 204
    assert http("POST", f"auth/{source}/role/r", body={"token_policies": "default"}).status_code == 204
    role_id = http("GET", f"auth/{source}/role/r/role-id").json()["data"]["role_id"]
    secret_id = http("POST", f"auth/{source}/role/r/secret-id").json()["data"]["secret_id"]
    login = http("POST", f"auth/{source}/login", token=None, body={"role_id": role_id, "secret_id": secret_id})
    token = login.json()["auth"]["client_token"]
    assert http("GET", "auth/token/lookup-self", token=token).status_code == 200

    info = wait_done(http, remount(http, f"auth/{source}", f"auth/{target}"))
    assert info == {"source_mount": f"auth/{source}/", "target_mount": f"auth/{target}/", "status": "success"}

    # The token issued under the old path is gone; the role moved with its id.
    assert http("GET", "auth/token/lookup-self", token=token).status_code == 403
    assert http("GET", f"auth/{target}/role/r/role-id").json()["data"]["role_id"] == role_id
    methods = http("GET", "sys/auth").json()["data"]
    assert f"{source}/" not in methods and methods[f"{target}/"]["type"] == "approle"
    # Logging in at the new path works with the same credentials' role.
    fresh = http("POST", f"auth/{target}/role/r/secret-id").json()["data"]["secret_id"]
    again = http("POST", f"auth/{target}/login", token=None, body={"role_id": role_id, "secret_id": fresh})
    assert again.status_code == 200, again.text


def _refusals(existing: str, auth: str):
    return [
        ({"from": existing}, "both 'from' and 'to' path must be specified as a string"),
        ({"from": "", "to": "x"}, "both 'from' and 'to' path must be specified as a string"),
        ({"from": f"{existing} ", "to": "x"}, "'from' path cannot contain trailing whitespace"),
        ({"from": existing, "to": " x"}, "'to' path cannot contain trailing whitespace"),
        ({"from": existing, "to": existing}, f'path already in use at "{existing}/"'),
        ({"from": existing, "to": "secret/under"}, 'path already in use at "secret/"'),
        ({"from": "no-such-mount-here", "to": "x"}, 'no matching mount at "no-such-mount-here/"'),
        ({"from": existing, "to": "sys/x"}, "cannot remount to destination sys/x/"),
        ({"from": existing, "to": "auth/x"}, "cannot remount to destination auth/x/"),
        ({"from": "cubbyhole", "to": "c2"}, 'cannot remount "cubbyhole/"'),
        ({"from": "sys", "to": "s2"}, 'cannot remount "sys/"'),
        ({"from": f"auth/{auth}", "to": "plain"}, 'cannot remount auth mount to non-auth mount "plain/"'),
        ({"from": "auth/token", "to": "auth/t2"}, 'cannot remount "auth/token/"'),
        ({"from": f"auth/{auth}", "to": "auth/token/x"}, 'cannot remount to destination "auth/token/x/"'),
        ({"from": existing, "to": "a/../b"}, "invalid destination mount: path 'a/../b/' does not match cleaned path 'b/'"),
    ]


def test_bad_moves_are_refused_and_change_nothing(http):
    existing, auth = random_name("stay"), random_name("stay")
    assert http("POST", f"sys/mounts/{existing}", body={"type": "kv"}).status_code == 204
    assert http("POST", f"sys/auth/{auth}", body={"type": "approle"}).status_code == 204
    before = (sorted(http("GET", "sys/mounts").json()["data"]), sorted(http("GET", "sys/auth").json()["data"]))
    for body, message in _refusals(existing, auth):
        assert_error(http("POST", "sys/remount", body=body), 400, [message])
    after = (sorted(http("GET", "sys/mounts").json()["data"]), sorted(http("GET", "sys/auth").json()["data"]))
    assert before == after


def test_an_unknown_migration_id_is_a_404(http):
    answer = http("GET", "sys/remount/status/no-such-migration")
    assert answer.status_code == 404 and answer.json() == {"errors": []}


def test_moving_needs_sudo(http):
    policy = random_name("pol")
    rules = 'path "sys/remount" { capabilities = ["update", "create"] }\npath "sys/mounts/*" { capabilities = ["create", "update", "read"] }'
    assert http("PUT", f"sys/policies/acl/{policy}", body={"policy": rules}).status_code == 204
    token = http("POST", "auth/token/create", body={"policies": [policy]}).json()["auth"]["client_token"]
    source = random_name("mv")
    assert http("POST", f"sys/mounts/{source}", body={"type": "kv"}).status_code == 204
    refused = http("POST", "sys/remount", token=token, body={"from": source, "to": random_name("mv")})
    # OpenBao wraps this one in a multierror ("1 error occurred: ..."): compare the reason.
    assert refused.status_code == 403 and "permission denied" in refused.json()["errors"][0]
    assert f"{source}/" in http("GET", "sys/mounts").json()["data"]
