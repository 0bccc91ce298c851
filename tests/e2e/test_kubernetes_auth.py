"""Kubernetes auth (issue 20): a runner pod logs in with its service-account
token; the cluster's API server confirms it with a TokenReview.

THE STAND-IN: no real Kubernetes API server can run on these machines (no
package provides one), so these tests point the server at
`k8s_api_responder.KubernetesAPIResponder`, a small HTTPS server with its own
CA that serves the TokenReview endpoint and namespace reads in the shapes
captured from OpenBao (spec/examples/kubernetes/), records every request it
receives, and can be told to fail, hang or answer `authenticated: false`.
Everything else is real: the Coffer binary (or OpenBao with E2E_SERVER=bao),
its TLS client verifying the responder's CA, `bao` and `hvac`.

Runs against both servers; the cases OpenBao cannot do are skipped for it,
with the reason.
"""

from __future__ import annotations

import threading
import time
import uuid

import pytest

from conftest import IS_BAO, IS_COFFER, Secret, assert_error, coffer_only
from k8s_api_responder import DEFAULT_AUDIENCE, REVIEW_PATH, ClusterSigner, KubernetesAPIResponder

RUNNER_UID = "7d3c2b1a-0000-4000-8000-00000000aa01"

# The TokenReview OpenBao sent in the capture spec/examples/kubernetes/k8s-login.json
# (`upstream_calls[0].request`), with `<jwt>` where the tokens go.
CAPTURED_REVIEW = {
    "method": "POST",
    "path": "/apis/authentication.k8s.io/v1/tokenreviews",
    "headers": {"Accept": "application/json", "Authorization": "Bearer <jwt>", "Content-Type": "application/json"},
    "body": {"metadata": {}, "spec": {"token": "<jwt>", "audiences": [DEFAULT_AUDIENCE]}, "status": {"user": {}}},
}


@pytest.fixture(scope="module")
def signer() -> ClusterSigner:
    return ClusterSigner()


@pytest.fixture(scope="module")
def responder(tmp_path_factory, signer):
    api = KubernetesAPIResponder(tmp_path_factory.mktemp("k8s-api"), signer)
    yield api
    api.stop()


@pytest.fixture
def api(responder):
    responder.reset()
    yield responder
    responder.reset()


@pytest.fixture(scope="module")
def reviewer_jwt(signer) -> Secret:
    return Secret(signer.token("kube-system", "token-reviewer", str(uuid.uuid4())))


def runner_token(signer: ClusterSigner, namespace: str = "ci", name: str = "circleci-runner", **kw) -> Secret:
    return Secret(signer.token(namespace, name, kw.pop("uid", RUNNER_UID), **kw))


def enable(server, responder, *, reviewer: str | None, pem_keys: list[str] | None = None) -> str:
    mount = f"k8s-{uuid.uuid4().hex[:8]}"
    r = server.http("POST", f"sys/auth/{mount}", body={"type": "kubernetes"})
    assert r.status_code == 204, r.text
    config = {"kubernetes_host": responder.url, "kubernetes_ca_cert": responder.ca_pem, "disable_local_ca_jwt": True}
    if reviewer:
        config["token_reviewer_jwt"] = reviewer
    if pem_keys:
        config["pem_keys"] = pem_keys
    r = server.http("POST", f"auth/{mount}/config", body=config)
    assert r.status_code == 204, r.text
    r = server.http("POST", f"auth/{mount}/role/ci-runner", body={
        "bound_service_account_names": ["circleci-runner"], "bound_service_account_namespaces": ["ci"],
        "audience": DEFAULT_AUDIENCE, "alias_name_source": "serviceaccount_uid",
        "token_policies": ["ci-production"], "token_ttl": "20m"})
    assert r.status_code == 204, r.text
    return mount


@pytest.fixture(scope="module")
def mount(dev_server, responder, reviewer_jwt) -> str:
    return enable(dev_server, responder, reviewer=reviewer_jwt)


def login(server, mount: str, jwt: str, role: str = "ci-runner"):
    return server.http("POST", f"auth/{mount}/login", token=None, body={"role": role, "jwt": jwt}, timeout=60)


