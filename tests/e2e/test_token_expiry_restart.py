"""A short-lived token stops working when its TTL runs out, also when the server
was killed and restarted (SQLite) in between; the expiry survives the restart."""

from __future__ import annotations

import time

from conftest import Secret


def test_ttl_token_expires_across_a_restart(config_server_factory):
    server = config_server_factory()
    init = server.init(shares=1, threshold=1)
    server.unseal(init["keys_base64"][:1])
    r = server.http("POST", "auth/token/create", body={"policies": ["default"], "ttl": "4s"})
    assert r.status_code == 200, f"token create failed with {r.status_code}"
    token = Secret(r.json()["auth"]["client_token"])
    created = time.monotonic()

    server.kill()  # SIGKILL: no chance to flush anything
    server.start()
    server.unseal(init["keys_base64"][:1])
    assert server.http("GET", "auth/token/lookup-self", token=token).status_code == 200

    time.sleep(max(0.0, 4.5 - (time.monotonic() - created)))
    assert server.http("GET", "auth/token/lookup-self", token=token).status_code == 403


def test_num_uses_token_is_spent_even_by_refused_requests(dev_server):
    r = dev_server.http("POST", "auth/token/create", body={"policies": ["default"], "num_uses": 2})
    token = Secret(r.json()["auth"]["client_token"])
    assert dev_server.http("GET", "secret/data/not-allowed", token=token).status_code == 403
    assert dev_server.http("GET", "auth/token/lookup-self", token=token).status_code == 200
    assert dev_server.http("GET", "auth/token/lookup-self", token=token).status_code == 403
