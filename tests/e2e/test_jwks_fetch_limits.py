"""Outbound JWKS fetches cannot be driven by an attacker (issue 12, item 9): forged
tokens do not make the server hammer the issuer, and a redirect never takes a
key fetch from HTTPS down to HTTP."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from joserfc.jwk import RSAKey

from conftest import IS_COFFER, coffer_only, free_port, random_name
from oidc_test_issuer import TestIssuer

ORG = "1b2c3d4e-0000-4000-8000-0000000000c3"
PROJECT = "5a6b7c8d-0000-4000-8000-000000000001"
SIGNATURE_ERROR = "error validating token: error verifying token signature: failed to verify id token signature"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    server = TestIssuer(tmp_path_factory.mktemp("issuer"))
    yield server
    server.stop()


def make_mount(dev_server, issuer, config: dict) -> str:
    mount = random_name("jwtlim")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code == 204
    r = dev_server.http("POST", f"auth/{mount}/config", body=config)
    assert r.status_code == 204, r.text
    r = dev_server.http("POST", f"auth/{mount}/role/deploy", body={
        "role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG], "token_policies": ["default"]})
    assert r.status_code in (200, 204), r.text
    return mount


def discovery_config(issuer) -> dict:
    return {"oidc_discovery_url": issuer.issuer(ORG), "oidc_discovery_ca_pem": issuer.ca.read_text(),
            "bound_issuer": issuer.issuer(ORG)}


def login(dev_server, mount, jwt_text):
    return dev_server.http("POST", f"auth/{mount}/login", body={"role": "deploy", "jwt": jwt_text}, token=None)


def test_forged_tokens_do_not_hammer_the_issuer(dev_server, issuer):
    mount = make_mount(dev_server, issuer, discovery_config(issuer))
    assert login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT))).status_code == 200
    # A key the issuer never publishes: every token it signs is forged.
    forger = random_name("forger")
    issuer.add_key(forger, RSAKey.generate_key(2048, parameters={"kid": forger, "alg": "RS256"}), publish=False)
    before = issuer.jwks_fetches
    for i in range(200):
        # Half claim the real kid (a bad signature), half a kid never seen (unknown kid).
        kid = "rsa-1" if i % 2 else f"{forger}-{i}"
        r = login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT), kid=forger, header_kid=kid))
        assert r.status_code == 400, r.text
        assert r.json()["errors"] == [SIGNATURE_ERROR]
    if IS_COFFER:  # OpenBao (go-oidc) refetches for every one of them
        assert issuer.jwks_fetches - before <= 2, issuer.jwks_fetches - before
    # The cached keys still let real tokens in.
    assert login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT))).status_code == 200


def test_a_new_kid_after_a_quiet_spell_is_picked_up_at_once(dev_server, issuer):
    mount = make_mount(dev_server, issuer, discovery_config(issuer))
    assert login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT))).status_code == 200
    kid = random_name("rotated")
    issuer.add_key(kid, RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"}))
    before = issuer.jwks_fetches
    assert login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT), kid=kid)).status_code == 200
    assert issuer.jwks_fetches - before == 1


class PlainJWKS:
    """A plain-HTTP JWKS endpoint that counts the requests it gets."""

    def __init__(self, issuer):
        self.hits = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                owner.hits += 1
                body = json.dumps({"keys": [issuer.keys["rsa-1"].as_dict(private=False)]}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.port = free_port()
        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@coffer_only  # Go's HTTP client (OpenBao) follows the downgrade
def test_a_redirect_from_https_to_http_is_refused(dev_server, issuer):
    plain = PlainJWKS(issuer)
    downgrade = f"http://127.0.0.1:{plain.port}/jwks.json"
    try:
        # Checked when the config is written...
        path = f"/{random_name('moved')}/jwks.json"
        issuer.redirects[path] = downgrade
        mount = random_name("jwtlim")
        assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code == 204
        r = dev_server.http("POST", f"auth/{mount}/config", body={
            "jwks_url": issuer.base + path, "jwks_ca_pem": issuer.ca.read_text(), "bound_issuer": issuer.issuer(ORG)})
        assert r.status_code == 400, r.text
        assert r.json()["errors"] == ["error checking jwks URL"]
        # ...and when a login refetches after the endpoint started redirecting.
        path = f"/{random_name('moved')}/jwks.json"
        issuer.redirects[path] = f"{issuer.issuer(ORG)}/.well-known/jwks-pub.json"
        mount = make_mount(dev_server, issuer, {"jwks_url": issuer.base + path, "jwks_ca_pem": issuer.ca.read_text(),
                                                "bound_issuer": issuer.issuer(ORG)})
        assert login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT))).status_code == 200
        issuer.redirects[path] = downgrade
        kid = random_name("rotated")
        issuer.add_key(kid, RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"}))
        r = login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT), kid=kid))
        assert r.status_code == 400, r.text
        assert plain.hits == 0, "the key fetch followed a redirect down to plain HTTP"
    finally:
        plain.stop()


def test_a_redirect_within_https_is_followed(dev_server, issuer):
    path = f"/{random_name('moved')}/jwks.json"
    issuer.redirects[path] = f"{issuer.issuer(ORG)}/.well-known/jwks-pub.json"
    mount = make_mount(dev_server, issuer, {"jwks_url": issuer.base + path, "jwks_ca_pem": issuer.ca.read_text(),
                                            "bound_issuer": issuer.issuer(ORG)})
    r = login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT)))
    assert r.status_code == 200, r.text


def test_a_burst_of_first_logins_shares_the_first_key_fetch(dev_server, issuer):
    """64 logins at once on a mount whose keys were never fetched (a fresh mount, or
    any mount after a restart): every one succeeds and the server stays up. The
    logins that wait on the first fetch must not read the keys before it stored them."""
    import requests

    mount = make_mount(dev_server, issuer, discovery_config(issuer))
    token = issuer.sign(issuer.claims(ORG, PROJECT))
    start = threading.Barrier(64)
    statuses: list[int] = []

    def one() -> None:
        start.wait()
        try:
            r = requests.post(f"{dev_server.url}/v1/auth/{mount}/login", json={"role": "deploy", "jwt": token}, timeout=30)
            statuses.append(r.status_code)
        except requests.RequestException as error:
            statuses.append(-1)
            print("login failed:", type(error).__name__)

    threads = [threading.Thread(target=one) for _ in range(64)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * 64, sorted(set(statuses))
    assert dev_server.http("GET", "sys/health").status_code == 200
