"""JWT/OIDC auth for CircleCI jobs (spec/jwt-auth.md), against a CircleCI-shaped
issuer on loopback over HTTPS with its own CA. Runs against OpenBao too
(E2E_SERVER=bao), which shows every message and status is the reference's."""

from __future__ import annotations

import concurrent.futures
import json
import time

import pytest
from joserfc.jwk import ECKey, RSAKey

from conftest import IS_COFFER, random_name
from oidc_test_issuer import TestIssuer

ORG = "1b2c3d4e-0000-4000-8000-0000000000a1"
ORG_B = "1b2c3d4e-0000-4000-8000-0000000000b2"
PROJECT = "5a6b7c8d-0000-4000-8000-000000000001"
CONTEXT = "7a0322cc-b8ce-485e-9a6f-06a11f5a2a75"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    server = TestIssuer(tmp_path_factory.mktemp("issuer"))
    yield server
    server.stop()


def make_mount(dev_server, issuer, org=ORG, **role_overrides):
    """A fresh jwt mount configured for `org`, with the guide's role `deploy`."""
    mount = random_name("jwt")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code == 204
    r = dev_server.http("POST", f"auth/{mount}/config", body={
        "oidc_discovery_url": issuer.issuer(org), "oidc_discovery_ca_pem": issuer.ca.read_text(),
        "bound_issuer": issuer.issuer(org)})
    assert r.status_code == 204, r.text
    role = {"role_type": "jwt", "user_claim": "sub", "bound_audiences": [org],
            "bound_claims": {"oidc.circleci.com/project-id": PROJECT, "oidc.circleci.com/context-ids": [CONTEXT],
                             "oidc.circleci.com/vcs-ref": "refs/heads/main",
                             "oidc.circleci.com/vcs-origin": "github.com/acme/app"},
            "token_policies": ["default"], "token_ttl": "15m"}
    role.update(role_overrides)
    role = {k: v for k, v in role.items() if v is not None}
    r = dev_server.http("POST", f"auth/{mount}/role/deploy", body=role)
    assert r.status_code in (200, 204), r.text
    return mount


def login(dev_server, mount, jwt_text, role="deploy"):
    return dev_server.http("POST", f"auth/{mount}/login", body={"role": role, "jwt": jwt_text}, token=None)


def test_a_good_token_logs_in_with_the_roles_policies_and_ttl(dev_server, issuer):
    mount = make_mount(dev_server, issuer, claim_mappings={"oidc.circleci.com/project-id": "project_id"})
    r = login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT)))
    assert r.status_code == 200, r.text
    auth = r.json()["auth"]
    assert auth["lease_duration"] == 900 and auth["orphan"] is True and auth["renewable"] is True
    assert auth["policies"] == ["default"] and auth["token_policies"] == ["default"]
    assert auth["metadata"] == {"role": "deploy", "project_id": PROJECT}
    lookup = dev_server.http("GET", "auth/token/lookup-self", token=auth["client_token"]).json()["data"]
    assert lookup["path"] == f"auth/{mount}/login"
    assert lookup["display_name"].startswith(f"{mount}-org/{ORG}/project/{PROJECT}/user/")


SIGNATURE_JWKS = "error validating token: error verifying token signature: failed to verify id token signature"


