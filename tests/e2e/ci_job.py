"""A CircleCI job as the dynamic-secrets tests see it: a jwt mount that trusts
the test's `coffer ci-oidc` issuer, and a job that logs in with its OIDC token
and gets a token with one policy (shared by the database and aws engine tests)."""

from __future__ import annotations

from conftest import random_name
from test_ci_oidc_issuer import CONTEXT, ORG


def jwt_mount(server, issuer, policy: str, user_claim: str = "sub", mount: str | None = None) -> str:
    mount = mount or random_name("jwt")
    assert server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"}).status_code == 204
    r = server.http("POST", f"auth/{mount}/config", body={
        "oidc_discovery_url": issuer.issuer, "oidc_discovery_ca_pem": issuer.ca.read_text(), "bound_issuer": issuer.issuer})
    assert r.status_code == 204, r.text
    r = server.http("POST", f"auth/{mount}/role/ci", body={
        "role_type": "jwt", "user_claim": user_claim, "bound_audiences": [ORG],
        "bound_claims": {"oidc.circleci.com/context-ids": [CONTEXT]}, "token_policies": [policy], "token_ttl": "15m"})
    assert r.status_code in (200, 204), r.text
    return mount


def job_login(server, issuer, mount: str, project: str, vcs_ref: str = "refs/heads/main") -> str:
    """The job's Coffer token, from a login with the job's OIDC token through the real bao CLI."""
    jwt_text = issuer.token("--project-id", project, "--context-id", CONTEXT, "--vcs-ref", vcs_ref)
    out = server.bao("write", "-field=token", f"auth/{mount}/login", "role=ci", f"jwt={jwt_text}", token=None)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()
