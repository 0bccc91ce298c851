"""Issue 15, metrics: `sys/metrics` as JSON and as Prometheus text.

The Prometheus text is read with prometheus_client's own parser. Against both
servers: the text parses, a KV secret's name never shows in either form, the
endpoint refuses a request without a token unless the listener's
`telemetry { unauthenticated_metrics_access = true }` is set, and
`format=prometheus` without `prometheus_retention_time` is OpenBao's 400.
Coffer's own metric names (request and login counters) are checked on Coffer.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import (IS_COFFER, SERVER, Server, _start_with_retries, bao_bin, coffer_bin,
                      coffer_only, free_port, random_name, random_value)
import oidc_test_issuer as issuers
from test_jwt_auth import ORG, PROJECT, login, make_mount

PROMETHEUS_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def prometheus(server: Server, token=None) -> str:
    """The Prometheus text, checked to be what a scraper accepts."""
    kwargs = {} if token is None else {"token": token}
    r = server.http("GET", "sys/metrics", params={"format": "prometheus"}, **kwargs)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["Content-Type"] == PROMETHEUS_TYPE
    # The real parser: it raises on anything a Prometheus server would reject.
    list(text_string_to_metric_families(r.text))
    return r.text


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample by name and label set."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return found


def start_telemetry_server(workdir: Path) -> Server:
    """A config-mode server whose listener serves sys/metrics without a token
    and whose telemetry stanza turns the Prometheus form on."""
    datadir = workdir / "data"
    datadir.mkdir(parents=True, exist_ok=True)

    def make() -> Server:
        port = free_port()
        storage = (f'storage "sqlite" {{\n  path = "{datadir}/coffer.db"\n}}\n' if IS_COFFER
                   else 'storage "inmem" {}\n')
        cfg = workdir / "server.hcl"
        cfg.write_text(
            storage
            + f'listener "tcp" {{\n  address = "127.0.0.1:{port}"\n  tls_disable = true\n'
            + "  telemetry {\n    unauthenticated_metrics_access = true\n  }\n}\n"
            + 'telemetry {\n  prometheus_retention_time = "30s"\n  disable_hostname = true\n}\n'
            + "disable_mlock = true\n")
        binary = coffer_bin() if IS_COFFER else bao_bin()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
        env["HOME"] = str(workdir)
        server = Server(SERVER, [str(binary), "server", f"-config={cfg}"], port, workdir, env=env)
        server.datadir = datadir
        server.config_path = cfg
        return server

    return _start_with_retries(make)


@pytest.fixture(scope="module")
def telemetry_server(tmp_path_factory):
    server = start_telemetry_server(tmp_path_factory.mktemp("telemetry"))
    yield server
    server.kill()


def test_prometheus_text_parses_and_never_names_a_secret(dev_server):
    name = random_name("metrics-secret")
    value = random_value()
    assert dev_server.http("POST", f"secret/data/ci/{name}", body={"data": {"password": value}}).status_code == 200
    # A token of its own: the dev root token, `root`, is a word any text may hold.
    token = dev_server.http("POST", "auth/token/create", body={"policies": ["root"]}).json()["auth"]["client_token"]
    assert dev_server.http("GET", f"secret/data/ci/{name}", token=token).status_code == 200
    text = prometheus(dev_server, token=token)
    json_form = dev_server.http("GET", "sys/metrics", token=token)
    assert json_form.status_code == 200
    assert {"Timestamp", "Gauges", "Counters", "Samples", "Points"} <= set(json_form.json())
    for body in (text, json_form.text):
        leaked = name in body or value in body or token in body
        assert not leaked, "the metrics name the secret, its value or the token"


@coffer_only
def test_request_counters_move_with_requests(dev_server):
    key = ("coffer_requests_total", frozenset({("family", "kv read"), ("mount", "secret/"), ("outcome", "ok")}))
    name = random_name("metrics-count")
    assert dev_server.http("POST", f"secret/data/{name}", body={"data": {"k": "v"}}).status_code == 200
    before = samples(prometheus(dev_server)).get(key, 0)
    for _ in range(3):
        assert dev_server.http("GET", f"secret/data/{name}").status_code == 200
    after = samples(prometheus(dev_server))
    assert after[key] == before + 3
    duration = ("coffer_request_duration_seconds_count", frozenset({("family", "kv read"), ("mount", "secret/")}))
    assert after[duration] >= 3


@coffer_only
def test_login_outcomes_count_per_mount_and_role(dev_server):
    mount = random_name("approle")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"}).status_code == 204
    assert dev_server.http("POST", f"auth/{mount}/role/deploy", body={"token_ttl": "5m"}).status_code == 204
    role_id = dev_server.http("GET", f"auth/{mount}/role/deploy/role-id").json()["data"]["role_id"]
    secret_id = dev_server.http("POST", f"auth/{mount}/role/deploy/secret-id").json()["data"]["secret_id"]
    ok = dev_server.http("POST", f"auth/{mount}/login", token=None, body={"role_id": role_id, "secret_id": secret_id})
    assert ok.status_code == 200
    token = ok.json()["auth"]["client_token"]
    bad = dev_server.http("POST", f"auth/{mount}/login", token=None, body={"role_id": role_id, "secret_id": "wrong"})
    assert bad.status_code == 400
    text = prometheus(dev_server)
    found = samples(text)
    success = ("coffer_logins_total", frozenset({("mount", f"auth/{mount}/"), ("role", "deploy"), ("outcome", "success")}))
    failure = ("coffer_logins_total", frozenset({("mount", f"auth/{mount}/"), ("role", ""), ("outcome", "failure")}))
    assert found[success] == 1 and found[failure] == 1
    leaked = secret_id in text or token in text or role_id in text
    assert not leaked, "the metrics carry a credential"


def test_metrics_need_a_token_without_the_listener_flag(config_server_factory):
    server = config_server_factory(persistent=False)
    keys = server.init()["keys_base64"]
    server.unseal(keys)
    anonymous = server.http("GET", "sys/metrics", token=None)
    assert anonymous.status_code == 403
    assert anonymous.json() == {"errors": ["permission denied"]}
    default_token = server.http("POST", "auth/token/create", body={"policies": ["default"]}).json()["auth"]["client_token"]
    assert server.http("GET", "sys/metrics", token=default_token).status_code == 403
    assert server.http("GET", "sys/metrics").status_code == 200
    # No telemetry stanza: the Prometheus form is off, in OpenBao's words.
    off = server.http("GET", "sys/metrics", params={"format": "prometheus"})
    assert off.status_code == 400
    assert off.headers["Content-Type"] == "text/plain"
    assert off.text == "prometheus is not enabled"
    unknown = server.http("GET", "sys/metrics", params={"format": "xml"})
    assert (unknown.status_code, unknown.text) == (400, 'metric response format "xml" unknown')


def test_listener_flag_serves_metrics_without_a_token(telemetry_server):
    # Sealed and uninitialized, the node still reports its metrics.
    json_form = telemetry_server.http("GET", "sys/metrics", token=None)
    assert json_form.status_code == 200
    assert {"Timestamp", "Gauges", "Counters", "Samples", "Points"} <= set(json_form.json())
    text = prometheus(telemetry_server, token=None)
    assert text
    # A token that means nothing is ignored, not refused.
    assert telemetry_server.http("GET", "sys/metrics", token="not-a-token").status_code == 200
    post = telemetry_server.http("POST", "sys/metrics", token=None)
    assert post.status_code == 405
    assert post.json() == {"errors": []}


@coffer_only
def test_jwks_fetches_and_jwt_logins_are_counted(dev_server, tmp_path_factory):
    up = issuers.TestIssuer(tmp_path_factory.mktemp("up"))
    try:
        mount = make_mount(dev_server, up)
        jwt_text = up.sign(up.claims(ORG, PROJECT))
        assert login(dev_server, mount, jwt_text).status_code == 200
    finally:
        up.stop()
    down = issuers.TestIssuer(tmp_path_factory.mktemp("down"))
    broken = make_mount(dev_server, down)
    down.stop()
    # The first login fetches the keys, and the issuer is gone.
    assert login(dev_server, broken, down.sign(down.claims(ORG, PROJECT))).status_code >= 400
    text = prometheus(dev_server)
    found = samples(text)

    def value(name, **labels):
        return found.get((name, frozenset(labels.items())), 0)

    assert value("coffer_jwks_fetches_total", mount=f"auth/{mount}/", outcome="success") >= 1
    assert value("coffer_jwks_fetches_total", mount=f"auth/{broken}/", outcome="failure") == 1
    assert value("coffer_logins_total", mount=f"auth/{mount}/", role="deploy", outcome="success") == 1
    assert value("coffer_logins_total", mount=f"auth/{broken}/", role="deploy", outcome="failure") == 1
    assert value("coffer_requests_total", family="auth/jwt login", mount=f"auth/{mount}/", outcome="ok") == 1
    leaked = jwt_text in text or "127.0.0.1:" in text
    assert not leaked, "the metrics carry a JWT or the issuer's address"
