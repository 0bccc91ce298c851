"""AWS secrets engine (issue 24): a CI job's token reads `aws/creds/<role>` for a
fresh IAM user whose keys die with the lease, or `aws/sts/<role>` for STS
credentials of an assumed role.

THE PEER: moto's server mode (`aws_moto.MotoAWS`, shared with the aws auth
tests), with its IAM authentication on. What moto checks, as tried against
moto 5: every IAM and STS call must be signed (SigV4) by a key it issued, or
it answers InvalidClientTokenId (unknown or deleted key, or a deleted user's
key) or SignatureDoesNotMatch (wrong secret); IAM actions are checked against
the caller's policies (AccessDenied); AttachUserPolicy of a policy that does
not exist is NoSuchEntity, a malformed inline policy MalformedPolicyDocument.
What moto does not check: AssumeRole's trust policy or even that the role
exists, and the DurationSeconds bounds; the credentials of GetFederationToken
and GetSessionToken are fixed examples it does not accept afterwards (so those
types are checked only for their answer). Coffer's root user and every key it
hands out are used with boto3 against the same server.

OpenBao has no AWS secrets engine, so with E2E_SERVER=bao this file is skipped.
"""

from __future__ import annotations

import json
import time

import pytest
from botocore.exceptions import ClientError

from aws_moto import ACCOUNT, ALLOW_ALL, Keys, MotoAWS
from ci_job import job_login, jwt_mount
from conftest import IS_BAO, random_name
from tcp_outage import Outage
from test_ci_oidc_issuer import Issuer

pytestmark = pytest.mark.skipif(IS_BAO, reason="OpenBao has no AWS secrets engine (Coffer leads here)")

PROJECT = "5a6b7c8d-0000-4000-8000-0000000000a5"
S3_READ = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]})