def filled(template, **values):
    """The captured request with its `<jwt>` placeholders filled in, in order."""
    review = {k: (dict(v) if isinstance(v, dict) else v) for k, v in template.items()}
    review["headers"] = dict(template["headers"], Authorization=f"Bearer {values['bearer']}")
    review["body"] = {"metadata": {}, "spec": dict(template["body"]["spec"], token=values["token"]), "status": {"user": {}}}
    return review


# -- acceptance 1: login, refusals, the TokenReview as captured ------------------


def test_bound_account_logs_in_and_the_review_matches_the_capture(dev_server, api, mount, signer, reviewer_jwt):
    jwt = runner_token(signer)
    r = login(dev_server, mount, jwt)
    assert r.status_code == 200, r.text
    auth = r.json()["auth"]
    assert auth["policies"] == ["ci-production", "default"]
    assert auth["lease_duration"] == 1200
    assert auth["metadata"] == {
        "role": "ci-runner", "service_account_name": "circleci-runner", "service_account_namespace": "ci",
        "service_account_secret_name": "", "service_account_uid": RUNNER_UID}
    # The identity alias: the service account (the role only on the token).
    entity = dev_server.http("GET", f"identity/entity/id/{auth['entity_id']}").json()["data"]
    [alias] = entity["aliases"]
    assert alias["mount_type"] == "kubernetes" and alias["name"] == RUNNER_UID
    assert alias["metadata"] == {"service_account_name": "circleci-runner", "service_account_namespace": "ci",
                                 "service_account_secret_name": "", "service_account_uid": RUNNER_UID}
    received = api.take()
    assert len(received) == 1
    expected = filled(CAPTURED_REVIEW, bearer=reviewer_jwt, token=jwt)
    # Field for field, so a difference names its field without printing tokens.
    for field in ("method", "path"):
        assert received[0][field] == expected[field], field
    for header in ("Accept", "Content-Type", "Authorization"):
        same = received[0]["headers"].get(header) == expected["headers"][header]
        assert same, f"header {header} differs from the capture"
    assert set(received[0]["body"]) == set(expected["body"])
    assert received[0]["body"]["metadata"] == {} and received[0]["body"]["status"] == {"user": {}}
    assert set(received[0]["body"]["spec"]) == {"token", "audiences"}
    assert received[0]["body"]["spec"]["audiences"] == [DEFAULT_AUDIENCE]
    assert received[0]["body"]["spec"]["token"] == jwt, "the review must carry the client's JWT"


def test_without_a_reviewer_jwt_the_client_jwt_is_the_bearer(dev_server, api, responder, signer):
    mount = enable(dev_server, responder, reviewer=None)
    jwt = runner_token(signer)
    r = login(dev_server, mount, jwt)
    assert r.status_code == 200, r.text
    (received,) = api.take()
    same = received["headers"]["Authorization"] == f"Bearer {jwt}"
    assert same, "the bearer must be the client's JWT when no token_reviewer_jwt is configured"


def test_legacy_token_claims_log_in(dev_server, api, mount, signer, reviewer_jwt):
    """Secret-based (pre-1.24) tokens name the account in flat claims and carry
    no audience; the role's audience then refuses them, a role without one
    accepts them."""
    legacy = runner_token(signer, legacy=True)
    r = dev_server.http("POST", f"auth/{mount}/role/legacy", body={
        "bound_service_account_names": "circleci-runner", "bound_service_account_namespaces": "ci",
        "token_policies": "ci-production"})
    assert r.status_code == 204, r.text
    r = login(dev_server, mount, legacy, role="legacy")
    assert r.status_code == 200, r.text
    assert r.json()["auth"]["metadata"]["service_account_secret_name"] == "circleci-runner-token-abcde"
    (received,) = api.take()
    assert "audiences" not in received["body"]["spec"]


@pytest.mark.parametrize("namespace,name,message", [
    ("ci", "intruder", "service account name not authorized"),
    ("default", "circleci-runner", "namespace not authorized"),
])
def test_an_unbound_account_is_refused_before_any_review(dev_server, api, mount, signer, namespace, name, message):
    r = login(dev_server, mount, runner_token(signer, namespace=namespace, name=name))
    assert_error(r, 403, [message])
    assert api.take() == []


