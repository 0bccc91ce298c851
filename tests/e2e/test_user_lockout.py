"""User lockout (issue 12, item 11): secret IDs cannot be guessed at full speed.

After `lockout_threshold` failed logins for one role ID within
`lockout_counter_reset`, its logins are refused for `lockout_duration`, as
OpenBao does; `sys/locked-users` lists and unlocks. Runs against OpenBao too."""

from __future__ import annotations

import pytest

from conftest import random_name

INVALID = ["invalid role or secret ID"]
LOCKED = ["permission denied"]


class AppRole:
    def __init__(self, server, mount: str | None = None):
        self.server = server
        self.mount = mount or random_name("lock")
        r = server.http("POST", f"sys/auth/{self.mount}", body={"type": "approle"})
        assert r.status_code == 204, r.text
        r = server.http("POST", f"auth/{self.mount}/role/ci", body={"token_policies": "default"})
        assert r.status_code == 204, r.text
        self.role_id = server.http("GET", f"auth/{self.mount}/role/ci/role-id").json()["data"]["role_id"]
        self.secret_id = server.http("POST", f"auth/{self.mount}/role/ci/secret-id").json()["data"]["secret_id"]
        self.accessor = server.http("GET", "sys/auth").json()["data"][f"{self.mount}/"]["accessor"]

    def login(self, secret_id: str | None = None, role_id: str | None = None):
        body = {"role_id": role_id or self.role_id, "secret_id": secret_id or self.secret_id}
        return self.server.http("POST", f"auth/{self.mount}/login", body=body, token=None)

    def fail(self, times: int) -> list[int]:
        return [self.login(secret_id="wrong-" + random_name("s")).status_code for _ in range(times)]


def errors(r) -> list[str]:
    return r.json()["errors"]


def test_five_failures_lock_the_role_id_until_unlocked(dev_server):
    app = AppRole(dev_server)
    for _ in range(5):
        r = app.login(secret_id="wrong")
        assert r.status_code == 400 and errors(r) == INVALID
    # Locked now: even the right secret ID is refused, without a word on why.
    for secret in ("wrong", None):
        r = app.login(secret_id=secret)
        assert r.status_code == 403 and errors(r) == LOCKED

    listed = dev_server.http("GET", "sys/locked-users", params={"mount_accessor": app.accessor}).json()["data"]
    assert listed == {"by_namespace": [{"namespace_id": "root", "namespace_path": "", "counts": 1, "mount_accessors": [
        {"mount_accessor": app.accessor, "counts": 1, "alias_identifiers": [app.role_id]}]}], "total": 1}
    everyone = dev_server.http("GET", "sys/locked-users").json()["data"]
    assert {"mount_accessor": app.accessor, "counts": 1, "alias_identifiers": [app.role_id]} in \
        everyone["by_namespace"][0]["mount_accessors"]

    r = dev_server.http("POST", f"sys/locked-users/{app.accessor}/unlock/{app.role_id}")
    assert r.status_code == 204, r.text
    r = app.login()
    assert r.status_code == 200, r.text
    after = dev_server.http("GET", "sys/locked-users", params={"mount_accessor": app.accessor}).json()["data"]
    assert after["total"] == 0
    assert after["by_namespace"][0]["mount_accessors"] == [
        {"mount_accessor": app.accessor, "counts": 0, "alias_identifiers": None}]


def test_a_success_resets_the_count(dev_server):
    app = AppRole(dev_server)
    assert app.fail(4) == [400] * 4
    assert app.login().status_code == 200
    assert app.fail(4) == [400] * 4
    assert app.login().status_code == 200


def test_unknown_role_ids_neither_count_nor_lock(dev_server):
    app = AppRole(dev_server)
    for _ in range(8):
        r = app.login(role_id="no-such-role", secret_id="x")
        assert r.status_code == 400 and errors(r) == INVALID
    listed = dev_server.http("GET", "sys/locked-users", params={"mount_accessor": app.accessor}).json()["data"]
    assert listed["total"] == 0


def test_unlocking_nothing_is_fine(dev_server):
    r = dev_server.http("POST", f"sys/locked-users/{random_name('acc')}/unlock/{random_name('alias')}")
    assert r.status_code == 204, r.text


def test_tune_sets_threshold_and_duration_per_mount(dev_server):
    app = AppRole(dev_server)
    r = dev_server.http("POST", f"sys/auth/{app.mount}/tune", body={
        "user_lockout_config": {"lockout_threshold": "2", "lockout_duration": "10m"}})
    assert r.status_code == 204, r.text
    tune = dev_server.http("GET", f"sys/auth/{app.mount}/tune").json()["data"]
    assert (tune["user_lockout_threshold"], tune["user_lockout_duration"], tune["user_lockout_counter_reset_duration"],
            tune["user_lockout_disable"]) == (2, 600, 0, False)
    config = dev_server.http("GET", f"sys/auth/{app.mount}").json()["data"]["config"]
    assert config["user_lockout_config"] == {"user_lockout_threshold": 2, "user_lockout_duration": 600,
                                             "user_lockout_counter_reset_duration": 0, "user_lockout_disable": False}
    assert app.fail(2) == [400, 400]
    r = app.login()
    assert r.status_code == 403 and errors(r) == LOCKED


def test_tune_can_disable_lockout(dev_server):
    app = AppRole(dev_server)
    r = dev_server.http("POST", f"sys/auth/{app.mount}/tune", body={"user_lockout_config": {"lockout_disable": True}})
    assert r.status_code == 204, r.text
    assert app.fail(8) == [400] * 8
    assert app.login().status_code == 200


@pytest.mark.parametrize("path, config, message", [
    ("sys/mounts/secret/tune", {"lockout_threshold": "3"}, 'tuning of user lockout configuration for auth type "kv" not allowed'),
    ("sys/auth/token/tune", {"lockout_threshold": "3"}, 'tuning of user lockout configuration for auth type "token" not allowed'),
])
def test_tune_refused_where_lockout_does_not_apply(dev_server, path, config, message):
    r = dev_server.http("POST", path, body={"user_lockout_config": config})
    assert r.status_code == 400 and errors(r) == [message]


def test_bad_threshold_is_refused(dev_server):
    app = AppRole(dev_server)
    r = dev_server.http("POST", f"sys/auth/{app.mount}/tune", body={"user_lockout_config": {"lockout_threshold": "abc"}})
    assert r.status_code == 400
    assert errors(r) == ['unable to parse user lockout threshold: strconv.ParseUint: parsing "abc": invalid syntax']


def test_config_stanza_and_a_lock_that_survives_a_restart(config_server_factory):
    server = config_server_factory()
    server.stop()
    server.config_path.write_text(server.config_path.read_text()
                                  + 'user_lockout "approle" {\n  lockout_threshold = 2\n  lockout_duration = "1h"\n}\n')
    server.start()
    answer = server.init()
    server.unseal(answer["keys_base64"])
    app = AppRole(server)
    assert app.fail(2) == [400, 400]
    assert app.login().status_code == 403
    server.restart()
    server.unseal(answer["keys_base64"])
    r = app.login()
    assert r.status_code == 403 and errors(r) == LOCKED
    listed = server.http("GET", "sys/locked-users").json()["data"]
    assert listed["total"] == 1
