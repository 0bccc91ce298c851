"""Issue 22, acceptance 4: the coffer CLI's TLS client settings. VAULT_CACERT (and
BAO_CACERT, VAULT_CAPATH, VAULT_SKIP_VERIFY) against a TLS listener; and
VAULT_CLIENT_CERT/VAULT_CLIENT_KEY for `login -method=cert`, against Coffer's
cert auth method and against OpenBao's."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import coffer_bin, redact_init_answer
from test_tls_listener import tls_server  # noqa: F401  (the fixture)


def coffer(url: str, env: dict, *args: str, **extra: str) -> subprocess.CompletedProcess:
    run_env = {k: v for k, v in env.items() if not k.startswith(("BAO_", "VAULT_", "COFFER_"))}
    run_env.update(VAULT_ADDR=url, **extra)
    return subprocess.run([str(coffer_bin()), *args], capture_output=True, text=True, env=run_env, timeout=60,
                          stdin=subprocess.DEVNULL)


def initialize(url: str, ca: Path, env: dict) -> str:
    init = coffer(url, env, "operator", "init", "-key-shares=1", "-key-threshold=1", "-format=json", VAULT_CACERT=str(ca))
    assert init.returncode == 0, init.stderr
    answer = redact_init_answer(json.loads(init.stdout))
    unseal = coffer(url, env, "operator", "unseal", answer["unseal_keys_b64"][0], VAULT_CACERT=str(ca))
    assert unseal.returncode == 0, unseal.stderr
    return answer["root_token"]


def test_ca_settings_trust_the_listener_and_nothing_else_does(tls_server, tmp_path):
    url, ca, env = tls_server
    initialize(url, ca, env)
    assert coffer(url, env, "status", VAULT_CACERT=str(ca)).returncode == 0
    assert coffer(url, env, "status", BAO_CACERT=str(ca)).returncode == 0
    capath = tmp_path / "cas"
    capath.mkdir()
    (capath / "ca.pem").write_bytes(ca.read_bytes())
    assert coffer(url, env, "status", VAULT_CAPATH=str(capath)).returncode == 0
    assert coffer(url, env, "status", "-ca-cert", str(ca)).returncode == 0
    assert coffer(url, env, "status", VAULT_SKIP_VERIFY="true").returncode == 0

    untrusted = coffer(url, env, "status")
    assert untrusted.returncode != 0
    assert "certificate" in untrusted.stderr.lower() or "ssl" in untrusted.stderr.lower(), untrusted.stderr


def make_client_cert(directory: Path) -> tuple[Path, Path, Path]:
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "client-ca.key", "-out", "client-ca.pem",
        "-days", "1", "-subj", "/CN=coffer-e2e-client-ca")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr", "-subj", "/CN=ci-runner")
    (directory / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    run("x509", "-req", "-in", "client.csr", "-CA", "client-ca.pem", "-CAkey", "client-ca.key", "-CAcreateserial",
        "-out", "client.pem", "-days", "1", "-extfile", "client.ext")
    return directory / "client-ca.pem", directory / "client.pem", directory / "client.key"


def test_cert_login_with_client_certificate(tls_server, tmp_path):
    url, ca, env = tls_server
    root = initialize(url, ca, env)
    client_ca, cert, key = make_client_cert(tmp_path)
    tls = {"VAULT_CACERT": str(ca), "VAULT_TOKEN": root}
    assert coffer(url, env, "auth", "enable", "cert", **tls).returncode == 0
    wrote = coffer(url, env, "write", "auth/cert/certs/ci", f"certificate=@{client_ca}", "token_policies=default", **tls)
    assert wrote.returncode == 0, wrote.stderr

    login = coffer(url, env, "login", "-no-store", "-format=json", "-method=cert", "name=ci", VAULT_CACERT=str(ca),
                   VAULT_CLIENT_CERT=str(cert), VAULT_CLIENT_KEY=str(key))
    assert login.returncode == 0, login.stderr
    assert json.loads(login.stdout)["auth"]["policies"] == ["default"]
    flags = coffer(url, env, "login", "-no-store", "-method=cert", f"-client-cert={cert}", f"-client-key={key}",
                   "-token-only", VAULT_CACERT=str(ca))
    assert flags.returncode == 0 and flags.stdout.startswith(("s.", "hvs.")), flags.stderr
    without = coffer(url, env, "login", "-no-store", "-method=cert", VAULT_CACERT=str(ca))
    assert without.returncode != 0
