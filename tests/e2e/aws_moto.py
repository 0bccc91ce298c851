"""moto's server mode as the AWS peer of the aws auth tests: a real HTTP server
that implements STS and IAM, with its IAM authentication ON, so access keys
and SigV4 signatures are really checked (a tampered signature gets
SignatureDoesNotMatch, an unknown key InvalidClientTokenId).

`MotoAWS` starts `moto_server` on a free local port, creates the IAM users and
roles the tests need through boto3 while authentication is still off, then
turns it on (`/moto-api/reset-auth`). Every key it hands out is a `Secret`.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import boto3
import requests

from conftest import Secret, free_port, new_session

ACCOUNT = "123456789012"
ASSUME_ANYONE = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
})
ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


class Keys:
    def __init__(self, access_key: str, secret_key: str, session_token: str | None = None):
        self.access_key = Secret(access_key)
        self.secret_key = Secret(secret_key)
        self.session_token = Secret(session_token) if session_token else None


class MotoAWS:
    def __init__(self, workdir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = open(workdir / "moto.log", "wb")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(self.port)], stdout=self.log,
                                     stderr=subprocess.STDOUT, env=env, start_new_session=True)
        session = new_session()
        deadline = time.monotonic() + 30
        while True:
            try:
                session.get(self.url + "/moto-api/", timeout=1)
                break
            except requests.RequestException:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError("moto_server did not start; see moto.log")
                time.sleep(0.1)
        self._setup()
        # From here on every request must be signed by a key moto issued.
        r = session.post(self.url + "/moto-api/reset-auth", data=b"0", timeout=10)
        assert r.status_code == 200, r.text

    def client(self, service: str, keys: Keys | None = None):
        keys = keys or Keys("bootstrap", "bootstrap")
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id=keys.access_key, aws_secret_access_key=keys.secret_key,
                            aws_session_token=keys.session_token)

    def _user(self, iam, name: str, policy: str | None = None) -> Keys:
        iam.create_user(UserName=name)
        if policy:
            iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return Keys(key["AccessKeyId"], key["SecretAccessKey"])

    def _setup(self) -> None:
        iam = self.client("iam")
        # Coffer's own key (config/client) for resolving unique IDs: may read IAM.
        self.admin = self._user(iam, "coffer-admin", ALLOW_ALL)
        # The runner's user, which assumes the CI role.
        self.runner = self._user(iam, "ci-runner-user", json.dumps({
            "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}))
        self.other = self._user(iam, "someone-else")
        self.role_arn = iam.create_role(RoleName="ci-deploy", AssumeRolePolicyDocument=ASSUME_ANYONE)["Role"]["Arn"]
        self.other_role_arn = iam.create_role(RoleName="web-app", AssumeRolePolicyDocument=ASSUME_ANYONE)["Role"]["Arn"]
        self.runner_arn = f"arn:aws:iam::{ACCOUNT}:user/ci-runner-user"

    def assume(self, role_arn: str, session: str = "job-1") -> Keys:
        creds = self.client("sts", self.runner).assume_role(RoleArn=role_arn, RoleSessionName=session)["Credentials"]
        return Keys(creds["AccessKeyId"], creds["SecretAccessKey"], creds["SessionToken"])

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait()
        self.log.close()
