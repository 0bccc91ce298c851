"""`coffer ci-oidc`: an independent verifier (joserfc) finds CircleCI-shaped tokens
behind a real HTTPS discovery URL, and the reference server (OpenBao's JWT auth)
logs them in exactly as it would CircleCI's."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from conftest import bao_bin, coffer_bin, coffer_only, free_port, new_session

pytestmark = coffer_only

ORG = "1b2c3d4e-0000-4000-8000-0000000000a1"
PROJECT = "5a6b7c8d-0000-4000-8000-000000000001"
OTHER_PROJECT = "5a6b7c8d-0000-4000-8000-000000000002"
CONTEXT = "7a0322cc-b8ce-485e-9a6f-06a11f5a2a75"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
CLAIMS = {
    "iss", "sub", "aud", "iat", "exp",
    "oidc.circleci.com/org-id", "oidc.circleci.com/project-id", "oidc.circleci.com/context-ids",
    "oidc.circleci.com/vcs-origin", "oidc.circleci.com/vcs-ref", "oidc.circleci.com/ssh-rerun",
    "oidc.circleci.com/pipeline-id", "oidc.circleci.com/pipeline-definition-id",
    "oidc.circleci.com/workflow-id", "oidc.circleci.com/job-id",
}


class Issuer:
    def __init__(self, tmp: Path):
        self.port = free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.issuer = f"{self.base}/org/{ORG}"
        self.ca = tmp / "ca.pem"
        self.keys = tmp / "keys"
        self.env = dict(os.environ, HOME=str(tmp))
        self.proc = subprocess.Popen(
            [str(coffer_bin()), "ci-oidc", "serve", "--org-id", ORG, "--listen", f"127.0.0.1:{self.port}",
             "--self-signed-ca-out", str(self.ca), "--key-dir", str(self.keys)],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.env, start_new_session=True)
        deadline = time.monotonic() + 30
        while True:
            try:
                if self.ca.exists() and new_session().get(self.issuer + "/.well-known/openid-configuration",
                                                          verify=str(self.ca), timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.proc.kill()
                pytest.fail("ci-oidc serve did not start: " + self.proc.stderr.read().decode()[-2000:])
            time.sleep(0.05)

    def token(self, *args: str) -> str:
        result = subprocess.run([str(coffer_bin()), "ci-oidc", "token", "--org-id", ORG, "--key-dir", str(self.keys),
                                 "--issuer-base", self.base, *args], capture_output=True, text=True, env=self.env, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout

    def keyset(self) -> KeySet:
        session = new_session()
        discovery = session.get(self.issuer + "/.well-known/openid-configuration", verify=str(self.ca)).json()
        return KeySet.import_key_set(session.get(discovery["jwks_uri"], verify=str(self.ca)).json())


@pytest.fixture
def issuer(tmp_path):
    server = Issuer(tmp_path)
    yield server
    server.proc.kill()
    server.proc.wait()


def test_discovery_document_has_circleci_fields(issuer):
    doc = new_session().get(issuer.issuer + "/.well-known/openid-configuration", verify=str(issuer.ca)).json()
    assert set(doc) == {"issuer", "jwks_uri", "response_types_supported", "subject_types_supported",
                        "id_token_signing_alg_values_supported", "scopes_supported", "claims_supported"}
    assert doc["issuer"] == issuer.issuer
    assert doc["jwks_uri"] == issuer.issuer + "/.well-known/jwks-pub.json"
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert set(doc["claims_supported"]) == CLAIMS
    jwks = new_session().get(doc["jwks_uri"], verify=str(issuer.ca)).json()
    key = jwks["keys"][0]
    assert {k: key[k] for k in ("kty", "alg", "use", "e")} == {"kty": "RSA", "alg": "RS256", "use": "sig", "e": "AQAB"}
    assert len(key["n"]) >= 342  # 2048-bit modulus in base64url


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_tokens_verify_with_the_exact_claim_set(issuer, version):
    token = issuer.token("--project-id", PROJECT, "--context-id", CONTEXT, "--vcs-origin", "https://github.com/acme/app.git",
                         "--vcs-ref", "refs/heads/main", f"--{version}")
    decoded = jwt.decode(token, issuer.keyset(), algorithms=["RS256"])
    assert decoded.header["alg"] == "RS256" and decoded.header["typ"] == "JWT" and decoded.header["kid"]
    claims = decoded.claims
    assert set(claims) == CLAIMS
    assert claims["iss"] == issuer.issuer and claims["aud"] == ORG
    assert claims["exp"] - claims["iat"] == 3600 and abs(claims["iat"] - time.time()) < 60
    assert claims["oidc.circleci.com/org-id"] == ORG and claims["oidc.circleci.com/project-id"] == PROJECT
    assert claims["oidc.circleci.com/context-ids"] == [CONTEXT]
    assert claims["oidc.circleci.com/vcs-origin"] == "github.com/acme/app"
    assert claims["oidc.circleci.com/vcs-ref"] == "refs/heads/main"
    assert claims["oidc.circleci.com/ssh-rerun"] is False
    for name in ("pipeline-id", "pipeline-definition-id", "workflow-id", "job-id"):
        assert UUID.match(claims[f"oidc.circleci.com/{name}"])
    user = re.match(rf"^org/{ORG}/project/{PROJECT}/user/([0-9a-f-]{{36}})(.*)$", claims["sub"])
    assert user and UUID.match(user.group(1))
    expected_tail = "" if version == "v1" else "/vcs-origin/github.com/acme/app/vcs-ref/refs/heads/main"
    assert user.group(2) == expected_tail


def test_custom_audience_and_env_lines(issuer):
    token = issuer.token("--project-id", PROJECT, "--claims", '{"aud": "vault"}')
    assert jwt.decode(token, issuer.keyset()).claims["aud"] == "vault"
    env = dict(line.split("=", 1) for line in issuer.token("--project-id", PROJECT, "--env").splitlines())
    assert {"CIRCLE_OIDC_TOKEN", "CIRCLE_OIDC_TOKEN_V2", "CIRCLE_PROJECT_ID"} <= set(env)
    v1 = jwt.decode(env["CIRCLE_OIDC_TOKEN"], issuer.keyset()).claims
    v2 = jwt.decode(env["CIRCLE_OIDC_TOKEN_V2"], issuer.keyset()).claims
    assert v2["sub"].startswith(v1["sub"] + "/vcs-origin/")


def test_bad_input_gets_clear_errors(issuer, tmp_path):
    bad_org = subprocess.run([str(coffer_bin()), "ci-oidc", "token", "--org-id", "not-a-uuid", "--project-id", PROJECT],
                             capture_output=True, text=True, env=issuer.env, timeout=60)
    assert bad_org.returncode != 0 and "not a CircleCI organization id" in bad_org.stderr
    bad_claims = subprocess.run([str(coffer_bin()), "ci-oidc", "token", "--org-id", ORG, "--project-id", PROJECT,
                                 "--key-dir", str(issuer.keys), "--claims", '{"sub": "x"}'],
                                capture_output=True, text=True, env=issuer.env, timeout=60)
    assert bad_claims.returncode != 0 and '"sub" cannot be set' in bad_claims.stderr
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "keys.json").write_text("{nope")
    bad_dir = subprocess.run([str(coffer_bin()), "ci-oidc", "token", "--org-id", ORG, "--project-id", PROJECT,
                              "--key-dir", str(tmp_path / "broken")], capture_output=True, text=True, env=issuer.env, timeout=60)
    assert bad_dir.returncode != 0 and "cannot read key dir" in bad_dir.stderr


def test_rotation_keeps_old_tokens_verifiable(issuer):
    before = issuer.token("--project-id", PROJECT)
    rotated = subprocess.run([str(coffer_bin()), "ci-oidc", "rotate", "--key-dir", str(issuer.keys)],
                             capture_output=True, text=True, env=issuer.env, timeout=60)
    assert rotated.returncode == 0, rotated.stderr
    after = issuer.token("--project-id", PROJECT)
    keys = issuer.keyset()
    assert len(keys.keys) == 2
    old, new = jwt.decode(before, keys), jwt.decode(after, keys)
    assert old.header["kid"] != new.header["kid"]


def test_openbao_logs_in_our_tokens_and_refuses_another_project(issuer, tmp_path):
    """The reference verifier: `bao server -dev` with the guide's JWT setup."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_"))}
    env["HOME"] = str(tmp_path)
    server = subprocess.Popen([str(bao_bin()), "server", "-dev", "-dev-root-token-id=root",
                               f"-dev-listen-address=127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    session = new_session()
    try:
        for _ in range(300):
            try:
                if session.get(url + "/v1/sys/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.05)
        root = {"X-Vault-Token": "root"}
        assert session.post(url + "/v1/sys/auth/jwt", headers=root, json={"type": "jwt"}).status_code == 204
        config = session.post(url + "/v1/auth/jwt/config", headers=root, json={
            "oidc_discovery_url": issuer.issuer, "oidc_discovery_ca_pem": issuer.ca.read_text(), "bound_issuer": issuer.issuer})
        assert config.status_code == 204, config.text
        role = session.post(url + "/v1/auth/jwt/role/circleci-production-deploy", headers=root, json={
            "role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG],
            "bound_claims": {"oidc.circleci.com/project-id": PROJECT, "oidc.circleci.com/context-ids": [CONTEXT],
                             "oidc.circleci.com/vcs-ref": "refs/heads/main"},
            "token_policies": ["default"], "token_ttl": "15m"})
        assert role.status_code == 204, role.text

        good = issuer.token("--project-id", PROJECT, "--context-id", CONTEXT, "--vcs-ref", "refs/heads/main")
        login = session.post(url + "/v1/auth/jwt/login", json={"role": "circleci-production-deploy", "jwt": good})
        assert login.status_code == 200, login.text
        assert login.json()["auth"]["lease_duration"] == 900

        other = issuer.token("--project-id", OTHER_PROJECT, "--context-id", CONTEXT, "--vcs-ref", "refs/heads/main")
        refused = session.post(url + "/v1/auth/jwt/login", json={"role": "circleci-production-deploy", "jwt": other})
        assert refused.status_code == 400
        assert "project-id" in refused.json()["errors"][0]
    finally:
        server.kill()
        server.wait()
