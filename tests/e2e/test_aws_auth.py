"""AWS auth, IAM type (issue 21): a runner logs in with a GetCallerIdentity
request signed by its AWS credentials; Coffer checks the request, sends it to
STS and binds the ARN STS answers.

THE PEER: moto's server mode (`aws_moto.MotoAWS`), with its IAM authentication
on, stands in for AWS: users, roles and assumed-role sessions are made through
boto3, and moto really checks the access keys and SigV4 signatures Coffer
forwards. The clients are the real hvac (`auth.aws.iam_login`, which signs for
sts.amazonaws.com; Coffer sends the request to the configured sts_endpoint,
moto, with that Host) and the coffer CLI (`login -method=aws`).

OpenBao does not ship the aws auth method, so with E2E_SERVER=bao this file
is skipped.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import threading
import time
import uuid
from base64 import b64decode, b64encode

import pytest

from aws_moto import ACCOUNT, Keys, MotoAWS
from conftest import IS_BAO, coffer_bin

pytestmark = pytest.mark.skipif(IS_BAO, reason="OpenBao does not ship the aws auth method (Coffer leads here)")

SERVER_ID = "coffer.e2e.example"


def enable(server, aws: MotoAWS, **config) -> str:
    mount = f"aws-{uuid.uuid4().hex[:8]}"
    r = server.http("POST", f"sys/auth/{mount}", body={"type": "aws"})
    assert r.status_code == 204, r.text
    body = {"sts_endpoint": aws.url, "iam_endpoint": aws.url, "access_key": aws.admin.access_key,
            "secret_key": aws.admin.secret_key, **config}
    r = server.http("POST", f"auth/{mount}/config/client", body=body)
    assert r.status_code == 204, r.text
    return mount


def role(server, mount: str, name: str, **fields) -> None:
    r = server.http("POST", f"auth/{mount}/role/{name}", body={"auth_type": "iam", "token_policies": ["ci-aws"],
                                                              "token_ttl": "15m", **fields})
    assert r.status_code == 204, r.text


@pytest.fixture(scope="module")
def mount(dev_server, aws) -> str:
    mount = enable(dev_server, aws)
    role(dev_server, mount, "deploy", bound_iam_principal_arn=[aws.role_arn])
    role(dev_server, mount, "runner", bound_iam_principal_arn=[aws.runner_arn])
    role(dev_server, mount, "glob", bound_iam_principal_arn=[f"arn:aws:iam::{ACCOUNT}:role/ci-*"],
         resolve_aws_unique_ids=False, bound_account_id=[ACCOUNT])
    return mount


def hvac_login(server, mount: str, keys: Keys, role: str, header_value: str | None = None):
    return server.hvac(token=None).auth.aws.iam_login(
        keys.access_key, keys.secret_key, keys.session_token, header_value=header_value, role=role,
        use_token=False, mount_point=mount)


def login_fields(keys: Keys, role: str, header_value: str | None = None) -> dict:
    """The login body exactly as hvac's iam_login builds it (to alter a part)."""
    from hvac import aws_utils

    request = aws_utils.generate_sigv4_auth_request(header_value=header_value)
    aws_utils.SigV4Auth(keys.access_key, keys.secret_key, keys.session_token, "us-east-1").add_auth(request)
    headers = {k: [request.headers[k]] for k in request.headers}
    return {"role": role, "iam_http_request_method": "POST",
            "iam_request_url": b64encode(request.url.encode()).decode(),
            "iam_request_headers": b64encode(json.dumps(headers).encode()).decode(),
            "iam_request_body": b64encode(request.body.encode()).decode()}


def login(server, mount: str, body: dict):
    return server.http("POST", f"auth/{mount}/login", token=None, body=body)


def errors(response) -> list[str]:
    return response.json().get("errors", [])


# -- acceptance 1: hvac, bound role ARN, assumed session, refusals ---------------