def test_a_wrong_audience_is_refused_before_any_review(dev_server, api, mount, signer):
    r = login(dev_server, mount, runner_token(signer, audiences=["https://elsewhere.example"]))
    assert_error(r, 403, ["invalid audience (aud) claim: audience claim does not match any expected audience"])
    assert api.take() == []


def test_an_expired_token_is_refused_before_any_review(dev_server, api, mount, signer):
    r = login(dev_server, mount, runner_token(signer, lifetime=-3600))
    assert_error(r, 403, ["invalid expiration time (exp) claim: token is expired"])
    assert api.take() == []


@pytest.mark.parametrize("setup,reason", [
    ({"mode": "unauthenticated"}, "service account jwt not valid"),
    ({"mode": "error"}, "token has been invalidated"),
    ({"mode": "http401"}, "service account unauthorized"),
    ({"mode": "http500"}, "HTTP 500"),
    ({"user_override": {"username": "system:serviceaccount:ci:other"}}, "JWT names did not match"),
    ({"user_override": {"uid": "00000000-0000-4000-8000-00000000dead"}}, "JWT UIDs did not match"),
    ({"user_override": {"username": "system:node:ci:circleci-runner"}}, "not a service account"),
    ({"audiences_override": ["something-else"]}, "but wanted"),
])
def test_a_review_that_does_not_confirm_the_token_is_permission_denied(dev_server, api, mount, signer, setup, reason):
    for key, value in setup.items():
        setattr(api, key, value)
    jwt = runner_token(signer)
    before = len(dev_server.output())
    r = login(dev_server, mount, jwt)
    assert_error(r, 403, ["permission denied"])
    assert len(api.take()) == 1, "the review was sent"
    if IS_COFFER:
        # The reason is in the server log (and the audit line), never in the answer.
        log = dev_server.output()[before:]
        assert reason in log, f"the server log does not give the reason {reason!r}"
        assert jwt not in log, "the server log must not hold the token"


def test_a_token_the_cluster_never_signed_is_refused(dev_server, api, mount, signer):
    forged = Secret(ClusterSigner().token("ci", "circleci-runner", RUNNER_UID))
    assert_error(login(dev_server, mount, forged), 403, ["permission denied"])
    assert len(api.take()) == 1


@pytest.mark.skipif(IS_BAO, reason="OpenBao's reviewer HTTP client has no timeout of its own: a hanging API server "
                                   "holds the login until the request's 90 s max duration")
def test_a_hanging_api_server_times_out_and_other_logins_go_on(dev_server, tmp_path_factory, signer, reviewer_jwt,
                                                              mount, api):
    slow = KubernetesAPIResponder(tmp_path_factory.mktemp("k8s-slow"), signer)
    try:
        slow.mode = "hang"
        slow_mount = enable(dev_server, slow, reviewer=reviewer_jwt)
        outcome: dict = {}

        def hung_login():
            started = time.monotonic()
            outcome["response"] = login(dev_server, slow_mount, runner_token(signer))
            outcome["seconds"] = time.monotonic() - started

        thread = threading.Thread(target=hung_login)
        thread.start()
        time.sleep(0.5)
        # Meanwhile, logins on another mount are answered at once.
        for _ in range(5):
            started = time.monotonic()
            r = login(dev_server, mount, runner_token(signer))
            assert r.status_code == 200, r.text
            assert time.monotonic() - started < 2
        assert thread.is_alive(), "the hanging login should still be waiting"
        thread.join(30)
        assert not thread.is_alive()
        assert_error(outcome["response"], 403, ["permission denied"])
        assert 4 <= outcome["seconds"] < 15, outcome["seconds"]
        assert "timed out" in dev_server.output()
    finally:
        slow.stop()


# -- acceptance 2: pem_keys ------------------------------------------------------


def test_with_pem_keys_a_bad_signature_is_refused_before_any_review(dev_server, api, responder, signer, reviewer_jwt):
    mount = enable(dev_server, responder, reviewer=reviewer_jwt, pem_keys=[signer.public_pem()])
    r = dev_server.http("GET", f"auth/{mount}/config")
    assert r.json()["data"]["pem_keys"] == [signer.public_pem().strip()]
    assert r.json()["data"]["token_reviewer_jwt_set"] is True
    assert "token_reviewer_jwt" not in r.json()["data"]

    forged = Secret(ClusterSigner().token("ci", "circleci-runner", RUNNER_UID))
    assert_error(login(dev_server, mount, forged), 403, ["permission denied"])
    head, body, sig = runner_token(signer).split(".")
    tampered = Secret(f"{head}.{body}.{sig[:-6]}AAAAAA")
    assert_error(login(dev_server, mount, tampered), 403, ["permission denied"])
    assert api.take() == [], "no TokenReview may be sent for a token whose signature fails"

    r = login(dev_server, mount, runner_token(signer))
    assert r.status_code == 200, r.text
    assert len(api.take()) == 1, "a verified token is still reviewed"