def wait_until(check, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting until {what}"
        time.sleep(0.25)


def iam(aws: MotoAWS):
    return aws.client("iam", aws.admin)


def user_exists(aws: MotoAWS, name: str) -> bool:
    try:
        iam(aws).get_user(UserName=name)
        return True
    except ClientError as e:
        assert e.response["Error"]["Code"] == "NoSuchEntity", e
        return False


def user_names(aws: MotoAWS) -> set[str]:
    pages = iam(aws).get_paginator("list_users").paginate()
    return {u["UserName"] for page in pages for u in page["Users"]}


def caller(aws: MotoAWS, data: dict) -> str:
    keys = Keys(data["access_key"], data["secret_key"], data.get("session_token"))
    return aws.client("sts", keys).get_caller_identity()["Arn"]


def refused_code(aws: MotoAWS, data: dict) -> str:
    try:
        caller(aws, data)
        return "accepted"
    except ClientError as e:
        return e.response["Error"]["Code"]


def root_user(aws: MotoAWS) -> tuple[str, Keys]:
    """A user of Coffer's own, allowed everything, as an operator makes for config/root."""
    name = random_name("coffer-root")
    client = iam(aws)
    client.create_user(UserName=name)
    client.put_user_policy(UserName=name, PolicyName="all", PolicyDocument=ALLOW_ALL)
    key = client.create_access_key(UserName=name)["AccessKey"]
    return name, Keys(key["AccessKeyId"], key["SecretAccessKey"])


def enable(server, aws: MotoAWS, keys: Keys, path: str | None = None, endpoint: str | None = None, **config) -> str:
    mount = path or random_name("aws")
    out = server.bao("secrets", "enable", f"-path={mount}", "aws")
    assert out.returncode == 0, out.stderr
    r = server.http("POST", f"{mount}/config/root", body={
        "access_key": keys.access_key, "secret_key": keys.secret_key, "region": "us-east-1",
        "iam_endpoint": endpoint or aws.url, "sts_endpoint": endpoint or aws.url, **config})
    assert r.status_code == 204, r.text
    return mount


def write_role(server, mount: str, name: str, **fields) -> None:
    r = server.http("POST", f"{mount}/roles/{name}", body=fields)
    assert r.status_code == 204, r.text


class Engine:
    def __init__(self, server, aws: MotoAWS, mount: str):
        self.server, self.aws, self.mount = server, aws, mount


@pytest.fixture(scope="module")
def engine(dev_server, aws) -> Engine:
    _, keys = root_user(aws)
    mount = enable(dev_server, aws, keys)
    write_role(dev_server, mount, "deploy", credential_type="iam_user", policy_document=S3_READ,
               iam_tags=["team=platform"], user_path="/ci/")
    write_role(dev_server, mount, "deploy-role", credential_type="assumed_role",
               role_arns=[aws.role_arn], default_sts_ttl="15m", max_sts_ttl="1h")
    yield Engine(dev_server, aws, mount)
    dev_server.http("DELETE", f"sys/mounts/{mount}")


@pytest.fixture(scope="module")
def issuer(tmp_path_factory):
    server = Issuer(tmp_path_factory.mktemp("aws-issuer"))
    yield server
    server.proc.kill()
    server.proc.wait()


def job_token(engine: Engine, issuer, *paths: str) -> str:
    policy = random_name("ci-aws")
    text = "\n".join(f'path "{engine.mount}/{p}" {{ capabilities = ["read", "update"] }}' for p in paths)
    assert engine.server.bao("policy", "write", policy, "-", input=text).returncode == 0
    return job_login(engine.server, issuer, jwt_mount(engine.server, issuer, policy), PROJECT)


# -- acceptance 1: a job's IAM user lives as long as its lease -------------------


def test_a_ci_job_gets_an_iam_user_that_is_removed_when_its_lease_ends(engine, issuer):
    token = job_token(engine, issuer, "creds/deploy")
    out = engine.server.bao("read", "-format=json", f"{engine.mount}/creds/deploy", "ttl=5s", token=token)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["lease_duration"] == 5 and answer["renewable"] is True
    assert answer["lease_id"].startswith(f"{engine.mount}/creds/deploy/")
    data = answer["data"]
    assert data["session_token"] is None and data["security_token"] is None
    username = data["arn"].rsplit("/", 1)[1]
    assert data["arn"] == f"arn:aws:iam::{ACCOUNT}:user/ci/{username}" and username.startswith("vault-jwt-")
    assert len(username) <= 64

    # The keys work, as the generated user, with the role's policy and tags.
    assert caller(engine.aws, data) == data["arn"]
    client = iam(engine.aws)
    assert client.get_user_policy(UserName=username, PolicyName="deploy")["PolicyDocument"]["Statement"][0]["Action"] == "s3:Get*"
    assert client.list_user_tags(UserName=username)["Tags"] == [{"Key": "team", "Value": "platform"}]

    wait_until(lambda: not user_exists(engine.aws, username), 30, "the expired lease's IAM user is deleted")
    assert refused_code(engine.aws, data) == "InvalidClientTokenId"


def test_revoking_the_jobs_token_removes_its_iam_users_at_once(engine, issuer):
    token = job_token(engine, issuer, "creds/deploy")
    users = []
    for _ in range(2):
        r = engine.server.http("GET", f"{engine.mount}/creds/deploy", token=token)
        assert r.status_code == 200, r.text
        users.append(r.json()["data"]["arn"].rsplit("/", 1)[1])
    assert all(user_exists(engine.aws, u) for u in users)
    out = engine.server.bao("token", "revoke", token)
    assert out.returncode == 0, out.stderr
    wait_until(lambda: not any(user_exists(engine.aws, u) for u in users), 5, "the revoked token's IAM users are deleted")


# -- acceptance 2: assumed-role credentials and their refusals -------------------


def test_assumed_role_credentials_are_the_roles_session(engine, issuer):
    token = job_token(engine, issuer, "sts/deploy-role")
    r = engine.server.http("POST", f"{engine.mount}/sts/deploy-role", token=token, body={"role_session_name": "job-42"})
    assert r.status_code == 200, r.text
    answer = r.json()
    assert answer["renewable"] is False and answer["lease_duration"] == 900
    assert any("cannot be revoked" in w for w in answer["warnings"])
    data = answer["data"]
    assert data["arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-deploy/job-42"
    assert data["session_token"] and data["security_token"] == data["session_token"]
    assert caller(engine.aws, data) == data["arn"]

    # Without a session name one is made up from the job's display name.
    data = engine.server.http("GET", f"{engine.mount}/sts/deploy-role", token=token).json()["data"]
    assert caller(engine.aws, data).startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-deploy/vault-jwt-")


@pytest.mark.parametrize("body,words", [
    ({"role_arn": "arn:aws:iam::123456789012:role/web-app"}, "not in allowed role arns"),
    ({"ttl": "2h"}, "exceeds max_sts_ttl of 3600s"),
], ids=["a role ARN the role does not allow", "a ttl over max_sts_ttl"])
def test_a_role_arn_not_allowed_and_a_ttl_over_the_maximum_are_refused(engine, body, words):
    r = engine.server.http("POST", f"{engine.mount}/sts/deploy-role", body=body)
    assert r.status_code == 400, r.text
    [error] = r.json()["errors"]
    assert words in error


def test_an_unknown_role_is_refused(engine):
    r = engine.server.http("GET", f"{engine.mount}/creds/nope")
    assert r.status_code == 400 and r.json()["errors"] == ['Role "nope" not found']


def test_federation_and_session_token_roles_answer_sts_credentials(engine):
    write_role(engine.server, engine.mount, "fed", credential_type="federation_token", policy_document=S3_READ)
    write_role(engine.server, engine.mount, "session", credential_type="session_token", default_sts_ttl="20m")
    fed = engine.server.http("GET", f"{engine.mount}/sts/fed").json()
    assert fed["data"]["session_token"] and fed["data"]["arn"].startswith(f"arn:aws:sts::{ACCOUNT}:federated-user/")
    session = engine.server.http("GET", f"{engine.mount}/creds/session").json()
    assert session["data"]["session_token"] and session["data"]["arn"] is None and session["lease_duration"] == 1200


# -- bad input: IAM refusing a policy leaves nothing behind ----------------------


def test_iam_refusing_a_policy_is_a_clear_error_on_record_and_leaves_no_user(engine, tmp_path):
    write_role(engine.server, engine.mount, "bad-policy", credential_type="iam_user",
               policy_arns=[f"arn:aws:iam::{ACCOUNT}:policy/does-not-exist"])
    log = tmp_path / "audit.log"
    device = random_name("aws-audit")
    r = engine.server.http("PUT", f"sys/audit/{device}", body={"type": "file", "options": {"file_path": str(log)}})
    assert r.status_code == 204, r.text
    before = user_names(engine.aws)
    try:
        r = engine.server.http("GET", f"{engine.mount}/creds/bad-policy")
    finally:
        engine.server.http("DELETE", f"sys/audit/{device}")
    assert r.status_code == 400, r.text
    [error] = r.json()["errors"]
    assert error.startswith("Error attaching user policy: IAM AttachUserPolicy answered ") and "NoSuchEntity" in error, error
    assert user_names(engine.aws) == before, "the half-made user was left behind"
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    refused = [e for e in entries if e.get("type") == "response" and e["request"]["path"] == f"{engine.mount}/creds/bad-policy"]
    assert refused and "Error attaching user policy" in refused[0].get("error", ""), refused


def test_config_root_never_shows_the_secret_key(engine):
    data = engine.server.http("GET", f"{engine.mount}/config/root").json()["data"]
    assert "secret_key" not in data and data["access_key"]
    assert data["iam_endpoint"] == engine.aws.url and data["region"] == "us-east-1"


# -- acceptance 3: revocation while moto is unreachable ---------------------------


def unsealed_config_server(factory, env: dict[str, str]):
    import os

    server = factory()
    server.kill()
    server.env = dict(server.env or os.environ, **env)
    server.start()
    keys = server.init(shares=1, threshold=1)["keys_base64"]
    server.unseal(keys)
    return server, keys


def test_revocation_is_retried_until_moto_is_back_even_across_a_restart(config_server_factory, aws):
    outage = Outage(aws.port)
    server, keys = unsealed_config_server(config_server_factory, {"COFFER_LEASE_REVOKE_RETRY_BASE": "0.5"})
    _, root = root_user(aws)
    # Through the forwarder, so "moto down" is a refused connection; no retries inside one call.
    enable(server, aws, root, path="aws", endpoint=f"http://127.0.0.1:{outage.port}", max_retries=0)
    write_role(server, "aws", "deploy", credential_type="iam_user", policy_document=S3_READ)
    answer = server.http("GET", "aws/creds/deploy", params={"ttl": "2s"}).json()
    victim = answer["data"]["arn"].rsplit("/", 1)[1]
    outage.down()
    try:
        time.sleep(5)  # expired, and the first attempts failed
        assert user_exists(aws, victim), "removed although IAM was unreachable?"
        assert caller(aws, answer["data"]) == answer["data"]["arn"]
        server.restart()
        server.unseal(keys)
    finally:
        outage.up()
    wait_until(lambda: not user_exists(aws, victim), 30, "the lease is revoked once IAM is back")
    assert refused_code(aws, answer["data"]) == "InvalidClientTokenId"
    assert server.http("LIST", "sys/leases/lookup/aws/creds/deploy/").status_code == 404
    outage.down()


# -- acceptance 4: rotate-root ------------------------------------------------------


def test_rotate_root_makes_the_old_key_useless_and_keeps_issuing(dev_server, aws):
    _, old = root_user(aws)
    mount = enable(dev_server, aws, old)
    write_role(dev_server, mount, "deploy", credential_type="iam_user", policy_document=S3_READ)
    r = dev_server.http("POST", f"{mount}/config/rotate-root")
    assert r.status_code == 200, r.text
    new_key = r.json()["data"]["access_key"]
    assert new_key != old.access_key
    assert dev_server.http("GET", f"{mount}/config/root").json()["data"]["access_key"] == new_key
    assert refused_code(aws, {"access_key": old.access_key, "secret_key": old.secret_key}) == "InvalidClientTokenId"
    data = dev_server.http("GET", f"{mount}/creds/deploy").json()["data"]
    assert caller(aws, data) == data["arn"]
    dev_server.http("DELETE", f"sys/mounts/{mount}")


# -- acceptance 5: hvac and the bao CLI, unchanged ----------------------------------


def test_hvac_generate_credentials_and_bao_read_work_unchanged(dev_server, aws):
    _, keys = root_user(aws)
    enable(dev_server, aws, keys, path="aws")
    try:
        write_role(dev_server, "aws", "deploy", credential_type="iam_user", policy_document=S3_READ)
        write_role(dev_server, "aws", "deploy-role", credential_type="assumed_role", role_arns=[aws.role_arn])
        client = dev_server.hvac()
        made = client.secrets.aws.generate_credentials(name="deploy")
        assert caller(aws, made["data"]) == made["data"]["arn"] and made["lease_duration"] > 0
        assumed = client.secrets.aws.generate_credentials(name="deploy-role", endpoint="sts", ttl="900s")
        assert caller(aws, assumed["data"]).startswith(f"arn:aws:sts::{ACCOUNT}:assumed-role/ci-deploy/")

        out = dev_server.bao("read", "aws/creds/deploy")
        assert out.returncode == 0, out.stderr
        rows = dict(line.split(None, 1) for line in out.stdout.splitlines()[2:] if line.strip())
        assert rows["lease_id"].startswith("aws/creds/deploy/") and rows["access_key"].strip()
        assert caller(aws, {"access_key": rows["access_key"].strip(), "secret_key": rows["secret_key"].strip()}).endswith(
            rows["arn"].strip().rsplit("/", 1)[1])
        # An explicit revocation removes the user at once; an IAM user's lease renews, an STS lease does not.
        username = rows["arn"].strip().rsplit("/", 1)[1]
        renewed = dev_server.bao("lease", "renew", "-increment=1h", rows["lease_id"].strip())
        assert renewed.returncode == 0, renewed.stderr
        out = dev_server.bao("lease", "revoke", rows["lease_id"].strip())
        assert out.returncode == 0 and not user_exists(aws, username), out.stderr
        refused = dev_server.bao("lease", "renew", assumed["lease_id"])
        assert refused.returncode != 0 and "lease is not renewable" in refused.stderr, refused.stderr
        listed = dev_server.bao("list", "-format=json", "aws/roles")
        assert listed.returncode == 0 and json.loads(listed.stdout) == ["deploy", "deploy-role"], listed.stderr
    finally:
        dev_server.http("DELETE", "sys/mounts/aws")