def test_hvac_assumed_role_session_logs_in_to_a_role_bound_to_the_role_arn(dev_server, aws, mount):
    session = aws.assume(aws.role_arn, "job-7")
    auth = hvac_login(dev_server, mount, session, "deploy")["auth"]
    assert auth["policies"] == ["ci-aws", "default"]
    assert auth["lease_duration"] == 900
    meta = auth["metadata"]
    assert meta["client_arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-deploy/job-7"
    assert meta["canonical_arn"] == aws.role_arn
    assert meta["auth_type"] == "iam" and meta["account_id"] == ACCOUNT
    # The token works, and its identity alias is the role's ID, as Vault's default.
    looked = dev_server.http("GET", "auth/token/lookup-self", token=auth["client_token"])
    assert looked.status_code == 200 and looked.json()["data"]["display_name"] == f"{mount}-ci-deploy"
    role_id = dev_server.http("GET", f"auth/{mount}/role/deploy").json()["data"]["role_id"]
    entity = dev_server.http("GET", f"identity/entity/id/{auth['entity_id']}").json()["data"]
    [alias] = entity["aliases"]
    assert alias["mount_type"] == "aws" and alias["name"] == role_id
    assert alias["metadata"] == {"account_id": ACCOUNT, "auth_type": "iam"}


def test_hvac_user_logs_in_by_its_resolved_unique_id(dev_server, aws, mount):
    # resolve_aws_unique_ids (the default) bound the user's unique ID through IAM.
    stored = dev_server.http("GET", f"auth/{mount}/role/runner").json()["data"]
    user_id = aws.client("iam", aws.admin).get_user(UserName="ci-runner-user")["User"]["UserId"]
    assert stored["bound_iam_principal_id"] == [user_id]
    auth = hvac_login(dev_server, mount, aws.runner, "runner")["auth"]
    assert auth["metadata"]["client_user_id"] == user_id


def test_glob_binding_and_account_bound(dev_server, aws, mount):
    auth = hvac_login(dev_server, mount, aws.assume(aws.role_arn, "job-8"), "glob")["auth"]
    assert auth["metadata"]["canonical_arn"] == aws.role_arn


def test_another_principal_is_refused(dev_server, aws, mount):
    r = login(dev_server, mount, login_fields(aws.other, "deploy"))
    assert r.status_code == 400
    assert errors(r) == [f'IAM Principal "arn:aws:iam::{ACCOUNT}:user/someone-else" does not belong to the role "deploy"']
    # A session of another role does not match the glob either.
    r = login(dev_server, mount, login_fields(aws.assume(aws.other_role_arn), "glob"))
    assert r.status_code == 400 and "does not belong to the role" in errors(r)[0]


def test_tampered_signature_is_refused_by_sts(dev_server, aws, mount):
    body = login_fields(aws.assume(aws.role_arn), "deploy")
    headers = json.loads(b64decode(body["iam_request_headers"]))
    authorization = headers["Authorization"][0]
    last = authorization[-1]
    headers["Authorization"] = [authorization[:-1] + ("0" if last != "0" else "1")]
    body["iam_request_headers"] = b64encode(json.dumps(headers).encode()).decode()
    r = login(dev_server, mount, body)
    assert r.status_code == 400, r.text
    assert errors(r)[0].startswith("error making upstream request: received error code 403 from STS: SignatureDoesNotMatch")
    assert "auth" not in r.json()


def test_unsigned_request_and_other_actions_never_reach_sts(dev_server, aws, mount):
    body = login_fields(aws.runner, "runner")
    headers = json.loads(b64decode(body["iam_request_headers"]))
    del headers["Authorization"]
    unsigned = dict(body, iam_request_headers=b64encode(json.dumps(headers).encode()).decode())
    r = login(dev_server, mount, unsigned)
    assert r.status_code == 400 and errors(r) == ["iam_request_headers must carry one AWS4-HMAC-SHA256 Authorization header"]
    other_action = dict(body, iam_request_body=b64encode(b"Action=AssumeRole&Version=2011-06-15").decode())
    r = login(dev_server, mount, other_action)
    assert r.status_code == 400 and errors(r) == ["iam_request_body must be a GetCallerIdentity request and nothing else"]
    other_url = dict(body, iam_request_url=b64encode(b"https://sts.amazonaws.com/?Action=GetCallerIdentity").decode())
    r = login(dev_server, mount, other_url)
    assert r.status_code == 400 and "no path or query" in errors(r)[0]
    r = login(dev_server, mount, dict(body, iam_http_request_method="GET"))
    assert errors(r) == ["invalid iam_http_request_method; currently only 'POST' is supported"]


def test_server_id_header_is_required_when_configured(dev_server, aws):
    mount = enable(dev_server, aws, iam_server_id_header_value=SERVER_ID)
    role(dev_server, mount, "deploy", bound_iam_principal_arn=[aws.role_arn])
    session = aws.assume(aws.role_arn)
    r = login(dev_server, mount, login_fields(session, "deploy"))
    assert r.status_code == 400
    assert errors(r) == ['error validating X-Vault-AWS-IAM-Server-ID header: missing header "X-Vault-AWS-IAM-Server-ID"']
    r = login(dev_server, mount, login_fields(session, "deploy", header_value="elsewhere.example"))
    assert errors(r) == [f'error validating X-Vault-AWS-IAM-Server-ID header: expected "{SERVER_ID}" but got "elsewhere.example"']
    auth = hvac_login(dev_server, mount, session, "deploy", header_value=SERVER_ID)["auth"]
    assert auth["policies"] == ["ci-aws", "default"]


def test_unknown_role_and_missing_fields(dev_server, aws, mount):
    r = login(dev_server, mount, login_fields(aws.runner, "nope"))
    assert r.status_code == 400 and errors(r) == ["entry for role nope not found"]
    r = login(dev_server, mount, {"role": "runner", "iam_http_request_method": "POST"})
    assert r.status_code == 400 and errors(r) == ["missing iam_request_url"]


def test_config_and_role_read_back_without_the_secret_key(dev_server, aws, mount):
    data = dev_server.http("GET", f"auth/{mount}/config/client").json()["data"]
    assert data["sts_endpoint"] == aws.url and data["access_key"] == aws.admin.access_key
    assert "secret_key" not in data and data["max_retries"] == -1
    role_data = dev_server.http("GET", f"auth/{mount}/role/glob").json()["data"]
    assert role_data["auth_type"] == "iam" and role_data["resolve_aws_unique_ids"] is False
    assert role_data["token_policies"] == ["ci-aws"] and role_data["bound_account_id"] == [ACCOUNT]
    r = dev_server.http("POST", f"auth/{mount}/role/ec2", body={"auth_type": "ec2", "bound_ami_id": "ami-1"})
    assert r.status_code == 400


def test_a_silent_sts_costs_a_bounded_wait(dev_server, aws):
    # A listener that accepts and never answers: the login must give up, not hang.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        mount = enable(dev_server, aws, sts_endpoint=f"http://127.0.0.1:{silent.getsockname()[1]}", max_retries=0)
        role(dev_server, mount, "deploy", bound_iam_principal_arn=[aws.role_arn], resolve_aws_unique_ids=False)
        started = time.monotonic()
        r = login(dev_server, mount, login_fields(aws.runner, "deploy"))
        assert r.status_code == 400 and "timed out" in errors(r)[0]
        assert time.monotonic() - started < 15
    finally:
        silent.close()


# -- acceptance 1: the coffer CLI ------------------------------------------------


def coffer_login(server, mount: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_", "AWS_"))}
    base.update({"VAULT_ADDR": server.url, "HOME": str(server.workdir), **env})
    return subprocess.run([str(coffer_bin()), "login", "-method=aws", f"-path={mount}", "-no-store", "-format=json", *args],
                          capture_output=True, text=True, env=base, timeout=60, stdin=subprocess.DEVNULL)


def test_coffer_cli_signs_with_the_environment_credentials(dev_server, aws, mount):
    session = aws.assume(aws.role_arn, "cli-job")
    done = coffer_login(dev_server, mount, "role=deploy", env={
        "AWS_ACCESS_KEY_ID": session.access_key, "AWS_SECRET_ACCESS_KEY": session.secret_key,
        "AWS_SESSION_TOKEN": session.session_token})
    assert done.returncode == 0, done.stderr
    auth = json.loads(done.stdout)["auth"]
    assert auth["metadata"]["client_arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-deploy/cli-job"
    assert auth["policies"] == ["ci-aws", "default"]


def test_coffer_cli_reads_the_shared_credentials_file_and_sends_the_server_id(dev_server, aws, tmp_path):
    mount = enable(dev_server, aws, iam_server_id_header_value=SERVER_ID)
    role(dev_server, mount, "runner", bound_iam_principal_arn=[aws.runner_arn])
    credentials = tmp_path / "credentials"
    credentials.write_text(f"[default]\naws_access_key_id = wrong\naws_secret_access_key = wrong\n\n"
                           f"[ci]\naws_access_key_id = {aws.runner.access_key}\n"
                           f"aws_secret_access_key = {aws.runner.secret_key}\n")
    env = {"AWS_SHARED_CREDENTIALS_FILE": str(credentials), "AWS_PROFILE": "ci"}
    refused = coffer_login(dev_server, mount, "role=runner", env=env)
    assert refused.returncode == 2 and "missing header" in refused.stderr
    done = coffer_login(dev_server, mount, "role=runner", f"header_value={SERVER_ID}", env=env)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["auth"]["metadata"]["client_arn"] == aws.runner_arn
    # The wrong key of the default profile: moto refuses it.
    wrong = coffer_login(dev_server, mount, "role=runner", f"header_value={SERVER_ID}",
                         env={"AWS_SHARED_CREDENTIALS_FILE": str(credentials)})
    assert wrong.returncode == 2 and "InvalidClientTokenId" in wrong.stderr


def test_explain_names_the_binding_that_refused(dev_server, aws, mount):
    body = dict(login_fields(aws.other, "deploy"), mount=mount)
    r = dev_server.http("POST", "sys/explain/login", body=body)
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["allowed"] is False and data["failed_check"] == "bound_iam_principal_arn"
    names = [c["name"] for c in data["checks"]]
    assert names[:2] == ["iam_http_request_method", "iam_request_url"] and "sts_get_caller_identity" in names