@pytest.mark.parametrize("case,overrides,message", [
    ("wrong project", {"project_id": "5a6b7c8d-0000-4000-8000-000000000009"},
     'error validating claims: claim "oidc.circleci.com/project-id" does not match any associated bound claim values'),
    ("missing context", {"context_ids": []},
     'error validating claims: claim "oidc.circleci.com/context-ids" does not match any associated bound claim values'),
    ("wrong branch", {"vcs_ref": "refs/heads/feature"},
     'error validating claims: claim "oidc.circleci.com/vcs-ref" does not match any associated bound claim values'),
    ("fork origin", {"vcs_origin": "github.com/someone/app"},
     'error validating claims: claim "oidc.circleci.com/vcs-origin" does not match any associated bound claim values'),
    ("claim absent (webhook)", {"vcs_ref": None},
     'error validating claims: claim "oidc.circleci.com/vcs-ref" is missing'),
    ("wrong audience", {"aud": "someone-else"},
     "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience"),
    ("wrong issuer", {"iss": "https://oidc.circleci.com/org/" + ORG},
     "error validating token: invalid issuer (iss) claim"),
    # Times are offsets from the moment the token is signed (resolved in the test):
    # absolute times taken at import go stale when the suite before them is long.
    ("expired", {"exp": ("now", -120), "iat": ("now", -3720)},
     "error validating token: invalid expiration time (exp) claim: token is expired"),
    ("not yet valid beyond the leeway", {"nbf": ("now", 120)},
     "error validating token: invalid not before (nbf) claim: token not yet valid"),
    ("no time claims", {"exp": None, "iat": None},
     "error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token"),
])
def test_refusals_name_the_failing_check(dev_server, issuer, case, overrides, message):
    mount = make_mount(dev_server, issuer)
    now = int(time.time())
    overrides = {k: now + v[1] if isinstance(v, tuple) and v[:1] == ("now",) else v for k, v in overrides.items()}
    r = login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT, **overrides)))
    assert r.status_code == 400, f"{case}: {r.status_code}"
    assert r.json()["errors"] == [message]


def test_within_the_leeway_is_accepted(dev_server, issuer):
    mount = make_mount(dev_server, issuer)
    now = int(time.time())
    assert login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT, nbf=now + 30))).status_code == 200
    assert login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT, exp=now - 30, iat=now - 3630))).status_code == 200


def test_clock_skew_leeway_minus_one_disables_it(dev_server, issuer):
    mount = make_mount(dev_server, issuer, clock_skew_leeway=-1)
    now = int(time.time())
    r = login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT, exp=now - 5, iat=now - 3605)))
    assert r.json()["errors"] == ["error validating token: invalid expiration time (exp) claim: token is expired"]


def test_forged_and_malformed_tokens_fail_at_the_signature(dev_server, issuer):
    mount = make_mount(dev_server, issuer)
    claims = issuer.claims(ORG, PROJECT)
    stranger = RSAKey.generate_key(2048, parameters={"kid": "rsa-1"})
    issuer.keys["stranger"] = stranger
    cases = {
        "bad signature": issuer.sign(claims, kid="stranger", header_kid="rsa-1"),
        "unknown kid": issuer.sign(claims, kid="stranger", header_kid="never-published"),
    }
    for case, token in cases.items():
        r = login(dev_server, mount, token)
        assert r.status_code == 400, case
        assert r.json()["errors"] == [SIGNATURE_JWKS], case
    # `none` and HMAC are refused before any key is tried.
    expected = '["RS256" "RS384" "RS512" "ES256" "ES384" "ES512" "PS256" "PS384" "PS512" "EdDSA"]'
    for alg, token in [("none", TestIssuer.unsigned(claims)), ("HS256", issuer.hs256_with_public_key(claims))]:
        r = login(dev_server, mount, token)
        assert r.status_code == 400, alg
        assert r.json()["errors"] == [
            f'error validating token: error verifying token signature: oidc: malformed jwt: unexpected signature algorithm "{alg}"; expected {expected}'], alg
    r = login(dev_server, mount, "abc")
    assert r.json()["errors"] == ["error validating token: error verifying token signature: oidc: malformed jwt: go-jose/go-jose: compact JWS format must have three parts"]
    r = login(dev_server, mount, "not.a.jwt")
    assert r.status_code == 400 and r.json()["errors"][0].startswith("error validating token: error verifying token signature: ")


