"""Audit devices: every request and response on record, secrets HMAC'd, fail closed."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from conftest import Secret, coffer_only, random_name, random_value
from oidc_test_issuer import TestIssuer

pytestmark = coffer_only

ORG = "1b2c3d4e-0000-4000-8000-0000000000a1"
PROJECT = "5a6b7c8d-0000-4000-8000-000000000001"


def lines(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_guide_flow_is_on_record_without_plaintext(dev_server, tmp_path):
    log = tmp_path / "audit.log"
    device = random_name("file")
    enabled = dev_server.bao("audit", "enable", f"-path={device}", "file", f"file_path={log}")
    assert enabled.returncode == 0, enabled.stderr
    try:
        check_guide_flow(dev_server, tmp_path, log, device)
    finally:
        dev_server.bao("audit", "disable", device)


def check_guide_flow(dev_server, tmp_path, log, device):
    listed = dev_server.http("GET", "sys/audit").json()["data"]
    assert listed[f"{device}/"]["options"] == {"file_path": str(log)}

    issuer = TestIssuer(tmp_path)
    try:
        mount = random_name("jwt")
        dev_server.http("POST", f"sys/auth/{mount}", body={"type": "jwt"})
        dev_server.http("POST", f"auth/{mount}/config", body={"oidc_discovery_url": issuer.issuer(ORG), "bound_issuer": issuer.issuer(ORG),
                                                             "oidc_discovery_ca_pem": issuer.ca.read_text()})
        policy = random_name("audited")
        key = random_name("audited")
        dev_server.http("PUT", f"sys/policies/acl/{policy}", body={"policy": f'path "secret/data/{key}/*" {{ capabilities = ["read"] }}'})
        dev_server.http("POST", f"auth/{mount}/role/ci", body={"role_type": "jwt", "user_claim": "sub", "bound_audiences": [ORG],
                                                             "token_policies": [policy], "token_ttl": "15m"})
        secret = random_value(32)
        dev_server.http("POST", f"secret/data/{key}/db", body={"data": {"password": secret}})
        dev_server.http("POST", f"secret/data/{key}/api", body={"data": {"password": secret}})
        jwt = Secret(issuer.sign(issuer.claims(ORG, PROJECT)))
        login = dev_server.http("POST", f"auth/{mount}/login", body={"role": "ci", "jwt": jwt}, token=None).json()["auth"]
        token, accessor = Secret(login["client_token"]), Secret(login["accessor"])
        for name in ("db", "api"):
            assert dev_server.http("GET", f"secret/data/{key}/{name}", token=token).status_code == 200
        denied = dev_server.http("GET", "secret/data/elsewhere", token=token)
        assert denied.status_code == 403
    finally:
        issuer.stop()

    blob = log.read_text()
    # (The dev root token is the word "root", which policy names contain: not checked.)
    for label, value in {"token": token, "JWT": jwt, "secret": secret, "accessor": accessor}.items():
        found = f'"{value}"' in blob or (len(value) > 8 and value in blob)
        assert not found, f"plaintext {label} in the audit log"

    entries = lines(log)
    login_lines = [e for e in entries if e["request"]["path"] == f"auth/{mount}/login"]
    assert [e["type"] for e in login_lines] == ["request", "response"]
    assert login_lines[1]["response"]["auth"]["metadata"]["role"] == "ci"
    hashed_accessor = dev_server.http("POST", f"sys/audit-hash/{device}", body={"input": accessor}).json()["data"]["hash"]
    assert login_lines[1]["response"]["auth"]["accessor"] == hashed_accessor

    reads = [e for e in entries if e["type"] == "response" and e["request"]["operation"] == "read"
             and e["request"]["path"].startswith(f"secret/data/{key}/")]
    assert len(reads) == 2
    for entry in reads:
        assert entry["auth"]["accessor"] == hashed_accessor
        assert entry["auth"]["metadata"]["role"] == "ci"
    # sys/audit-hash of the secret value is the HMAC in its response line.
    hashed_secret = dev_server.http("POST", f"sys/audit-hash/{device}", body={"input": secret}).json()["data"]["hash"]
    assert reads[0]["response"]["data"]["data"]["password"] == hashed_secret

    refusal = [e for e in entries if e["request"]["path"] == "secret/data/elsewhere" and e["type"] == "response"]
    assert refusal and refusal[0]["error"] == "1 error occurred:\n\t* permission denied\n\n"
    assert refusal[0]["auth"]["policy_results"]["allowed"] is False


def test_fail_closed_when_the_log_cannot_be_written(dev_server, tmp_path):
    log = tmp_path / "audit.log"
    device = random_name("file")
    assert dev_server.http("PUT", f"sys/audit/{device}", body={"type": "file", "options": {"file_path": str(log)}}).status_code == 204
    key = random_name("failclosed")
    try:
        log.unlink()
        log.mkdir()  # root ignores file modes; a directory cannot be appended to by anyone
        refused = dev_server.http("POST", f"secret/data/{key}", body={"data": {"a": "b"}})
        assert refused.status_code == 500
        log.rmdir()
        # Nothing was stored, and the server is still up.
        assert dev_server.http("GET", f"secret/data/{key}").status_code == 404
        assert dev_server.http("POST", f"secret/data/{key}", body={"data": {"a": "b"}}).status_code == 200
        assert any(e["request"]["path"] == f"secret/data/{key}" for e in lines(log))
    finally:
        if log.is_dir():
            log.rmdir()
        dev_server.http("DELETE", f"sys/audit/{device}")


def test_config_declared_device_and_sighup_reopen(config_server_factory, tmp_path):
    server = config_server_factory()
    log = tmp_path / "declared.log"
    server.config_path.write_text(server.config_path.read_text() +
                                  f'audit "file" "declared" {{\n  options {{\n    file_path = "{log}"\n  }}\n}}\n')
    server.stop()
    server.start()
    init = server.init(shares=1, threshold=1)
    server.unseal(init["keys_base64"][:1])
    assert server.http("GET", "sys/audit").json()["data"]["declared/"]["options"]["file_path"] == str(log)
    # Without the unsafe flag, the API may not add devices.
    refused = server.http("PUT", "sys/audit/other", body={"type": "file", "options": {"file_path": str(tmp_path / "x.log")}})
    assert refused.status_code == 400
    assert any(e["request"]["path"] == "sys/audit" for e in lines(log))

    rotated = tmp_path / "declared.log.1"
    shutil.move(log, rotated)
    os.kill(server.proc.pid, signal.SIGHUP)
    time.sleep(0.2)
    server.http("GET", "sys/mounts")
    assert log.exists() and any(e["request"]["path"] == "sys/mounts" for e in lines(log))