# -- acceptance 3: the real clients ---------------------------------------------


def test_hvac_kubernetes_login_works_unchanged(dev_server, api, mount, signer):
    client = dev_server.hvac(token=None)
    answer = client.auth.kubernetes.login(role="ci-runner", jwt=runner_token(signer), mount_point=mount,
                                          use_token=True)
    assert answer["auth"]["policies"] == ["ci-production", "default"]
    assert client.is_authenticated()
    assert client.lookup_token()["data"]["meta"]["service_account_name"] == "circleci-runner"


def test_bao_write_login_works_unchanged(dev_server, api, mount, signer):
    jwt = runner_token(signer)
    done = dev_server.bao("write", "-format=json", f"auth/{mount}/login", "role=ci-runner", f"jwt={jwt}", token=None)
    assert done.returncode == 0, done.stderr
    import json

    auth = json.loads(done.stdout)["auth"]
    assert auth["metadata"]["service_account_namespace"] == "ci"
    looked = dev_server.bao("token", "lookup", "-format=json", token=auth["client_token"])
    assert looked.returncode == 0, looked.stderr
    assert json.loads(looked.stdout)["data"]["policies"] == ["ci-production", "default"]


# -- acceptance 4: namespace label selector --------------------------------------


def test_namespace_selector_uses_the_namespace_labels(dev_server, api, mount, signer, reviewer_jwt):
    api.namespaces.update({"runners-a": {"coffer.dev/ci": "true", "team": "platform"}, "runners-b": {"team": "platform"}})
    r = dev_server.http("POST", f"auth/{mount}/role/labelled", body={
        "bound_service_account_names": ["circleci-runner"],
        "bound_service_account_namespace_selector": '{"matchLabels": {"coffer.dev/ci": "true"}}',
        "token_policies": ["ci-production"]})
    assert r.status_code == 204, r.text
    role = dev_server.http("GET", f"auth/{mount}/role/labelled").json()["data"]
    assert role["bound_service_account_namespaces"] in ([], None)

    r = login(dev_server, mount, runner_token(signer, namespace="runners-a"), role="labelled")
    assert r.status_code == 200, r.text
    reads = [q for q in api.take() if q["method"] == "GET"]
    assert [q["path"] for q in reads] == ["/api/v1/namespaces/runners-a"]
    same = reads[0]["headers"]["Authorization"] == f"Bearer {reviewer_jwt}"
    assert same, "the namespace is read with the reviewer JWT"

    r = login(dev_server, mount, runner_token(signer, namespace="runners-b"), role="labelled")
    assert_error(r, 403, ["namespace not authorized"])
    sent = api.take()
    assert [q["path"] for q in sent] == ["/api/v1/namespaces/runners-b"], "refused before any TokenReview"


def test_namespace_selector_in_yaml_is_accepted(dev_server, api, mount, signer):
    api.namespaces["runners-y"] = {"coffer.dev/ci": "true"}
    r = dev_server.http("POST", f"auth/{mount}/role/yaml", body={
        "bound_service_account_names": ["circleci-runner"],
        "bound_service_account_namespace_selector": "matchLabels:\n  coffer.dev/ci: \"true\"\n"})
    assert r.status_code == 204, r.text
    r = login(dev_server, mount, runner_token(signer, namespace="runners-y"), role="yaml")
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("selector", [
    '{"matchExpressions": [{"key": "team", "operator": "In", "values": ["a"]}]}',
    "[1, 2",
])
def test_a_selector_it_cannot_apply_is_refused_when_written(dev_server, mount, selector):
    r = dev_server.http("POST", f"auth/{mount}/role/bad-selector", body={
        "bound_service_account_names": ["x"], "bound_service_account_namespace_selector": selector})
    assert_error(r, 400, ['invalid "bound_service_account_namespace_selector" configured'])