def test_role_and_request_errors(dev_server, issuer):
    mount = make_mount(dev_server, issuer)
    token = issuer.sign(issuer.claims(ORG, PROJECT))
    assert login(dev_server, mount, token, role="nope").json()["errors"] == ['role "nope" could not be found']
    assert dev_server.http("POST", f"auth/{mount}/login", body={"jwt": token}, token=None).json()["errors"] == ["missing role"]
    assert login(dev_server, mount, "").json()["errors"] == ["missing token"]
    r = dev_server.http("POST", f"auth/{mount}/role/unbound", body={"role_type": "jwt", "user_claim": "sub", "token_policies": ["default"]})
    assert r.status_code == 400
    assert r.json()["errors"] == ["must have at least one bound constraint when creating/updating a role"]
    r = dev_server.http("POST", f"auth/{mount}/role/oidc-default", body={"user_claim": "sub", "bound_audiences": [ORG]})
    assert r.json()["errors"] == ["'allowed_redirect_uris' must be set if 'role_type' is 'oidc' or unspecified."]
    r = dev_server.http("POST", f"auth/{mount}/role/no-user", body={"role_type": "jwt", "bound_audiences": [ORG]})
    assert r.json()["errors"] == ["a user claim must be defined on the role"]
    unconfigured = random_name("jwt")
    dev_server.http("POST", f"sys/auth/{unconfigured}", body={"type": "jwt"})
    assert login(dev_server, unconfigured, token).json()["errors"] == ["could not load configuration"]


def test_role_read_echoes_fields_as_openbao_does(dev_server, issuer):
    mount = make_mount(dev_server, issuer, token_policies=None, policies="ci-production")
    data = dev_server.http("GET", f"auth/{mount}/role/DEPLOY").json()["data"]
    assert data["role_type"] == "jwt" and data["token_ttl"] == 900 and data["bound_audiences"] == [ORG]
    assert data["token_policies"] == ["ci-production"] and data["policies"] == ["ci-production"]
    assert data["clock_skew_leeway"] == 0 and data["claim_mappings"] is None and data["token_bound_cidrs"] == []
    assert data["bound_claims"]["oidc.circleci.com/context-ids"] == [CONTEXT]
    assert dev_server.http("LIST", f"auth/{mount}/role").json()["data"]["keys"] == ["deploy"]


def test_config_write_checks_discovery_and_replaces_the_whole_config(dev_server, issuer):
    mount = random_name("jwt")
    dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"})
    r = dev_server.http("POST", f"auth/{mount}/config", body={"oidc_discovery_url": "https://127.0.0.1:1/org/x"})
    assert r.status_code == 400 and r.json()["errors"][0].startswith("error checking oidc discovery URL: ")
    r = dev_server.http("POST", f"auth/{mount}/config", body={
        "oidc_discovery_url": issuer.issuer(ORG) + "/", "oidc_discovery_ca_pem": issuer.ca.read_text()})
    assert r.status_code == 400 and "issuer did not match the returned issuer" in r.json()["errors"][0]
    r = dev_server.http("POST", f"auth/{mount}/config", body={})
    assert r.json()["errors"] == ["exactly one of 'jwt_validation_pubkeys', 'jwks_url', 'jwks_pairs', 'oidc_discovery_url', or 'provider_config' must be set"]
    ok = dev_server.http("POST", f"auth/{mount}/config", body={
        "oidc_discovery_url": issuer.issuer(ORG), "oidc_discovery_ca_pem": issuer.ca.read_text(),
        "bound_issuer": issuer.issuer(ORG), "default_role": "Deploy"})
    assert ok.status_code == 204
    data = dev_server.http("GET", f"auth/{mount}/config").json()["data"]
    assert data["bound_issuer"] == issuer.issuer(ORG) and data["default_role"] == "deploy" and data["status"] == "valid"
    assert data["jwt_validation_pubkeys"] == [] and data["provider_config"] == {}


