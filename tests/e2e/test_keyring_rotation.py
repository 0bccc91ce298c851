"""The barrier's data key: `bao operator rotate` and `bao operator key-status`,
the rotation policy at sys/rotate/config, and a restart after rotations. The
same answers from Coffer and OpenBao."""

import json

from conftest import assert_error, random_name, random_value


def _key_status(server) -> dict:
    out = server.bao("operator", "key-status", "-format=json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_rotate_adds_a_term_and_old_values_still_read(dev_server):
    path = f"secret/{random_name('rotate')}"
    value = random_value(24)
    assert dev_server.bao("kv", "put", path, f"v={value}").returncode == 0
    before = _key_status(dev_server)

    out = dev_server.bao("operator", "rotate")
    assert out.returncode == 0, out.stderr
    after = _key_status(dev_server)
    assert after["term"] == before["term"] + 1
    assert after["encryptions"] < 50  # counting starts again for the new term

    out = dev_server.bao("kv", "get", "-field=v", path)
    assert out.returncode == 0, out.stderr
    assert out.stdout == value, "a value written before the rotation no longer reads"

    r = dev_server.http("GET", "sys/key-status")
    assert r.status_code == 200
    body = r.json()
    # Fields both at the top and under data, as OpenBao answers.
    assert body["term"] == body["data"]["term"] == after["term"]
    assert isinstance(body["data"]["encryptions"], int) and body["data"]["install_time"]


def test_rotate_needs_sudo_and_key_status_only_read(dev_server):
    policy = random_name("nosudo")
    rules = 'path "sys/*" { capabilities = ["create", "read", "update", "delete", "list"] }'
    assert dev_server.http("PUT", f"sys/policies/acl/{policy}", body={"policy": rules}).status_code == 204
    token = dev_server.http("POST", "auth/token/create", body={"policies": [policy]}).json()["auth"]["client_token"]

    assert_error(dev_server.http("POST", "sys/rotate", token=token), 403)
    assert_error(dev_server.http("POST", "sys/rotate/keyring", token=token), 403)
    assert dev_server.http("GET", "sys/key-status", token=token).status_code == 200
    assert dev_server.http("GET", "sys/rotate").status_code == 405
    assert dev_server.http("PUT", "sys/key-status").status_code == 405
    assert dev_server.http("POST", "sys/rotate/keyring").status_code == 204


def test_rotation_policy_limits_and_round_trip(dev_server):
    assert_error(dev_server.http("POST", "sys/rotate/config", body={"max_operations": 5}), 400,
                 ["max_operations must be in the range [1000000,3865470566]"])
    assert_error(dev_server.http("POST", "sys/rotate/config", body={"max_operations": 99999999999}), 400,
                 ["max_operations must be in the range [1000000,3865470566]"])
    assert_error(dev_server.http("POST", "sys/rotate/config", body={"interval": "1h"}), 400,
                 ["interval must be greater or equal to 24h0m0s"])

    r = dev_server.http("POST", "sys/rotate/config", body={"max_operations": 2000000, "interval": "48h"})
    assert r.status_code == 204, r.text
    data = dev_server.http("GET", "sys/rotate/config").json()["data"]
    assert data == {"enabled": True, "interval": "48h0m0s", "max_operations": 2000000}

    # Put the defaults back for the other tests of the session.
    r = dev_server.http("POST", "sys/rotate/config", body={"max_operations": 3865470566, "interval": "0", "enabled": True})
    assert r.status_code == 204, r.text


def test_rotations_survive_a_crash_and_restart(config_server_factory):
    server = config_server_factory()
    init = server.init(shares=1, threshold=1)
    server.root_token = init["root_token"]
    server.unseal(init["keys_base64"])
    server.wait_active()
    assert server.bao("secrets", "enable", "-path=secret", "kv-v2").returncode == 0
    server.wait_kv2_ready("secret")

    values = {}
    for round_ in range(3):
        values[round_] = random_value(20)
        assert server.bao("kv", "put", f"secret/r{round_}", f"v={values[round_]}").returncode == 0
        assert server.bao("operator", "rotate").returncode == 0
    term = _key_status(server)["term"]

    server.kill()
    server.start()
    server.unseal(init["keys_base64"])
    server.wait_active()
    assert _key_status(server)["term"] == term
    for round_, value in values.items():
        out = server.bao("kv", "get", "-field=v", f"secret/r{round_}")
        assert out.returncode == 0, out.stderr
        assert out.stdout == value, f"value written before rotation {round_} lost after restart"
