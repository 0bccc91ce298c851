"""`coffer explain login|request` and `coffer lint` (issue 17), driven through
the real `coffer` CLI against a real server, with a CircleCI-shaped issuer on
loopback. Coffer-only: OpenBao has neither."""

from __future__ import annotations

import json
import os
import re
import subprocess
import time

import pytest

from conftest import DEV_ROOT_TOKEN, coffer_bin, coffer_only, random_name
from oidc_test_issuer import TestIssuer

pytestmark = coffer_only

ORG = "1b2c3d4e-0000-4000-8000-0000000000c3"
PROJECT = "5a6b7c8d-0000-4000-8000-000000000002"
CONTEXT = "7a0322cc-b8ce-485e-9a6f-06a11f5a2a75"


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    server = TestIssuer(tmp_path_factory.mktemp("explain-issuer"))
    yield server
    server.stop()


def coffer(server, *args: str, token: str | None = DEV_ROOT_TOKEN, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_"))}
    env["VAULT_ADDR"] = server.url
    env["HOME"] = str(server.workdir)
    if token is not None:
        env["VAULT_TOKEN"] = token
    return subprocess.run([str(coffer_bin()), *args], capture_output=True, text=True, env=env, timeout=60,
                          input=input, stdin=None if input is not None else subprocess.DEVNULL)


def make_mount(server, issuer) -> str:
    """A jwt mount with the guide's role `deploy` (project, context, branch and repository bound)."""
    mount = random_name("jwt")
    assert server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code == 204
    r = server.http("POST", f"auth/{mount}/config", body={
        "oidc_discovery_url": issuer.issuer(ORG), "oidc_discovery_ca_pem": issuer.ca.read_text(),
        "bound_issuer": issuer.issuer(ORG)})
    assert r.status_code == 204, r.text
    role = {"role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG],
            "bound_claims": {"oidc.circleci.com/project-id": PROJECT, "oidc.circleci.com/context-ids": [CONTEXT],
                             "oidc.circleci.com/vcs-ref": "refs/heads/main",
                             "oidc.circleci.com/vcs-origin": "github.com/acme/app"},
            "token_policies": ["default"], "token_ttl": "15m", "token_max_ttl": "1h"}
    r = server.http("POST", f"auth/{mount}/role/deploy", body=role)
    assert r.status_code in (200, 204), r.text
    return mount


def shows_token(output: str, jwt_text: str) -> bool:
    signature = jwt_text.rsplit(".", 1)[-1]
    return jwt_text in output or (bool(signature) and signature in output)


# The refusal cases of test_jwt_auth.py, each with the check that refuses it.
REFUSALS = [
    ("wrong branch", {"vcs_ref": "refs/heads/feature"}, "bound_claims.oidc.circleci.com/vcs-ref", "refs/heads/feature",
     'error validating claims: claim "oidc.circleci.com/vcs-ref" does not match any associated bound claim values'),
    ("fork origin", {"vcs_origin": "github.com/someone/app"}, "bound_claims.oidc.circleci.com/vcs-origin",
     "github.com/someone/app",
     'error validating claims: claim "oidc.circleci.com/vcs-origin" does not match any associated bound claim values'),
    ("claim absent (webhook)", {"vcs_ref": None}, "bound_claims.oidc.circleci.com/vcs-ref", "missing",
     'error validating claims: claim "oidc.circleci.com/vcs-ref" is missing'),
    ("wrong audience", {"aud": "someone-else"}, "aud", "someone-else",
     "error validating token: invalid audience (aud) claim: audience claim does not match any expected audience"),
    ("wrong issuer", {"iss": "https://oidc.circleci.com/org/" + ORG}, "iss", "https://oidc.circleci.com/org/" + ORG,
     "error validating token: invalid issuer (iss) claim"),
    ("expired", {"exp": ("now", -120), "iat": ("now", -3720)}, "exp", "(exp)",
     "error validating token: invalid expiration time (exp) claim: token is expired"),
    ("not yet valid beyond the leeway", {"nbf": ("now", 120)}, "nbf", "(nbf)",
     "error validating token: invalid not before (nbf) claim: token not yet valid"),
    ("no time claims", {"exp": None, "iat": None}, "time_claims", "none",
     "error validating token: no issued at (iat), not before (nbf), or expiration time (exp) claims in token"),
]


@pytest.mark.parametrize("case,overrides,check,actual,message", REFUSALS, ids=[r[0] for r in REFUSALS])
def test_explain_login_names_the_one_failing_check(dev_server, issuer, case, overrides, check, actual, message):
    mount = make_mount(dev_server, issuer)
    now = int(time.time())
    overrides = {k: now + v[1] if isinstance(v, tuple) and v[:1] == ("now",) else v for k, v in overrides.items()}
    jwt_text = issuer.sign(issuer.claims(ORG, PROJECT, **overrides))

    result = coffer(dev_server, "explain", "login", f"-mount={mount}", "-role=deploy", "-format=json", jwt_text)
    assert result.returncode == 1, f"{case}: {result.returncode} {result.stderr[-500:]}"
    assert not shows_token(result.stdout + result.stderr, jwt_text), f"{case}: the output shows the token"
    data = json.loads(result.stdout)
    failed = [c for c in data["checks"] if c["outcome"] == "failed"]
    assert [c["name"] for c in failed] == [check], case
    assert failed[0]["expected"] and actual in failed[0]["actual"], (case, failed[0])
    assert data["refusal"] == [message] and data["allowed"] is False

    text = coffer(dev_server, "explain", "login", f"-mount={mount}", "-role=deploy", "-", input=jwt_text)
    assert text.returncode == 1 and not shows_token(text.stdout + text.stderr, jwt_text)
    assert [line.split()[1] for line in text.stdout.splitlines() if line.startswith("FAIL")] == [check]

    # The login itself still answers with Vault's message; the server log says which check refused it.
    r = dev_server.http("POST", f"auth/{mount}/login", body={"role": "deploy", "jwt": jwt_text}, token=None)
    assert r.status_code == 400 and r.json()["errors"] == [message]
    deadline = time.time() + 5
    while f"refused by {check}" not in dev_server.output() and time.time() < deadline:
        time.sleep(0.1)
    log = dev_server.output()
    assert f"refused by {check}" in log, f"{case}: no explained refusal in the server log"
    assert not shows_token(log, jwt_text), f"{case}: the server log shows the token"


def test_explain_login_gives_the_measured_skew_and_list_semantics(dev_server, issuer):
    """The figures "token not yet valid" lacks: how far ahead the issuer's clock
    is; and a bound list matched as "any of [...]" against the claim's values."""
    mount = make_mount(dev_server, issuer)
    now = int(time.time())
    early = issuer.sign(issuer.claims(ORG, PROJECT, nbf=now + 300, vcs_ref="refs/heads/feature"))
    data = json.loads(coffer(dev_server, "explain", "login", f"-mount={mount}", "-role=deploy", "-format=json", early).stdout)
    failed = [c for c in data["checks"] if c["outcome"] == "failed"]
    assert [c["name"] for c in failed] == ["nbf"]
    assert re.search(r"measured skew: nbf is (29[89]|30[01]) s ahead of this server's clock", failed[0]["actual"]), failed[0]

    late_branch = issuer.sign(issuer.claims(ORG, PROJECT, vcs_ref="refs/heads/feature"))
    data = json.loads(coffer(dev_server, "explain", "login", f"-mount={mount}", "-role=deploy", "-format=json", late_branch).stdout)
    checks = {c["name"]: c for c in data["checks"]}
    branch = checks["bound_claims.oidc.circleci.com/vcs-ref"]
    assert branch["outcome"] == "failed"
    assert (branch["expected"], branch["actual"]) == ('any of ["refs/heads/main"]', '"refs/heads/feature"')
    contexts = checks["bound_claims.oidc.circleci.com/context-ids"]
    assert contexts["expected"] == f'any of ["{CONTEXT}"]' and contexts["actual"].startswith("any of [")


def test_explain_login_guide_happy_path_passes_every_check(dev_server, issuer):
    mount = make_mount(dev_server, issuer)
    jwt_text = issuer.sign(issuer.claims(ORG, PROJECT))
    result = coffer(dev_server, "explain", "login", f"-mount={mount}", "-role=deploy", jwt_text)
    assert result.returncode == 0, result.stderr[-500:]
    assert not shows_token(result.stdout + result.stderr, jwt_text)
    marks = [line.split()[0] for line in result.stdout.splitlines() if line[:4] in ("pass", "FAIL", "skip")]
    assert marks and "FAIL" not in marks
    data = json.loads(coffer(dev_server, "explain", "login", f"-mount={mount}", "-role=deploy", "-format=json", jwt_text).stdout)
    bound = [c for c in data["checks"] if c["name"].startswith("bound_claims.")]
    assert len(bound) == 4 and all(c["outcome"] == "passed" for c in bound)
    assert {c["name"]: c["outcome"] for c in data["checks"]}["signature"] == "passed"
    # Explaining issued no token: the login still works and is the first to get one.
    r = dev_server.http("POST", f"auth/{mount}/login", body={"role": "deploy", "jwt": jwt_text}, token=None)
    assert r.status_code == 200


def test_explain_login_approle_spends_nothing(dev_server):
    mount = random_name("approle")
    assert dev_server.http("POST", f"sys/auth/{mount}", body={"type": "approle"}).status_code == 204
    assert dev_server.http("POST", f"auth/{mount}/role/runner",
                           body={"secret_id_num_uses": 1, "secret_id_ttl": "10m", "token_policies": ["default"]}).status_code == 204
    role_id = dev_server.http("GET", f"auth/{mount}/role/runner/role-id").json()["data"]["role_id"]
    secret_id = dev_server.http("POST", f"auth/{mount}/role/runner/secret-id").json()["data"]["secret_id"]
    for _ in range(2):
        result = coffer(dev_server, "explain", "login", f"-mount={mount}", f"-role-id={role_id}", "-secret-id=-", input=secret_id)
        assert result.returncode == 0, result.stderr[-500:]
        leaked = secret_id in result.stdout or role_id in result.stdout
        assert not leaked, "the explanation shows a credential"
    # Wrong secret IDs explained do not count towards user lockout (threshold 1 here).
    r = dev_server.http("POST", f"sys/auth/{mount}/tune",
                        body={"user_lockout_config": {"lockout_threshold": "1", "lockout_duration": "10m"}})
    assert r.status_code in (200, 204), r.text
    for _ in range(3):
        wrong = coffer(dev_server, "explain", "login", f"-mount={mount}", f"-role-id={role_id}", "-secret-id=-",
                       input="never-issued")
        assert wrong.returncode == 1 and "FAIL  secret_id" in wrong.stdout
    r = dev_server.http("POST", f"auth/{mount}/login", body={"role_id": role_id, "secret_id": secret_id}, token=None)
    assert r.status_code == 200
    spent = coffer(dev_server, "explain", "login", f"-mount={mount}", f"-role-id={role_id}", "-secret-id=-", input=secret_id)
    assert spent.returncode == 1 and "FAIL  secret_id" in spent.stdout


def test_explain_request_names_the_deciding_rule_and_a_minimal_policy(dev_server):
    policy = random_name("ci")
    text = 'path "secret/data/ci/*" { capabilities = ["read"] }\npath "secret/data/ci/staging/*" { capabilities = ["deny"] }'
    assert dev_server.http("PUT", f"sys/policies/acl/{policy}", body={"policy": text}).status_code == 204
    denied = coffer(dev_server, "explain", "request", f"-policy={policy}", "GET", "secret/data/ci/staging/db")
    assert denied.returncode == 1, denied.stderr[-500:]
    assert 'Decided by: "secret/data/ci/staging/*" (prefix) from ' + policy in denied.stdout
    assert '"secret/data/ci/*" (prefix)' in denied.stdout and "a longer prefix rule matched" in denied.stdout
    minimal = coffer(dev_server, "explain", "request", f"-policy={policy}", "-output-policy", "GET", "secret/data/ci/staging/db")
    assert minimal.stdout == 'path "secret/data/ci/staging/db" {\n  capabilities = ["read"]\n}\n'

    token = dev_server.http("POST", "auth/token/create", body={"policies": [policy]}).json()["auth"]["client_token"]
    allowed = coffer(dev_server, "explain", "request", "-format=json", f"-token={token}", "GET", "secret/data/ci/production/db")
    assert allowed.returncode == 0 and token not in allowed.stdout
    data = json.loads(allowed.stdout)
    assert data["decided_by"]["rule"] == "secret/data/ci/*" and data["allowed"] is True
    # The real request gets the decision explain gave.
    assert dev_server.http("GET", "secret/data/ci/staging/db", token=token).status_code == 403


def test_explain_and_lint_need_sudo(dev_server):
    policy = random_name("nosudo")
    text = 'path "sys/explain/*" { capabilities = ["update"] }\npath "sys/lint" { capabilities = ["read"] }'
    assert dev_server.http("PUT", f"sys/policies/acl/{policy}", body={"policy": text}).status_code == 204
    token = dev_server.http("POST", "auth/token/create", body={"policies": [policy]}).json()["auth"]["client_token"]
    for args in (["lint"], ["explain", "request", "-policy=default", "GET", "secret/data/x"]):
        result = coffer(dev_server, *args, token=token)
        assert result.returncode == 2 and "Code: 403" in result.stderr, args


def test_lint_formats_exit_codes_and_ignore(dev_server, issuer):
    mount = make_mount(dev_server, issuer)
    # A role bound to nothing but the audience: the guide's worst case.
    assert dev_server.http("POST", f"auth/{mount}/role/open", body={
        "role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG], "token_ttl": "15m", "token_max_ttl": "1h",
        "token_policies": ["default"]}).status_code == 204

    result = coffer(dev_server, "lint", "-format=json")
    assert result.returncode == 1, result.stderr[-500:]
    findings = json.loads(result.stdout)["findings"]
    mine = [f for f in findings if f["object"].startswith(f"auth/{mount}/")]
    ids = sorted(f["id"] for f in mine)
    # The loopback issuer is not oidc.circleci.com: the shape check fires once, for the config.
    assert ids == ["jwt-discovery-url-shape", "jwt-role-audience-only"], ids
    for finding in findings:
        assert all(finding[key] for key in ("id", "severity", "object", "why", "fix"))

    sarif = json.loads(coffer(dev_server, "lint", "-format=sarif").stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert {r["id"] for r in run["tool"]["driver"]["rules"]} >= {"jwt-role-audience-only", "no-audit-device"}
    result_ids = {(r["ruleId"], r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]) for r in run["results"]}
    assert ("jwt-role-audience-only", f"auth/{mount}/role/open") in result_ids

    text = coffer(dev_server, "lint")
    assert text.returncode == 1 and f"jwt-role-audience-only  auth/{mount}/role/open" in text.stdout

    all_ids = sorted({f["id"] for f in findings})
    ignored = coffer(dev_server, "lint", *[f"--ignore={i}" for i in all_ids])
    assert ignored.returncode == 0, ignored.stdout[-500:]
    high_only = coffer(dev_server, "lint", "--fail-on=high", *[f"--ignore={i}" for i in all_ids if i != "jwt-discovery-url-shape"])
    assert high_only.returncode == 0 and "jwt-discovery-url-shape" in high_only.stdout
    unknown = coffer(dev_server, "lint", "--ignore=no-such-check")
    assert unknown.returncode == 2 and "unknown lint check" in unknown.stderr
