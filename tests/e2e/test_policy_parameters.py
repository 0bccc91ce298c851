"""Policy parameter checks see every key a request sends (issue 12, item 3).

`allowed_parameters` / `denied_parameters` keys are lowercase in the compiled
policy, and Vault looks each request key up lowercased, one by one: two
spellings of one key (`TTL`, `ttl`) are two keys, and both are checked."""

from __future__ import annotations

import pytest

from conftest import random_name


@pytest.fixture
def kv1(dev_server):
    mount = random_name("kvp")
    dev_server.mount(mount, "kv", {"version": "1"})
    yield mount
    dev_server.http("DELETE", f"sys/mounts/{mount}")


def token_with(dev_server, mount: str, rule_body: str) -> str:
    name = random_name("params")
    policy = f'path "{mount}/*" {{\n  capabilities = ["create", "update", "read"]\n  {rule_body}\n}}\n'
    r = dev_server.http("PUT", f"sys/policies/acl/{name}", body={"policy": policy})
    assert r.status_code == 204, r.text
    r = dev_server.http("POST", "auth/token/create", body={"policies": [name], "ttl": "10m"})
    assert r.status_code == 200, r.text
    return r.json()["auth"]["client_token"]


def test_denied_value_under_second_spelling_is_refused(dev_server, kv1):
    token = token_with(dev_server, kv1, 'denied_parameters = { "ttl" = ["8760h"] }')
    # Repeated: with "first wins" folding, which spelling won depended on hash order.
    for i in range(8):
        for body in ({"TTL": "1h", "ttl": "8760h"}, {"ttl": "1h", "TTL": "8760h"}):
            r = dev_server.http("PUT", f"{kv1}/a{i}", token=token, body=body)
            assert r.status_code == 403, (body, r.status_code)
    ok = dev_server.http("PUT", f"{kv1}/fine", token=token, body={"TTL": "1h", "ttl": "2h"})
    assert ok.status_code == 204, ok.text


def test_every_spelling_must_carry_an_allowed_value(dev_server, kv1):
    token = token_with(dev_server, kv1, 'allowed_parameters = { "env" = ["dev"] }')
    for i in range(8):
        for body in ({"env": "dev", "ENV": "prod"}, {"Env": "prod", "env": "dev"}):
            r = dev_server.http("PUT", f"{kv1}/b{i}", token=token, body=body)
            assert r.status_code == 403, (body, r.status_code)
    ok = dev_server.http("PUT", f"{kv1}/fine", token=token, body={"env": "dev", "ENV": "dev"})
    assert ok.status_code == 204, ok.text


def test_key_equal_only_after_unicode_normalisation_is_not_allowed(dev_server, kv1):
    token = token_with(dev_server, kv1, 'allowed_parameters = { "caf\u00e9" = [] }')
    ok = dev_server.http("PUT", f"{kv1}/c", token=token, body={"caf\u00e9": "x"})
    assert ok.status_code == 204, ok.text
    r = dev_server.http("PUT", f"{kv1}/c", token=token, body={"cafe\u0301": "x"})
    assert r.status_code == 403, r.status_code