def test_static_public_keys_ignore_kid(dev_server, issuer):
    mount = random_name("jwt")
    dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"})
    ec_key = ECKey.generate_key("P-256", parameters={"kid": "ec-static"})
    issuer.keys["ec-static"] = ec_key
    r = dev_server.http("POST", f"auth/{mount}/config", body={"jwt_validation_pubkeys": [ec_key.as_pem(private=False).decode()],
                                                             "bound_issuer": issuer.issuer(ORG)})
    assert r.status_code == 204, r.text
    dev_server.http("POST", f"auth/{mount}/role/deploy", body={"role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG]})
    good = issuer.sign(issuer.claims(ORG, PROJECT), kid="ec-static", header_kid="whatever")
    assert login(dev_server, mount, good).status_code == 200
    bad = issuer.sign(issuer.claims(ORG, PROJECT))
    assert login(dev_server, mount, bad).json()["errors"] == [
        "error validating token: error verifying token signature: no known key successfully validated the token signature"]


def test_a_key_published_after_the_config_is_picked_up_with_one_fetch(dev_server, issuer):
    mount = make_mount(dev_server, issuer)
    assert login(dev_server, mount, issuer.sign(issuer.claims(ORG, PROJECT))).status_code == 200
    kid = random_name("rotated")
    issuer.add_key(kid, RSAKey.generate_key(2048, parameters={"kid": kid, "alg": "RS256", "use": "sig"}))
    before = issuer.jwks_fetches
    tokens = [issuer.sign(issuer.claims(ORG, PROJECT), kid=kid) for _ in range(200)]
    with concurrent.futures.ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(lambda t: login(dev_server, mount, t).status_code, tokens))
    assert statuses == [200] * 200
    if IS_COFFER:  # OpenBao refetches more eagerly; the bound is Coffer's promise
        assert issuer.jwks_fetches - before <= 1


def test_two_organizations_on_two_mounts_stay_apart(dev_server, issuer):
    mount_a = make_mount(dev_server, issuer, org=ORG)
    mount_b = make_mount(dev_server, issuer, org=ORG_B)
    token_a = issuer.sign(issuer.claims(ORG, PROJECT))
    assert login(dev_server, mount_a, token_a).status_code == 200
    refused = login(dev_server, mount_b, token_a)
    assert refused.status_code == 400
    assert refused.json()["errors"] == ["error validating token: invalid issuer (iss) claim"]
    assert login(dev_server, mount_b, issuer.sign(issuer.claims(ORG_B, PROJECT))).status_code == 200


def test_guide_command_with_bound_claims_as_a_json_string(dev_server, issuer):
    """`bao write auth/jwt/role/X ... bound_claims='{...}'`: OpenBao refuses a string
    here; Coffer decodes it, because the guide's command sends one."""
    if not IS_COFFER:
        pytest.skip("Coffer extension: OpenBao rejects a JSON string for bound_claims")
    mount = make_mount(dev_server, issuer)
    claims = json.dumps({"oidc.circleci.com/project-id": PROJECT})
    r = dev_server.bao("write", f"auth/{mount}/role/guide", "role_type=jwt", "user_claim=sub", f"bound_audiences={ORG}",
                       f"bound_claims={claims}", "token_policies=default", "token_ttl=15m")
    assert r.returncode == 0, r.stderr
    token = dev_server.bao("write", "-field=token", f"auth/{mount}/login", "role=guide",
                           f"jwt={issuer.sign(issuer.claims(ORG, PROJECT))}", token=None)
    assert token.returncode == 0, token.stderr
    assert dev_server.http("GET", "auth/token/lookup-self", token=token.stdout).status_code == 200


def test_logins_keep_working_while_the_issuer_is_down(dev_server, tmp_path):
    down = TestIssuer(tmp_path)
    mount = make_mount(dev_server, down)
    first = login(dev_server, mount, down.sign(down.claims(ORG, PROJECT)))
    assert first.status_code == 200, first.text
    down.stop()
    again = login(dev_server, mount, down.sign(down.claims(ORG, PROJECT)))
    assert again.status_code == 200, again.text


def test_hvac_jwt_login(dev_server, issuer):
    mount = make_mount(dev_server, issuer)
    client = dev_server.hvac(token=None)
    answer = client.auth.jwt.jwt_login(role="deploy", jwt=issuer.sign(issuer.claims(ORG, PROJECT)), path=mount)
    assert answer["auth"]["lease_duration"] == 900
    assert client.is_authenticated()