# -- config and role paths as captured ------------------------------------------


def test_config_and_role_paths_answer_as_captured(dev_server, mount):
    r = dev_server.http("POST", f"auth/{mount}/config", body={"kubernetes_host": "https://127.0.0.1:1",
                                                               "disable_local_ca_jwt": True})
    assert_error(r, 400, ["kubernetes_ca_cert must be given when disable_local_ca_jwt is true"])
    r = dev_server.http("POST", f"auth/{mount}/role/bad", body={"token_policies": ["x"]})
    assert_error(r, 400, ['"bound_service_account_names" can not be empty'])
    r = dev_server.http("GET", f"auth/{mount}/role/ci-runner")
    data = r.json()["data"]
    assert data["bound_service_account_names"] == ["circleci-runner"]
    assert data["audience"] == DEFAULT_AUDIENCE and data["token_ttl"] == 1200
    assert data["bound_service_account_namespace_selector"] == ""
    r = dev_server.http("LIST", f"auth/{mount}/role")
    assert "ci-runner" in r.json()["data"]["keys"]
    r = login(dev_server, mount, "garbage")
    assert_error(r, 403, ["permission denied"])
    assert_error(login(dev_server, mount, "x", role="nope"), 400, ['invalid role name "nope"'])
    r = dev_server.http("POST", f"auth/{mount}/login", token=None, body={"role": "ci-runner"})
    assert_error(r, 400, ["missing jwt"])


@coffer_only
def test_hostile_claims_are_refused_without_a_request(dev_server, api, mount, signer):
    """A namespace claim that is not a namespace name must never reach a URL,
    and claims of the wrong type are refused, not trapped on. Coffer only:
    OpenBao puts the claimed namespace into the namespace-read URL as it is
    (the responder receives `/api/v1/namespaces/../../apis/x`) and answers
    with the API server's error in the message."""
    api.namespaces["ci"] = {"coffer.dev/ci": "true"}
    r = dev_server.http("POST", f"auth/{mount}/role/any-labelled", body={
        "bound_service_account_names": ["*"],
        "bound_service_account_namespace_selector": '{"matchLabels": {"coffer.dev/ci": "true"}}'})
    assert r.status_code == 204, r.text
    for namespace in ["../../apis/x", "ci/../kube-system", "CI", "a" * 64]:
        r = login(dev_server, mount, runner_token(signer, namespace=namespace), role="any-labelled")
        assert_error(r, 403, ["namespace not authorized"])
    assert api.take() == []
    odd = Secret(signer.sign({"kubernetes.io": {"namespace": 7, "serviceaccount": {"name": [], "uid": {}}},
                              "aud": [DEFAULT_AUDIENCE]}))
    assert_error(login(dev_server, mount, odd), 403, ["permission denied"])
    assert api.take() == []


@coffer_only
def test_explain_login_names_the_review_that_refused(dev_server, api, mount, signer):
    """`coffer explain login` runs the login's own decision: the API server's
    reason, which the client never sees, is the failed check's `actual`."""
    import json
    import os
    import subprocess

    from conftest import coffer_bin

    api.mode = "unauthenticated"
    jwt = runner_token(signer)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_"))}
    env.update(VAULT_ADDR=dev_server.url, VAULT_TOKEN="root", HOME=str(dev_server.workdir))
    done = subprocess.run([str(coffer_bin()), "explain", "login", f"-mount={mount}", "-role=ci-runner", "-format=json", "-"],
                          input=jwt, capture_output=True, text=True, env=env, timeout=60)
    assert done.returncode == 1, done.stderr[-500:]
    assert jwt not in done.stdout + done.stderr and jwt.rsplit(".", 1)[1] not in done.stdout
    data = json.loads(done.stdout)
    failed = [c for c in data["checks"] if c["outcome"] == "failed"]
    assert [c["name"] for c in failed] == ["token_review"]
    assert "service account jwt not valid" in failed[0]["actual"]
    assert data["refusal"] == ["permission denied"]
    passed = {c["name"] for c in data["checks"] if c["outcome"] == "passed"}
    assert {"aud", "bound_service_account_names", "bound_service_account_namespaces"} <= passed
